"""A quiz never falls due before the policies it tests (portal/training/deadlines.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from portal.clock import bank_holidays_between, working_days_between
from portal.people.models import EngagementType
from portal.policies.service import statuses_for_people
from portal.training.programme import statuses_for
from portal.training.sync import sync
from tests.factories import add_version, make_clerk, make_person, make_policy

# The policies and the quiz reach the portal on Friday 27 November 2026.
ARRIVED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)


def _due_dates(session, person) -> tuple[date, date]:
    [signing] = statuses_for_people(session, [person], today=TODAY)[person.id]
    [quiz] = statuses_for(session, [person], today=TODAY)[person.id]
    return signing.due, quiz.due


def test_a_starter_from_16_november_has_the_quiz_due_with_the_policies_not_before(session, bank_folder):
    with time_machine.travel(ARRIVED, tick=False):
        clerk = make_clerk(session)
        make_policy(session, clerk=clerk)
        sync(session, bank_folder)
        session.commit()
    # The working days counted skip Christmas Day (Friday) and Boxing Day's substitute
    # (Monday 28 December), as the portal's calendar has them.
    assert [day for day, _ in bank_holidays_between(date(2026, 11, 27), date(2026, 12, 31))] == [
        date(2026, 12, 25),
        date(2026, 12, 28),
    ]
    assert working_days_between(date(2026, 11, 27), date(2026, 12, 29)) == 20

    starter = make_person(session, start_date=date(2026, 11, 16))
    # Already there when the policy was published: 20 working days from publication. The
    # quiz was due on 11 December (ten working days from when it was added) before the fix.
    assert working_days_between(date(2026, 11, 27), date(2026, 12, 11)) == 10
    assert _due_dates(session, starter) == (date(2026, 12, 29), date(2026, 12, 29))

    long_serving = make_person(session, start_date=date(2020, 1, 6))
    assert _due_dates(session, long_serving) == (date(2026, 12, 29), date(2026, 12, 29))

    # Someone who starts after both arrived has ten working days from their start for each.
    newcomer = make_person(session, start_date=date(2026, 12, 1))
    assert _due_dates(session, newcomer) == (date(2026, 12, 15), date(2026, 12, 15))
    assert working_days_between(date(2026, 12, 1), date(2026, 12, 15)) == 10


def test_a_policy_that_does_not_bind_the_person_sets_no_date_for_their_quiz(session, bank_folder):
    with time_machine.travel(ARRIVED, tick=False):
        clerk = make_clerk(session)
        policy, _ = make_policy(session, clerk=clerk)
        sync(session, bank_folder)
        # The version now in force binds volunteers only: an employee's quiz keeps its
        # own ten working days.
        add_version(session, clerk=clerk, policy=policy, label="2", engagements=[EngagementType.VOLUNTEER])
    employee = make_person(session, start_date=date(2026, 11, 16))
    [quiz] = statuses_for(session, [employee], today=TODAY)[employee.id]
    assert quiz.due == date(2026, 12, 11)


def test_the_email_asking_someone_to_take_an_on_request_quiz_gives_the_date_the_portal_shows(
    app, session, bank_folder
):
    """Asked on the day the policy arrived, the quiz's own five working days would be
    4 December; the policy it tests is due on 29 December, so the quiz is too, in the
    portal and in the email."""
    from sqlalchemy import select

    from portal.outbox.models import OutboxMessage
    from portal.people.models import Role
    from portal.training import programme

    with time_machine.travel(ARRIVED, tick=False):
        clerk = make_clerk(session)
        make_policy(session, clerk=clerk)
        sync(session, bank_folder)
        manager = make_person(session, roles={Role.MANAGER}, start_date=date(2020, 1, 6))
        member = make_person(session, manager=manager, start_date=date(2020, 1, 6))
        with app.test_request_context():  # the email's link is built from the request
            programme.assign_on_request(session, manager, member, "on-request", "Will post")
        session.commit()
    [shown] = [
        s for s in statuses_for(session, [member], today=TODAY)[member.id] if s.quiz.quiz_key == "on-request"
    ]
    assert shown.due == date(2026, 12, 29)
    body = session.scalar(select(OutboxMessage.text_body).where(OutboxMessage.kind == "quiz_assigned"))
    assert "by 29 December 2026" in body
