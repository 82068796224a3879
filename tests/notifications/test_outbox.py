"""The outbox: messages written with the event, delivered over real SMTP, never lost or doubled."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.db import utcnow
from portal.outbox.delivery import send_due
from portal.outbox.models import OutboxMessage
from portal.outbox.service import Message, queue
from tests.factories import make_person
from tests.notifications.conftest import free_port, smtp_settings


def _queue(app, session, people, **message):
    with app.app_context():
        for person in people:
            queue(
                session,
                person,
                "test",
                Message(
                    subject="Please sign",
                    paragraphs=["A policy to sign."],
                    link_text="Read and sign",
                    link_path="/policies",
                    **message,
                ),
            )
    session.commit()


def _statuses(session) -> dict[str, int]:
    session.expire_all()
    rows = dict(
        session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    )
    session.commit()  # end the read: on SQLite an open transaction would hold the write lock
    return rows


def test_messages_are_delivered_with_text_and_html_parts_and_the_councils_name(
    app, db, session, smtp_server, database_url
):
    person = make_person(session, name="Nina Foster", email="nina@council.example")
    _queue(app, session, [person])
    report = send_due(db.session_factory, smtp_settings(database_url, smtp_server.port))
    assert (report.sent, report.failed) == (1, 0)
    (received,) = smtp_server.received
    email = received.message
    assert received.rcpt_tos == ["nina@council.example"]
    assert email["Subject"] == "Please sign"
    assert email["From"] == "Ashcombe Town Council <portal@ashcombe-tc.example>"
    text = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    assert "Dear Nina Foster" in text and "Ashcombe Town Council" in text
    assert "Read and sign: http://127.0.0.1:5000/policies" in text
    assert 'href="http://127.0.0.1:5000/policies"' in html and 'lang="en-GB"' in html
    assert _statuses(session) == {"sent": 1}
    assert (
        send_due(db.session_factory, smtp_settings(database_url, smtp_server.port)).sent == 0
    )  # nothing twice


def test_an_attachment_goes_with_the_message(app, db, session, smtp_server, database_url):
    _queue(
        app, session, [make_person(session)], attachment_name="PA-2026-0001.pdf", attachment=b"%PDF-1.7 test"
    )
    send_due(db.session_factory, smtp_settings(database_url, smtp_server.port))
    (attachment,) = list(smtp_server.received[0].message.iter_attachments())
    assert attachment.get_filename() == "PA-2026-0001.pdf" and attachment.get_content() == b"%PDF-1.7 test"


def test_an_invalid_address_fails_with_its_reason_and_the_rest_still_go(
    app, db, session, smtp_server, database_url
):
    people = [make_person(session, email=f"person{n}@council.example") for n in range(2)]
    people.insert(1, make_person(session, email="invalid@council.example"))
    _queue(app, session, people)
    report = send_due(db.session_factory, smtp_settings(database_url, smtp_server.port))
    assert (report.sent, report.failed) == (2, 1)
    failed = session.scalar(select(OutboxMessage).where(OutboxMessage.status == "failed"))
    assert failed.to_address == "invalid@council.example" and "550" in failed.last_error
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "person0@council.example",
        "person1@council.example",
    ]


def test_a_server_that_is_down_loses_nothing_and_nothing_is_sent_twice(app, db, session, database_url):
    from tests.notifications.conftest import RecordingHandler, SmtpServer

    _queue(app, session, [make_person(session) for _ in range(3)])
    port = free_port()
    settings = smtp_settings(database_url, port)
    down = send_due(db.session_factory, settings)
    assert (down.sent, down.retrying) == (0, 1)  # the first try found no server; the rest wait untouched
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.attempts == 1))
    assert message.status == "queued" and "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow()  # backed off
    session.commit()
    server = SmtpServer(port, RecordingHandler())
    server.start()
    try:
        later = send_due(db.session_factory, settings, now=utcnow() + timedelta(minutes=5))
        again = send_due(db.session_factory, settings, now=utcnow() + timedelta(minutes=10))
    finally:
        server.stop()
    assert later.sent == 3 and again.sent == 0
    assert len(server.received) == 3
    assert _statuses(session) == {"sent": 3}


def test_a_timeout_is_retried(app, db, session, database_url):
    _queue(app, session, [make_person(session)])
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections but never greets: the client times out
    try:
        settings = smtp_settings(database_url, silent.getsockname()[1], smtp_timeout_seconds=0.3)
        report = send_due(db.session_factory, settings)
    finally:
        silent.close()
    assert report.retrying == 1
    message = session.scalar(select(OutboxMessage))
    assert message.status == "queued" and message.attempts == 1 and "timed out" in message.last_error.lower()


def test_repeated_queueing_with_the_same_key_queues_once(app, session):
    person = make_person(session)
    with app.app_context():
        first = queue(session, person, "test", Message("A", ["x"]), dedupe_key="reminder:1")
        second = queue(session, person, "test", Message("A", ["x"]), dedupe_key="reminder:1")
    session.commit()
    assert first is not None and second is None
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_two_senders_at_once_send_each_message_once(app, db, session, smtp_server, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite writers queue instead")
    _queue(app, session, [make_person(session) for _ in range(30)])
    smtp_server.handler.delay_seconds = 0.02
    settings = smtp_settings(database_url, smtp_server.port)
    reports = []

    def sender() -> None:
        reports.append(send_due(db.session_factory, settings))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in reports) == 30
    assert all(r.sent > 0 for r in reports)  # both did some of the work
    message_ids = [r.message["Message-ID"] for r in smtp_server.received]
    assert len(message_ids) == 30 and len(set(message_ids)) == 30
