"""The lists that grow with the council page 50 at a time, search by name, keep their
filters, and show a change at once although everyone's status is worked out once per
change (portal.audit.cache)."""

from __future__ import annotations

import re

from portal.outbox.service import Message, queue
from portal.people.models import Role
from portal.policies.service import get_policy
from portal.policies.signing import RequestDetails, sign
from tests.factories import PASSWORD, make_clerk, make_person, make_policy

ROW = re.compile(r'<th scope="row" class="govuk-table__header">([^<]+)<br>')


def _names(html: str) -> list[str]:
    return ROW.findall(html)


def _council(session, size: int = 57):
    clerk = make_clerk(session)
    clerk.role_grants  # noqa: B018 (loaded while the session is open)
    policy, version = make_policy(session, clerk=clerk)
    people = [make_person(session, name=f"Member {n:02d}", commit=False) for n in range(size)]
    session.commit()
    return clerk, policy, version, people


def test_who_has_signed_pages_searches_and_shows_a_signature_at_once(app, client, session):
    clerk, policy, version, people = _council(session)
    client.sign_in_as(clerk)
    first = client.get("/policies/status").get_data(as_text=True)
    assert len(_names(first)) == 50 and "Page 1 of 2" in first
    assert "58 people." in first  # the members and the Clerk
    second = client.get("/policies/status?page=2").get_data(as_text=True)
    assert len(_names(second)) == 8 and not set(_names(first)) & set(_names(second))
    assert client.get("/policies/status?page=99").status_code == 200  # clamped to the last page
    found = client.get("/policies/status?q=member 1").get_data(as_text=True)
    assert _names(found) == [f"Member 1{n}" for n in range(10)]
    assert 'href="/policies/status?q=member+1' not in found  # one page: no pager

    with app.app_context():
        sign(
            session,
            people[3],
            get_policy(session, policy.slug),
            version_id=version.id,
            password=PASSWORD,
            typed_name=people[3].name,
            confirmed=True,
            request=RequestDetails(),
        )
        session.commit()
    signed = client.get("/policies/status?status=current").get_data(as_text=True)
    assert "Member 03" in _names(signed)
    # The pager keeps the filters.
    assert "status=due" in client.get("/policies/status?status=due").get_data(as_text=True)


def test_training_progress_pages_and_searches(client, session):
    clerk, *_ = _council(session)
    from portal.training.sync import sync
    from tests.training.conftest import TEST_BANK

    sync(session, TEST_BANK)
    session.commit()
    client.sign_in_as(clerk)
    first = client.get("/training/progress").get_data(as_text=True)
    assert len(_names(first)) == 50 and "Page 1 of 2" in first
    assert len(_names(client.get("/training/progress?page=2").get_data(as_text=True))) == 8
    found = client.get("/training/progress?q=MEMBER 0").get_data(as_text=True)
    assert _names(found) == [f"Member 0{n}" for n in range(10)]
    assert _names(client.get("/training/progress?status=passed").get_data(as_text=True)) == []


def test_a_manager_sees_only_their_team(client, session):
    manager = make_person(session, name="Maude Manager", roles={Role.MANAGER})
    make_person(session, name="Team Member", manager=manager)
    make_person(session, name="Someone Else")
    make_policy(session, clerk=make_clerk(session))
    client.sign_in_as(manager)
    assert _names(client.get("/policies/status").get_data(as_text=True)) == ["Team Member"]
    assert _names(client.get("/policies/status?q=someone").get_data(as_text=True)) == []


def test_the_outbox_pages_and_searches_but_never_finds_a_confidential_notice(app, client, session):
    admin = make_person(session, roles={Role.ADMINISTRATOR})
    target = make_person(session, email="target@council.example")
    with app.app_context():
        for n in range(55):
            queue(session, admin, "test", Message(f"Notice {n:02d}", ["Text."]))
        queue(session, target, "employment_record", Message("There is something to read", ["Text."]))
        queue(session, target, "test", Message("Your quiz", ["Text."]))
        session.commit()
    client.sign_in_as(admin)
    first = client.get("/outbox?status=queued").get_data(as_text=True)
    assert first.count("<tr class=\"govuk-table__row\">") == 51  # the head and 50 messages
    assert "Queued messages: 57, newest first" in first and "Page 1 of 2" in first
    last = client.get("/outbox?status=queued&page=2").get_data(as_text=True)
    assert "Notice 00" in last and "Notice 54" not in last
    found = client.get("/outbox?status=queued&q=target%40council").get_data(as_text=True)
    assert "Your quiz" in found and "matching" in found
    assert "A confidential notice" not in found and found.count("<tr class=\"govuk-table__row\">") == 2
