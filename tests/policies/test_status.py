from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from portal.clock import add_working_days, is_working_day, working_days_between
from portal.people.models import EngagementType, Role
from portal.policies import service
from portal.policies.clerk_records import withdraw
from portal.policies.signing import RequestDetails, decline
from portal.policies.status import Status, as_at, statuses_for_people
from tests.factories import POLICY_TEXT, add_version, make_clerk, make_person, make_policy

MONDAY_BEFORE_CHRISTMAS = datetime(2026, 12, 21, 10, 0, tzinfo=UTC)


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day, substitute Monday
    assert not is_working_day(date(2027, 1, 2))  # Saturday
    assert is_working_day(date(2026, 12, 29))
    assert add_working_days(date(2026, 12, 21), 20) == date(2027, 1, 21)
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 12)
    assert working_days_between(date(2026, 12, 21), date(2027, 1, 21)) == 20


def _status(session, person, slug="test-policy", today=None):
    statuses = statuses_for_people(session, [person], today=today)[person.id]
    return next((s for s in statuses if s.policy.slug == slug), None)


def test_existing_staff_have_20_working_days_after_a_material_version(session):
    clerk = make_clerk(session)
    person = make_person(session, start_date=date(2020, 1, 6))
    with time_machine.travel(MONDAY_BEFORE_CHRISTMAS, tick=False):
        make_policy(session, clerk=clerk)
    found = _status(session, person, today=date(2027, 1, 21))
    assert found.status == Status.DUE and found.due == date(2027, 1, 21)
    assert _status(session, person, today=date(2027, 1, 22)).status == Status.OVERDUE


def test_a_new_starter_has_10_working_days_from_their_start(session):
    clerk = make_clerk(session)
    with time_machine.travel(MONDAY_BEFORE_CHRISTMAS, tick=False):
        make_policy(session, clerk=clerk)
    starter = make_person(session, start_date=date(2026, 12, 24))
    assert _status(session, starter, today=date(2026, 12, 24)).due == date(2027, 1, 12)


def test_signing_makes_the_status_current(session, sign_as):
    clerk = make_clerk(session)
    person = make_person(session)
    policy, _ = make_policy(session, clerk=clerk)
    sign_as(person, policy)
    found = _status(session, person)
    assert found.status == Status.CURRENT and found.signed_at is not None


def test_a_minor_version_needs_no_new_signature(session, sign_as):
    clerk = make_clerk(session)
    person = make_person(session)
    policy, _ = make_policy(session, clerk=clerk)
    sign_as(person, policy)
    add_version(
        session, clerk=clerk, policy=policy, label="1.1", material=False, text=POLICY_TEXT + "\nTypo fixed.\n"
    )
    session.expire_all()
    found = _status(session, person)
    assert found.version.label == "1.1" and found.status == Status.CURRENT


def test_a_material_version_supersedes_old_signatures(session, sign_as):
    clerk = make_clerk(session)
    person = make_person(session, start_date=date(2020, 1, 6))
    policy, _ = make_policy(session, clerk=clerk)
    sign_as(person, policy)
    with time_machine.travel(MONDAY_BEFORE_CHRISTMAS, tick=False):
        add_version(session, clerk=clerk, policy=policy, label="2", text=POLICY_TEXT + "\nNew rule.\n")
    session.expire_all()
    found = _status(session, person, today=date(2027, 1, 4))
    assert found.status == Status.SUPERSEDED and found.due == date(2027, 1, 21)
    assert _status(session, person, today=date(2027, 2, 1)).status == Status.OVERDUE
    sign_as(person, policy)
    session.expire_all()
    assert _status(session, person, today=date(2027, 2, 1)).status == Status.CURRENT


def test_declining_and_withdrawing(session, sign_as):
    clerk = make_clerk(session)
    person = make_person(session)
    policy, version = make_policy(session, clerk=clerk)
    decline(
        session, person, policy, version_id=version.id, reason="I disagree with 3.2", request=RequestDetails()
    )
    session.commit()
    assert _status(session, person).status == Status.DECLINED
    ack = sign_as(person, policy)
    assert _status(session, person).status == Status.CURRENT
    withdraw(
        session,
        clerk,
        ack,
        service.get_policy(session, policy.slug),
        reason="Signed in error",
        request=RequestDetails(),
    )
    session.commit()
    assert _status(session, person).status in (Status.DUE, Status.OVERDUE)


def test_who_a_policy_applies_to(session):
    clerk = make_clerk(session)
    make_policy(
        session,
        clerk=clerk,
        slug="staff-only",
        engagements=[e for e in EngagementType if e != EngagementType.COUNCILLOR],
    )
    make_policy(session, clerk=clerk, slug="managers-only", roles=[Role.MANAGER])
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR)
    manager = make_person(session, roles={Role.MANAGER})
    volunteer = make_person(session, engagement=EngagementType.VOLUNTEER)
    assert _status(session, councillor, "staff-only") is None
    assert _status(session, volunteer, "staff-only") is not None
    assert _status(session, volunteer, "managers-only") is None
    assert _status(session, manager, "managers-only") is not None


def test_as_at_finds_the_version_in_force_and_the_signature(session, sign_as):
    clerk = make_clerk(session)
    person = make_person(session, start_date=date(2020, 1, 6))
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        policy, first = make_policy(session, clerk=clerk)
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        ack = sign_as(person, policy)
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=UTC), tick=False):
        second = add_version(session, clerk=clerk, policy=policy, label="2", text=POLICY_TEXT + "\nNew.\n")
        second.effective_date = date(2026, 6, 1)
        session.commit()
    session.expire_all()
    policy = service.get_policy(session, policy.slug)

    before = as_at(session, person, policy, date(2026, 3, 5))
    assert before.version.id == first.id and not before.signed
    during = as_at(session, person, policy, date(2026, 4, 1))
    assert during.version.id == first.id and during.signed and during.acknowledgement.id == ack.id
    assert during.receipt_code is not None
    after = as_at(session, person, policy, date(2026, 7, 1))
    assert after.version.id == second.id and not after.signed
    nothing = as_at(session, person, policy, date(2025, 1, 1))
    assert nothing.version is None


def test_as_at_page_for_the_clerk(client, session, sign_as):
    clerk = make_clerk(session)
    person = make_person(session, email="who@council.example")
    policy, _ = make_policy(session, clerk=clerk)
    sign_as(person, policy)
    client.sign_in_as(clerk)
    today = date.today().isoformat()
    html = client.get(
        f"/policies/as-at?person_email=who%40council.example&policy={policy.slug}&on={today}"
    ).get_data(as_text=True)
    assert "Yes, on" in html and "Download the receipt" in html
    missing = client.get(
        f"/policies/as-at?person_email=nobody%40council.example&policy={policy.slug}&on={today}"
    )
    assert "There is nobody with that email address" in missing.get_data(as_text=True)


def test_a_manager_sees_only_their_team_and_the_clerk_sees_everyone(client, session):
    clerk = make_clerk(session)
    manager = make_person(session, name="Mo Manager", roles={Role.MANAGER})
    make_person(session, name="Team Member", manager=manager)
    make_person(session, name="Someone Elsewhere")
    make_policy(session, clerk=clerk)
    client.sign_in_as(manager)
    team = client.get("/policies/status").get_data(as_text=True)
    assert "your team" in team and "Team Member" in team and "Someone Elsewhere" not in team
    everyone = client.another_browser()
    everyone.sign_in_as(clerk)
    html = everyone.get("/policies/status").get_data(as_text=True)
    assert "Team Member" in html and "Someone Elsewhere" in html and "Mo Manager" in html
    overdue_only = everyone.get("/policies/status?status=current").get_data(as_text=True)
    assert "Team Member" not in overdue_only


def test_adding_months_keeps_the_day_or_takes_the_last_day_of_a_short_month():
    from portal.clock import add_months

    assert add_months(date(2026, 11, 21), 12) == date(2027, 11, 21)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 2) == date(2027, 2, 15)
