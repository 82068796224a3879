"""The daily reminders run: working-day deadlines, escalation, digests, and idempotence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import add_working_days
from portal.jobs import reminders
from portal.notifications.models import NotificationPreference
from portal.outbox.models import OutboxMessage
from portal.people.models import Role
from portal.policies.status import statuses_for_people
from tests.factories import make_person, make_policy
from tests.notifications.conftest import smtp_settings


@pytest.fixture
def team(session):
    clerk = make_person(session, name="Clara Clerk", email="clerk@council.example", roles={Role.TOWN_CLERK})
    manager = make_person(session, name="Mo Manager", email="manager@council.example", roles={Role.MANAGER})
    member = make_person(session, name="Tess Team", email="tess@council.example", manager=manager)
    loner = make_person(session, name="Lou Loner", email="lou@council.example")
    make_policy(session, clerk=clerk)
    return clerk, manager, member, loner


def _run(app, session, database_url, on: date, **settings):
    with app.test_request_context():
        counts = reminders.run(session, smtp_settings(database_url, 25, **settings), on)
    session.commit()
    return counts


def _kinds(session, address: str) -> list[str]:
    found = list(
        session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
        )
    )
    session.commit()
    return found


def _due(session, member) -> date:
    (status,) = statuses_for_people(session, [member])[member.id]
    session.commit()
    return status.due


def test_the_task_is_sent_once_and_running_twice_sends_nothing_twice(app, session, database_url, team):
    clerk, manager, member, loner = team
    today = date.today()
    _run(app, session, database_url, today)
    assert _kinds(session, member.email) == ["policy_assigned"]
    total = session.scalar(select(func.count()).select_from(OutboxMessage))
    again = _run(app, session, database_url, today)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == total
    assert sum(again.values()) == 0


def test_reminder_before_the_due_date_then_overdue_then_escalation_in_working_days(
    app, session, database_url, team
):
    clerk, manager, member, loner = team
    due = _due(session, member)
    _run(
        app, session, database_url, add_working_days(due, 0) - timedelta(days=30)
    )  # well before: no reminder
    assert _kinds(session, member.email) == ["policy_assigned"]
    three_before = due
    for _ in range(3):  # three working days before the due date
        three_before -= timedelta(days=1)
        while three_before.weekday() >= 5:
            three_before -= timedelta(days=1)
    _run(app, session, database_url, three_before)
    assert _kinds(session, member.email) == ["policy_assigned", "reminder"]
    _run(app, session, database_url, due + timedelta(days=1))
    assert _kinds(session, member.email)[-1] == "overdue"
    assert _kinds(session, manager.email).count("escalation") == 0  # not yet: 5 working days late
    _run(app, session, database_url, add_working_days(due, 5))
    assert _kinds(session, manager.email).count("escalation") == 1  # to their line manager
    escalation = session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.kind == "escalation", OutboxMessage.to_address == manager.email
        )
    )
    assert "Tess Team was asked to read and sign the Test Policy" in escalation.text_body
    # Someone without a line manager is escalated to the Town Clerk.
    assert "escalation" in _kinds(session, clerk.email)
    _run(app, session, database_url, add_working_days(due, 6))
    assert _kinds(session, manager.email).count("escalation") == 1  # once


def test_the_clerks_digest_comes_at_the_chosen_frequency(app, session, database_url, team):
    clerk, manager, member, loner = team
    due = _due(session, member)
    monday = due + timedelta(days=(7 - due.weekday()) % 7 or 7)
    _run(app, session, database_url, monday)
    digest = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "digest"))
    assert digest.to_address == clerk.email
    assert "Overdue: " in digest.text_body and "Tess Team" in digest.text_body
    assert "Business cases awaiting review: 0" in digest.text_body
    _run(app, session, database_url, monday + timedelta(days=1))  # Tuesday: weekly means no second one
    assert _kinds(session, clerk.email).count("digest") == 1
    session.add(NotificationPreference(person_id=clerk.id, digest_frequency="daily"))
    session.commit()
    _run(app, session, database_url, monday + timedelta(days=2))
    assert _kinds(session, clerk.email).count("digest") == 2


def test_leavers_get_nothing(app, session, database_url, team):
    clerk, manager, member, loner = team
    loner.is_active = False
    session.commit()
    _run(app, session, database_url, date.today())
    assert _kinds(session, loner.email) == []


def test_the_command_runs_and_is_idempotent(app, session, team):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "run"])
    assert first.exit_code == 0, first.output
    assert "Reminders queued:" in first.output
    second = runner.invoke(args=["reminders", "run"])
    assert "nothing new" in second.output
