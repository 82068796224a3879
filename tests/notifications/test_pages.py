"""The administrator's outbox page and the digest preference."""

from __future__ import annotations

from sqlalchemy import select

from portal.notifications.models import NotificationPreference
from portal.outbox.models import OutboxMessage
from portal.outbox.service import Message, queue
from portal.people.models import Role
from tests.factories import make_person


def _failed(app, session, person):
    with app.app_context():
        message = queue(session, person, "test", Message("Hello", ["Text."]))
    message.status, message.last_error, message.attempts = "failed", "550 5.1.1 No such mailbox", 1
    session.commit()
    return message


def test_the_administrator_sees_failed_messages_with_the_reason_and_retries_one(app, client, session):
    admin = make_person(session, roles={Role.ADMINISTRATOR})
    message = _failed(app, session, make_person(session, email="gone@council.example"))
    client.sign_in_as(admin)
    page = client.get("/outbox").get_data(as_text=True)
    assert "gone@council.example" in page and "550 5.1.1 No such mailbox" in page and "Failed (1)" in page
    assert client.post(f"/outbox/{message.id}/retry").status_code == 302
    session.expire_all()
    assert session.get(OutboxMessage, message.id).status == "queued"
    assert "Queued (1)" in client.get("/outbox?status=queued").get_data(as_text=True)
    assert client.get("/outbox?status=bogus").status_code == 404


def test_only_the_administrator_sees_the_outbox(client, session):
    for roles in ({Role.TOWN_CLERK}, {Role.HR}, set()):
        client.sign_in_as(make_person(session, roles=roles))
        assert client.get("/outbox").status_code == 403


def test_the_clerk_chooses_how_often_the_digest_comes(client, session):
    clerk = make_person(session, roles={Role.TOWN_CLERK})
    client.sign_in_as(clerk)
    assert "How often" in client.get("/account/notifications").get_data(as_text=True)
    assert client.post("/account/notifications", {"digest_frequency": "daily"}).status_code == 302
    assert session.scalar(select(NotificationPreference.digest_frequency)) == "daily"
    assert client.post("/account/notifications", {"digest_frequency": "hourly"}).status_code == 200
    session.expire_all()
    assert session.scalar(select(NotificationPreference.digest_frequency)) == "daily"


def test_staff_have_nothing_to_switch_off(client, session):
    client.sign_in_as(make_person(session))
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "There is nothing to choose" in page
    client.post("/account/notifications", {"digest_frequency": "daily"})
    assert session.scalar(select(NotificationPreference)) is None
