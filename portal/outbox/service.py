"""Queueing email in the outbox, in the caller's transaction.

A message is a subject, a greeting, a few short paragraphs and at most one link; the
plain-text and HTML parts are rendered from the same content (templates/emails/), with
the council's name. Messages carry what the recipient needs and no more: for a
disciplinary matter, a link and never the content.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask import current_app, render_template
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.db import rows_affected, utcnow
from portal.identity import Recipient

from .models import OutboxMessage


@dataclass(frozen=True)
class Message:
    subject: str
    paragraphs: list[str]
    link_text: str = ""
    link_path: str = ""  # a path in the portal (made absolute with PORTAL_BASE_URL), or a full URL
    attachment_name: str | None = None
    attachment: bytes | None = field(default=None, repr=False)


def clean_header(value: str, *, limit: int = 300) -> str:
    """A value that is safe in a mail header: one line, no control characters.

    Titles and names are typed by staff; a line break in one would otherwise make
    the message impossible to build (and, in older mailers, could add headers of
    its own). Line and paragraph separators and control characters become spaces.
    """
    spaced = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in value)
    return " ".join(spaced.split())[:limit]


def portal_path(endpoint: str, **values: object) -> str:
    """The path of a page of the portal, for a link in a message.

    Built from the URL map rather than url_for, so that a command, a job or a service
    called outside a web request builds the same link without a pretend request; and
    a path, because `queue` puts PORTAL_BASE_URL in front, never a request's Host.
    """
    return current_app.url_map.bind("").build(endpoint, values)


def day_text(value: date) -> str:
    """A date as people write it in a letter: 7 March 2027."""
    return value.strftime("%-d %B %Y")


def absolute(path: str) -> str:
    if path.startswith(("https://", "http://")):
        return path
    base_url: str = current_app.config["PORTAL_SETTINGS"].base_url  # config holds Any
    return base_url + path


def message_with_link(message: Message, url: str) -> Message:
    return Message(message.subject, message.paragraphs, message.link_text, url)


def queue(
    session: Session,
    recipient: Recipient,
    kind: str,
    message: Message,
    *,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    to_address: str | None = None,
) -> OutboxMessage | None:
    """Adds the message to the outbox; None when it is a repeat (same dedupe_key) or the
    recipient has left. `to_address` sends it elsewhere than their address on record
    (a new address that must confirm itself)."""
    if not recipient.is_active:
        return None
    return _queue(
        session,
        person_id=recipient.id,
        name=recipient.name,
        address=to_address or recipient.email,
        kind=kind,
        message=message,
        dedupe_key=dedupe_key,
        now=now,
    )


def queue_to_address(
    session: Session,
    address: str,
    kind: str,
    message: Message,
    *,
    name: str,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a message to an address that is nobody's account in the portal: the
    audit anchor goes to someone outside it (an external auditor, an archive mailbox),
    so that a copy of the chain's head sits where a database insider cannot reach."""
    return _queue(
        session, person_id=None, name=name, address=address, kind=kind, message=message, dedupe_key=dedupe_key
    )


def _queue(
    session: Session,
    *,
    person_id: int | None,
    name: str,
    address: str,
    kind: str,
    message: Message,
    dedupe_key: str | None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    # Cleaned before use: the subject is the HTML part's title too.
    message = replace(
        message,
        subject=clean_header(message.subject, limit=300),
        attachment_name=clean_header(message.attachment_name, limit=200) if message.attachment_name else None,
    )
    if dedupe_key is not None and session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    context = {
        "name": name,
        "message": message,
        "link": absolute(message.link_path) if message.link_path else "",
    }
    created = OutboxMessage(
        created_at=now or utcnow(),
        kind=kind,
        person_id=person_id,
        to_address=address,
        subject=message.subject,
        text_body=render_template("emails/message.txt", **context),
        html_body=render_template("emails/message.html", **context),
        attachment_name=message.attachment_name,
        attachment=message.attachment,
        dedupe_key=dedupe_key,
        status="queued",
        attempts=0,
        next_attempt_at=now or utcnow(),
        last_error="",
    )
    if dedupe_key is None:
        session.add(created)
        session.flush()
        return created
    try:
        # A savepoint: if another run queued the same key a moment ago, only this insert is undone.
        with session.begin_nested():
            session.add(created)
    except IntegrityError:
        return None
    return created


def forget_messages(session: Session, dedupe_prefix: str) -> int:
    """Delete the messages queued under keys that start with the prefix, sent or not: when
    a record's retention ends, the notices about it (whom they went to, a link to the
    record) go with it (UK GDPR Article 5(1)(e))."""
    escaped = dedupe_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result = session.execute(
        delete(OutboxMessage).where(OutboxMessage.dedupe_key.like(escaped + "%", escape="\\"))
    )
    return rows_affected(result)
