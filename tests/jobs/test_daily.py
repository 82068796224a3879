"""`flask --app wsgi jobs run`: the reminders run, then each feature's registered daily job."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.people.models import Role, RoleChange
from portal.tasks import DAILY_JOBS, DailyJob, deadline_sources
from tests.factories import make_person


def _lapsed_proposal(session) -> RoleChange:
    clerk = make_person(session, roles={Role.TOWN_CLERK})
    someone = make_person(session)
    change = RoleChange(
        person_id=someone.id,
        kind="grant",
        role="hr",
        effective_on=date.today(),
        lapses_on=date.today() - timedelta(days=1),
        status="pending",
        proposed_by_id=clerk.id,
    )
    session.add(change)
    session.commit()
    return change


def test_features_register_their_daily_work(app):
    assert {job.name for job in DAILY_JOBS} >= {"role changes", "retention schedule"}
    names = [source.__name__ for source in deadline_sources()]
    assert names.index("signing_deadlines") < names.index("quiz_deadlines")  # policies first


def test_one_command_runs_the_reminders_and_every_daily_job(app, session):
    change = _lapsed_proposal(session)
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "reminders:" in result.output
    assert "role changes: 1 role change(s) lapsed, 0 applied." in result.output
    assert "retention schedule: 0 sign_in_records, 0 addresses," in result.output
    assert "0 disciplinary_cases, 0 breach_records, 0 audit_details, 0 leaver_accounts." in result.output
    session.expire_all()
    assert session.scalar(select(RoleChange.status).where(RoleChange.id == change.id)) == "lapsed"


def test_a_failing_job_is_reported_and_the_others_still_run(app, session, monkeypatch):
    change = _lapsed_proposal(session)

    def broken(_session, _today):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("portal.jobs.cli.DAILY_JOBS", [DailyJob("broken", broken), *DAILY_JOBS])
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 1
    assert "broken: FAILED (RuntimeError: the disk is full)" in result.output
    session.expire_all()
    assert session.scalar(select(RoleChange.status).where(RoleChange.id == change.id)) == "lapsed"
