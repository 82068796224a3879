"""Anchors: copies of the audit chain's head kept outside the database.

Why: keyed seals stop a database insider (DESIGN.md, threat model) from rewriting an
event, but not from deleting the newest events, since what is left still verifies.
An anchor records the head (its id, the number of events, the time and its seal) in
two places that insider cannot reach: an append-only file and an email to someone
outside the portal. `audit verify` compares the chain with every anchor in the file,
so events deleted after an anchor are reported as missing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.config import Settings
from portal.db import utcnow
from portal.outbox.service import Message, queue_to_address
from portal.tasks import DailyJob, add_daily_job


@dataclass(frozen=True)
class Anchor:
    event_id: int
    event_count: int
    anchored_at: str  # ISO 8601, UTC
    seal: str | None
    seal_key_id: str | None
    hash: str

    @property
    def when(self) -> str:
        """As people write it: "3 March 2027 at 06:30 UTC"."""
        moment = datetime.fromisoformat(self.anchored_at)
        return moment.strftime("%-d %B %Y at %H:%M UTC")


def chain_head(session: Session, *, now: datetime | None = None) -> Anchor | None:
    head = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    if head is None:
        return None
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return Anchor(
        event_id=head.id,
        event_count=count,
        anchored_at=(now or utcnow()).isoformat(timespec="seconds"),
        seal=head.seal,
        seal_key_id=head.seal_key_id,
        hash=head.hash,
    )


def append_to_file(path: str, anchor: Anchor) -> None:
    """One JSON line, appended and flushed to disk; the file is never rewritten, so an
    earlier anchor stays as it was written (the file may also be made append-only with
    `chattr +a`, or shipped to another machine)."""
    line = json.dumps(asdict(anchor), sort_keys=True) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def anchor_message(anchor: Anchor, council_name: str) -> Message:
    return Message(
        subject=f"{council_name}: audit trail anchor, {anchor.when}",
        paragraphs=[
            "Please keep this message. It records the head of the portal's audit trail, so that "
            "the council can later prove that no event recorded up to now was deleted or changed.",
            f"Event number: {anchor.event_id}. Events in the trail: {anchor.event_count}. "
            f"Anchored: {anchor.when}.",
            f"Seal: {anchor.seal} (key {anchor.seal_key_id}). Chain hash: {anchor.hash}.",
        ],
    )


@dataclass(frozen=True)
class AnchorResult:
    anchor: Anchor | None
    written_to: list[str]


def write_anchor(session: Session, settings: Settings, *, now: datetime | None = None) -> AnchorResult:
    """Write the chain's head to the anchor file and queue it to the anchor address.

    The email is queued in the caller's transaction (the outbox sends it); a second
    anchor of the same head on the same day queues no second email."""
    if not settings.audit_anchor_file and not settings.audit_anchor_email:
        raise AnchorNotConfigured(
            "set PORTAL_AUDIT_ANCHOR_FILE and PORTAL_AUDIT_ANCHOR_EMAIL to anchor the audit trail"
        )
    anchor = chain_head(session, now=now)
    if anchor is None:
        return AnchorResult(None, [])
    written = []
    if settings.audit_anchor_file:
        append_to_file(settings.audit_anchor_file, anchor)
        written.append(settings.audit_anchor_file)
    if settings.audit_anchor_email:
        queue_to_address(
            session,
            settings.audit_anchor_email,
            "audit_anchor",
            anchor_message(anchor, settings.council_name),
            name="audit trail archive",
            dedupe_key=f"audit-anchor:{anchor.event_id}:{anchor.anchored_at[:10]}",
        )
        written.append(settings.audit_anchor_email)
    return AnchorResult(anchor, written)


class AnchorNotConfigured(RuntimeError):
    pass


def read_anchors(path: str) -> tuple[list[Anchor], list[str]]:
    """The anchors in the file, oldest first, and the lines that could not be read."""
    anchors: list[Anchor] = []
    problems: list[str] = []
    file = Path(path)
    if not file.exists():
        return anchors, problems
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(Anchor(**json.loads(line)))
        except (ValueError, TypeError):
            problems.append(f"line {number} of the anchor file {path} cannot be read")
    return anchors, problems


def compare_with_anchors(session: Session, anchors: list[Anchor]) -> list[str]:
    """What the chain has lost or changed since each anchor, in words; empty if nothing.

    An anchor's head must still be there with the same seal and hash, and the chain
    must still hold as many events up to it as it did then."""
    problems: list[str] = []
    last_intact: Anchor | None = None
    last_id = session.scalar(select(func.max(AuditEvent.id)))
    for anchor in anchors:
        head = session.get(AuditEvent, anchor.event_id, populate_existing=True)
        count = session.scalar(select(func.count()).where(AuditEvent.id <= anchor.event_id)) or 0
        if head is None or count < anchor.event_count:
            missing = anchor.event_count - count
            since = (
                f"after the anchor of {last_intact.when}" if last_intact else f"up to event {anchor.event_id}"
            )
            where = f"the chain now ends at event {last_id}" if last_id else "the chain is empty"
            problems.append(
                f"{missing} events {since} are missing: the anchor of {anchor.when} recorded "
                f"{anchor.event_count} events up to event {anchor.event_id}; {where}"
            )
            continue
        if head.seal != anchor.seal or head.hash != anchor.hash:
            problems.append(
                f"event {anchor.event_id} no longer matches the anchor of {anchor.when}: "
                "it was rewritten after it was anchored"
            )
            continue
        if count > anchor.event_count:
            problems.append(
                f"{count - anchor.event_count} events were added before event {anchor.event_id} "
                f"after the anchor of {anchor.when}"
            )
            continue
        last_intact = anchor
    return problems


def anchor_job(session: Session, _today: date) -> str:
    """The daily anchor, for `flask jobs run`. Production without an anchor fails the
    run (so the cron log shows it); development without one skips it."""
    settings: Settings = current_app.config["PORTAL_SETTINGS"]
    if not settings.is_production and not (settings.audit_anchor_file or settings.audit_anchor_email):
        return "skipped (PORTAL_AUDIT_ANCHOR_FILE and PORTAL_AUDIT_ANCHOR_EMAIL are not set)"
    result = write_anchor(session, settings)
    if result.anchor is None:
        return "the audit trail is empty"
    return f"event {result.anchor.event_id} ({result.anchor.event_count} events) to " + " and ".join(
        result.written_to
    )


add_daily_job(DailyJob("audit anchor", anchor_job, runs_last=True))
