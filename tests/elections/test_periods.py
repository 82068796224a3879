"""Pre-election periods (issue 19, section 4): the default start from the election
timetable, the period's boundaries, the posters' reminder (once), the banners, and the
business cases flagged while one is on."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import today
from portal.elections import service
from portal.elections.models import Election
from portal.errors import DomainError
from portal.outbox.models import OutboxMessage
from portal.tasks import banners_for
from tests.elections.conftest import add_election
from tests.factories import make_person

TODAY = today()


def _reminders(session, person=None) -> int:
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "election_period")
    if person is not None:
        query = query.where(OutboxMessage.person_id == person.id)
    return session.scalar(query) or 0


# The default start: the last day for the notice of election -------------------------


@pytest.mark.parametrize(
    ("poll", "notice"),
    [
        # 2 May 2024: Good Friday and Easter Monday are not counted, so the 25th day
        # before the poll is Tuesday 26 March (the timetable councils published).
        (date(2024, 5, 2), date(2024, 3, 26)),
        # Christmas Eve is not counted either, nor the Boxing Day substitute (28 December
        # 2026) nor New Year's Day: the 25th day before 28 January 2027 is 18 December.
        (date(2027, 1, 28), date(2026, 12, 18)),
        # No holidays in the way: five weeks of weekdays.
        (date(2026, 7, 9), date(2026, 6, 4)),
    ],
)
def test_the_default_start_is_the_last_day_for_the_notice_of_election(app, poll, notice):
    with app.app_context():
        assert service.notice_deadline(poll) == notice


def test_christmas_eve_is_not_a_timetable_day(app):
    with app.app_context():
        assert not service.is_timetable_day(date(2026, 12, 24))
        assert service.is_timetable_day(date(2026, 12, 23))


# Recording, correcting and cancelling ---------------------------------------------------


def _details(**overrides) -> service.ElectionDetails:
    values = {
        "kind": "ordinary",
        "title": "Town council ordinary election",
        "poll_on": TODAY + timedelta(days=60),
        "period_starts_on": None,
    }
    values.update(overrides)
    return service.ElectionDetails(**values)


def test_recording_takes_the_default_start_and_is_audited(app, session, council):
    clerk = council[0]
    with app.app_context():
        election = service.record_election(session, clerk, _details())
        session.commit()
        assert election.period_starts_on == service.notice_deadline(election.poll_on)
    assert election.start_given is False
    from portal.audit.models import AuditEvent

    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "election.recorded")).one()
    assert event.object_id == str(election.id)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": "coronation"}, "kind", "Choose what kind of election"),
        ({"title": "  "}, "title", "Give the election a name"),
        ({"poll_on": TODAY - timedelta(days=1)}, "poll_on", "cannot be in the past"),
        ({"poll_on": TODAY + timedelta(days=6 * 365)}, "poll_on", "within the next five years"),
        (
            {"period_starts_on": TODAY + timedelta(days=60)},
            "period_starts_on",
            "must start before polling day",
        ),
        (
            {"period_starts_on": TODAY + timedelta(days=61)},
            "period_starts_on",
            "must start before polling day",
        ),
        ({"period_starts_on": TODAY - timedelta(days=200)}, "period_starts_on", "more than six months"),
    ],
)
def test_bad_details_are_refused_with_a_clear_message(app, session, council, overrides, field, message):
    with app.app_context(), pytest.raises(DomainError) as refused:
        service.record_election(session, council[0], _details(**overrides))
    assert refused.value.field == field and message in refused.value.message
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Election)) == 0


def test_the_same_election_cannot_be_recorded_twice(app, session, council):
    with app.app_context():
        service.record_election(session, council[0], _details())
        with pytest.raises(DomainError, match="already recorded"):
            service.record_election(session, council[0], _details(title="town council ORDINARY election "))


def test_a_correction_keeps_what_it_said_before_in_the_audit_trail(app, session, council):
    from portal.audit.models import AuditEvent

    clerk = council[0]
    with app.app_context():
        election = service.record_election(session, clerk, _details())
        moved = TODAY + timedelta(days=67)
        service.correct_election(session, clerk, election, _details(poll_on=moved))
        session.commit()
        assert election.poll_on == moved and election.period_starts_on == service.notice_deadline(moved)
        with pytest.raises(DomainError, match="Nothing has changed"):
            service.correct_election(session, clerk, election, _details(poll_on=moved))
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "election.corrected")).one()
    assert json.loads(event.details)["poll_on"] == {
        "from": (TODAY + timedelta(days=60)).isoformat(),
        "to": moved.isoformat(),
    }


def test_cancelling_needs_a_reason_ends_the_period_and_is_audited(app, session, council):
    from portal.audit.models import AuditEvent

    clerk = council[0]
    with app.app_context():
        election = service.record_election(
            session,
            clerk,
            _details(period_starts_on=TODAY - timedelta(days=2), poll_on=TODAY + timedelta(days=20)),
        )
        assert service.period_on(session) is election
        with pytest.raises(DomainError, match="Say why"):
            service.cancel_election(session, clerk, election, " ")
        service.cancel_election(session, clerk, election, "Uncontested: no poll")
        session.commit()
        assert service.period_on(session) is None
        with pytest.raises(DomainError, match="already been cancelled"):
            service.cancel_election(session, clerk, election, "Again")
        with pytest.raises(DomainError, match="cannot be corrected"):
            service.correct_election(session, clerk, election, _details())
    assert session.scalar(select(func.count()).where(AuditEvent.action == "election.cancelled")) == 1


# The period's boundaries ----------------------------------------------------------------


def test_the_period_runs_from_its_first_day_to_polling_day_inclusive(session, council):
    starts, poll = date(2027, 3, 26), date(2027, 5, 6)
    election = add_election(session, council[0], starts=starts, poll=poll)
    assert service.period_on(session, starts - timedelta(days=1)) is None
    assert service.period_on(session, starts) == election
    assert service.period_on(session, poll) == election
    assert service.period_on(session, poll + timedelta(days=1)) is None


def test_overlapping_periods_show_the_soonest_poll(session, council):
    later = add_election(session, council[0], starts=date(2027, 3, 1), poll=date(2027, 5, 6), title="County")
    sooner = add_election(session, council[0], starts=date(2027, 3, 20), poll=date(2027, 4, 15), title="By")
    assert service.period_on(session, date(2027, 3, 25)) == sooner
    assert service.period_on(session, date(2027, 4, 20)) == later
    assert [e.id for e in service.current_elections(session, date(2027, 3, 25))] == [sooner.id, later.id]


# The posters' reminder ------------------------------------------------------------------


def test_posters_are_reminded_on_the_first_day_once(app, session, council, poster):
    clerk = council[0]
    bystander = make_person(session, name="Not A Poster")
    with app.app_context():
        election = service.record_election(
            session,
            clerk,
            _details(period_starts_on=TODAY + timedelta(days=3), poll_on=TODAY + timedelta(days=40)),
        )
        session.commit()
        assert service.remind_posters(session, TODAY) == {}  # not started: nothing yet
        assert _reminders(session) == 0
        first_day = election.period_starts_on
        assert service.remind_posters(session, first_day) == {"election_period": 1}
        # The next day's run, or a second run the same day, sends nothing more.
        assert service.remind_posters(session, first_day) == {}
        assert service.remind_posters(session, first_day + timedelta(days=1)) == {}
        session.commit()
    assert _reminders(session, poster) == 1 and _reminders(session, bystander) == 0
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "election_period")).one()
    assert "Local Government Act 1986" in message.text_body and "candidates" in message.text_body


def test_a_missed_first_day_is_made_up_while_the_period_lasts_but_not_after(app, session, council, poster):
    election = add_election(
        session, council[0], starts=TODAY - timedelta(days=5), poll=TODAY + timedelta(days=10)
    )
    with app.app_context():
        assert service.remind_posters(session, election.poll_on + timedelta(days=1)) == {}
        assert service.remind_posters(session, TODAY) == {"election_period": 1}
    session.commit()
    assert _reminders(session, poster) == 1


def test_recording_an_election_whose_period_has_started_reminds_posters_at_once(
    app, session, council, poster
):
    with app.app_context():
        service.record_election(
            session, council[0], _details(period_starts_on=TODAY, poll_on=TODAY + timedelta(days=30))
        )
        session.commit()
        assert _reminders(session, poster) == 1
        # The daily run (the reminders' notice sources) adds nothing for the same election.
        from portal.elections.tasks import period_reminders

        assert period_reminders(session, TODAY) == {}


# Banners -----------------------------------------------------------------------------


def test_the_home_banner_is_for_posters_during_a_period_only(app, session, council, poster):
    clerk, _, manager, *_ = council
    with app.test_request_context():
        assert banners_for(session, poster) == []
        election = add_election(session, clerk, starts=TODAY, poll=TODAY + timedelta(days=14))
        [banner] = banners_for(session, poster)
        assert banner.title == "Pre-election period"
        assert election.poll_on.strftime("%-d %B %Y") in banner.heading
        assert any("Local Government Act 1986" in p for p in banner.paragraphs)
        assert any(
            "Code of Recommended Practice on Local Authority Publicity" in p for p in banner.paragraphs
        )
        assert banners_for(session, manager) == []  # not a poster


def test_the_restraint_cites_the_law_and_names_candidates_and_controversy(session, council):
    election = add_election(session, council[0], starts=TODAY, poll=TODAY + timedelta(days=14))
    words = " ".join(service.restraint(election).paragraphs)
    for expected in ("section 2", "Code of Recommended Practice", "candidates", "controversial", "carry on"):
        assert expected in words


def test_the_daily_reminders_run_sends_the_reminder_on_the_first_day_once(
    app, session, database_url, council, poster
):
    from portal.jobs import reminders
    from tests.notifications.conftest import smtp_settings

    starts = TODAY + timedelta(days=2)
    add_election(session, council[0], starts=starts, poll=TODAY + timedelta(days=30))
    for day in (TODAY, starts, starts, starts + timedelta(days=1)):
        with app.test_request_context():
            reminders.run(session, smtp_settings(database_url, 25), day)
        session.commit()
        assert _reminders(session, poster) == (0 if day < starts else 1)
