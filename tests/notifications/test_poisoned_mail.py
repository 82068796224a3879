"""One bad message cannot stop the mail queued behind it (issue 15, §4).

Headers are cleaned when a message is queued; and delivery, over a real SMTP server,
fails a message that cannot be sent for its own content and carries on with the rest.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.db import utcnow
from portal.outbox.delivery import send_due
from portal.outbox.models import OutboxMessage
from portal.outbox.service import Message, clean_header, queue
from tests.factories import make_person
from tests.notifications.conftest import smtp_settings


def _row(to_address: str, subject: str, body: str = "A policy to sign.") -> OutboxMessage:
    """A message written straight into the outbox, as if the cleaning had been bypassed."""
    now = utcnow()
    return OutboxMessage(
        created_at=now,
        kind="test",
        to_address=to_address,
        subject=subject,
        text_body=body,
        html_body=f"<p>{body}</p>",
        status="queued",
        attempts=0,
        next_attempt_at=now,
        last_error="",
    )


def test_a_poisoned_message_fails_alone_and_the_mail_behind_it_still_goes(
    db, session, smtp_server, database_url
):
    rows = [
        _row("first@council.example", "Please sign"),
        _row("header@council.example", "Please sign the\r\nBcc: everyone@elsewhere.example"),
        _row("refused@council.example", "Please sign", body="Please refuse this message."),
        _row("last@council.example", "Please sign"),
    ]
    session.add_all(rows)
    session.commit()
    ids = {row.to_address: row.id for row in rows}

    report = send_due(db.session_factory, smtp_settings(database_url, smtp_server.port))

    assert (report.sent, report.failed, report.retrying) == (2, 2, 0)
    assert [r.rcpt_tos for r in smtp_server.received] == [["first@council.example"], ["last@council.example"]]
    session.expire_all()
    found = {m.to_address: m for m in session.scalars(select(OutboxMessage))}
    assert found["first@council.example"].status == found["last@council.example"].status == "sent"
    header, refused = found["header@council.example"], found["refused@council.example"]
    assert (header.status, header.attempts) == ("failed", 1)
    assert "could not be built" in header.last_error and "linefeed" in header.last_error
    assert refused.status == "failed" and "554" in refused.last_error
    assert any(f"message {ids['header@council.example']}:" in line for line in report.errors)
    session.commit()


def test_queueing_cleans_the_subject_and_attachment_name(app, db, session, smtp_server, database_url):
    # A line break typed into a policy title or a person's name ends up in a subject.
    person = make_person(session, name="Nina\r\nFoster", email="nina@council.example")
    with app.app_context():
        queue(
            session,
            person,
            "test",
            Message(
                f"{person.name} is overdue with the Social\nMedia\u2028Policy\x00\t ",
                ["Please sign."],
                attachment_name="letter\r\nX-Evil: 1.pdf",
                attachment=b"%PDF-1.7 test",
            ),
        )
    session.commit()
    stored = session.scalar(select(OutboxMessage))
    assert stored.subject == "Nina Foster is overdue with the Social Media Policy"
    assert stored.attachment_name == "letter X-Evil: 1.pdf"
    session.commit()

    report = send_due(db.session_factory, smtp_settings(database_url, smtp_server.port))

    assert report.sent == 1
    email = smtp_server.received[0].message
    assert email["Subject"] == "Nina Foster is overdue with the Social Media Policy"
    assert email["X-Evil"] is None and email["Bcc"] is None


def test_clean_header_keeps_ordinary_text_and_limits_the_length():
    assert clean_header("Café rota – 7 March") == "Café rota – 7 March"
    assert clean_header("a\x07b\x1bc\u2029d") == "a b c d"
    assert len(clean_header("x" * 500)) == 300
