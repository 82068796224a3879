"""The demo council's Networking Policy binds no councillor (its Scope), recorded on its
version: no councillor is asked to sign it, reminded of it, emailed about it or able to
sign it, now or after a new version, while the Communication Policy binds them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.demo import demo_email, load_demo_council
from portal.errors import DomainError
from portal.outbox.models import OutboxMessage
from portal.people.models import EngagementType, Person
from portal.policies import service
from portal.policies.models import ChangeKind
from portal.policies.status import statuses_for_people
from portal.policies.tasks import signing_deadlines

NETWORKING = "social-media-networking"
COMMUNICATION = "social-media-electronic-communication"


@pytest.fixture
def demo(app, session):
    with app.app_context():
        load_demo_council(session)
    session.commit()


def _people(session, *locals_: str) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants))
            .where(Person.email.in_([demo_email(local) for local in locals_]))
            .order_by(Person.email)
        )
    )


def _councillors(session) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants))
            .where(Person.engagement_type == EngagementType.COUNCILLOR)
        )
    )


def _slugs_to_sign(session, people: list[Person]) -> set[str]:
    return {s.policy.slug for found in statuses_for_people(session, people).values() for s in found}


def test_no_councillor_is_asked_or_reminded_to_sign_the_networking_policy(app, demo, session):
    councillors = _councillors(session)
    assert len(councillors) >= 4  # the Mayor and the other members
    assert _slugs_to_sign(session, councillors) == {COMMUNICATION}
    today = service.current_version(service.get_policy(session, NETWORKING)).effective_date
    with app.app_context():  # the reminder's link is built from the portal's routes
        deadlines = signing_deadlines(session, councillors, today)
    links = [d.link for found in deadlines.values() for d in found]
    assert links and not any(NETWORKING in link for link in links)
    [employee] = _people(session, "nina.foster")
    assert _slugs_to_sign(session, [employee]) == {NETWORKING, COMMUNICATION}


def test_the_networking_versions_record_that_they_bind_no_councillor(demo, session):
    networking = service.current_version(service.get_policy(session, NETWORKING))
    communication = service.current_version(service.get_policy(session, COMMUNICATION))
    assert "councillor" not in networking.applies_to_engagements
    assert set(networking.applies_to_engagements) == {e.value for e in EngagementType} - {"councillor"}
    assert "councillor" in communication.applies_to_engagements


def test_a_councillor_cannot_sign_the_networking_policy(demo, session, sign_as):
    [councillor] = _people(session, "cllr.hale")
    with pytest.raises(DomainError, match="does not apply to you"):
        sign_as(councillor, service.get_policy(session, NETWORKING))


def test_a_new_networking_version_still_binds_no_councillor_and_emails_none(app, demo, session):
    clerk = _people(session, "clerk")[0]
    policy = service.get_policy(session, NETWORKING)
    current = service.current_version(policy)
    draft = service.draft_version(
        session,
        clerk,
        policy,
        service.VersionDetails(
            label="2026.2",
            effective_date=current.effective_date,
            body=current.body_markdown + "\nA clarified rule.\n",
            change_kind=ChangeKind.MATERIAL,
            change_summary="Clarified",
            adopted_minute="Full Council, minute 2026/099",
            review_due=current.review_due,
            scope=service.scope_for_next_draft(policy),  # what the Clerk's form suggests
        ),
    )
    with app.app_context():
        service.publish_and_announce(session, clerk, policy, draft)
    session.commit()
    councillor_ids = {c.id for c in _councillors(session)}
    told = set(
        session.scalars(select(OutboxMessage.person_id).where(OutboxMessage.kind == "policy_assigned"))
    )
    assert told and told.isdisjoint(councillor_ids)
    assert _slugs_to_sign(session, _councillors(session)) == {COMMUNICATION}


def test_a_councillors_home_page_and_policy_list_leave_out_the_networking_policy(client, demo, session):
    [councillor] = _people(session, "cllr.hale")
    client.sign_in_as(councillor)
    home = client.get("/").get_data(as_text=True)
    assert "Electronic Communication Policy" in home
    assert "Networking" not in home
    assert "Networking" not in client.get("/policies").get_data(as_text=True)
