"""Notices written with the events that cause them (the feature tests check the rest:
authorisations, business cases and disciplinary notices)."""

from __future__ import annotations

from sqlalchemy import select

from portal.outbox.models import OutboxMessage
from portal.people.models import EngagementType, Role
from tests.factories import add_version, make_clerk, make_person, make_policy


def _to(session, kind: str) -> list[str]:
    session.expire_all()
    found = sorted(session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == kind)))
    session.rollback()
    return found


def test_publishing_a_version_emails_everyone_who_must_sign_it(client, session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk, engagements=[EngagementType.EMPLOYEE])
    staff = make_person(session, email="staff@council.example")
    make_person(session, email="volunteer@council.example", engagement=EngagementType.VOLUNTEER)
    left = make_person(session, email="left@council.example")
    left.is_active = False
    session.commit()
    draft = add_version(session, clerk=clerk, policy=policy, label="2", publish=False)
    client.sign_in_as(clerk)
    response = client.post(f"/policies/{policy.slug}/versions/{draft.id}/publish")
    assert response.status_code == 302
    assert _to(session, "policy_assigned") == sorted([clerk.email, staff.email])
    body = session.scalar(select(OutboxMessage.text_body).where(OutboxMessage.to_address == staff.email))
    assert "Please read and sign" not in body  # the subject says it; the body gives the date and link
    assert "/policies/test-policy" in body and "Dear" in body


def test_asking_someone_to_take_training_emails_them(client, session, loaded):
    manager = make_person(session, roles={Role.MANAGER})
    member = make_person(session, email="member@council.example", manager=manager)
    client.sign_in_as(manager)
    client.post(
        "/training/assign", {"person_email": member.email, "quiz": "on-request", "reason": "Will post"}
    )
    assert _to(session, "quiz_assigned") == ["member@council.example"]
