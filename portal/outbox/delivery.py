"""Sending the outbox through SMTP (flask --app wsgi outbox send).

Each message is claimed in its own transaction with SELECT ... FOR UPDATE SKIP LOCKED,
sent, and marked sent before the transaction commits. Several senders can run at once
on PostgreSQL: a row one of them holds is skipped by the others, so each message goes
once. (SQLite has no row locks; its writers queue behind each other instead.)

A refused address is a permanent failure: the message is marked failed with the
server's reason and the batch goes on. So is a message that cannot be built or
that the server refuses for its content: one bad message never stops the mail
queued behind it. A server that is down or slow is temporary:
the message waits (1, 2, 4 ... minutes, up to a day) and is tried again, up to
MAX_ATTEMPTS times; nothing is lost while the server is away.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.config import Settings
from portal.db import utcnow

from .models import OutboxMessage
from .service import clean_header

MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=24)


class TemporaryFailure(Exception):
    """Try again later: the server is down, slow or busy."""


class ServerUnavailable(TemporaryFailure):
    """The server could not be reached or would not let us in: the rest of the batch waits too."""


class PermanentFailure(Exception):
    """Trying again will not help: the address is refused, or the message itself cannot be sent."""


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


def build_email(message: OutboxMessage, settings: Settings) -> EmailMessage:
    """The message as it goes out; raises PermanentFailure if its own content cannot be sent.

    Headers were cleaned when the message was queued; anything else that makes it
    unbuildable (a row written some other way, an odd attachment) fails this message
    alone, with the reason kept for the outbox page.
    """
    try:
        return _build_email(message, settings)
    except Exception as error:  # noqa: BLE001 (whatever the cause, it is this message's own)
        raise PermanentFailure(f"the message could not be built ({type(error).__name__}: {error})") from error


def _build_email(message: OutboxMessage, settings: Settings) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = formataddr((clean_header(settings.council_name), settings.smtp_from))
    email["To"] = message.to_address
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    if message.attachment is not None and message.attachment_name:
        email.add_attachment(
            message.attachment, maintype="application", subtype="pdf", filename=message.attachment_name
        )
    return email


class SmtpConnection:
    """One connection for a batch, opened when first needed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def _connected(self) -> smtplib.SMTP:
        if self.client is not None:
            return self.client
        try:
            self.client = client = smtplib.SMTP(
                self.settings.smtp_host,
                self.settings.smtp_port,
                timeout=self.settings.smtp_timeout_seconds,
            )
            if self.settings.smtp_starttls:
                # A default context checks the server's certificate and name; without
                # one smtplib encrypts but would talk to anyone in the middle.
                client.starttls(context=ssl.create_default_context())
            if self.settings.smtp_username:
                client.login(self.settings.smtp_username, self.settings.smtp_password)
        except (OSError, smtplib.SMTPException) as error:
            # Whatever the reply, no message was looked at yet: never the message's fault.
            self.close()
            raise ServerUnavailable(f"{type(error).__name__}: {error}") from error
        return client

    def send(self, email: EmailMessage) -> None:
        client = self._connected()
        try:
            refused = client.send_message(email)
        except (ValueError, UnicodeError, TypeError, LookupError) as error:
            # The message could not be written out: its own content, not the server.
            self.close()
            reason = f"the message could not be sent ({type(error).__name__}: {error})"
            raise PermanentFailure(reason) from error
        except smtplib.SMTPRecipientsRefused as error:
            reasons = "; ".join(
                f"{addr}: {code} {text.decode(errors='replace')}"
                for addr, (code, text) in error.recipients.items()
            )
            raise PermanentFailure(f"address refused ({reasons})") from error
        except smtplib.SMTPResponseException as error:
            text = error.smtp_error
            reason = f"{error.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            # A 5xx reply to a message is final (connecting is dealt with above).
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(reason) from error
            self.close()
            raise TemporaryFailure(reason) from error
        except (OSError, smtplib.SMTPException) as error:  # refused, timed out, dropped
            self.close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        if refused:
            raise PermanentFailure("address refused: " + ", ".join(refused))

    def close(self) -> None:
        if self.client is not None:
            with suppress(OSError, smtplib.SMTPException):
                self.client.quit()
            self.client = None


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    errors: list[str] = field(default_factory=list)


def _claim_next(session: Session, now: datetime, skip: set[int]) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        query = query.where(OutboxMessage.id.not_in(skip))
    return session.scalar(query)


def send_due(
    session_factory: Callable[[], Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int = 500,
) -> SendReport:
    """Sends what is due, one transaction per message. Stops early when the server is
    unreachable: the rest simply wait for the next run."""
    report = SendReport()
    connection = SmtpConnection(settings)
    tried: set[int] = set()
    try:
        for _ in range(limit):
            with session_factory() as session, session.begin():
                message = _claim_next(session, now or utcnow(), tried)
                if message is None:
                    break
                tried.add(message.id)
                try:
                    # Built inside the try: a message that cannot be built fails alone.
                    connection.send(build_email(message, settings))
                except PermanentFailure as failure:
                    message.status, message.last_error = "failed", str(failure)[:2000]
                    message.attempts += 1
                    report.failed += 1
                    report.errors.append(f"message {message.id}: {failure}")
                except TemporaryFailure as failure:
                    message.attempts += 1
                    message.last_error = str(failure)[:2000]
                    if message.attempts >= MAX_ATTEMPTS:
                        message.status = "failed"
                        report.failed += 1
                    else:
                        message.next_attempt_at = (now or utcnow()) + backoff(message.attempts)
                        report.retrying += 1
                    report.errors.append(f"message {message.id}: {failure}")
                    if isinstance(failure, ServerUnavailable) or isinstance(failure.__cause__, OSError):
                        break  # the server is away: leave the rest queued
                else:
                    message.status, message.sent_at = "sent", utcnow()
                    message.attempts += 1
                    message.last_error = ""
                    report.sent += 1
    finally:
        connection.close()
    return report


def retry(session: Session, message: OutboxMessage) -> None:
    """The administrator sends a failed message again, now."""
    message.status, message.next_attempt_at = "queued", utcnow()
