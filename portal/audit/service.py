"""Writing and verifying the hash-chained audit trail.

Every service that changes state calls `record` inside the same transaction as the
change, so the event and the change are committed (or lost) together.
"""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.db import utcnow
from portal.identity import Actor

GENESIS_HASH = "0" * 64
# An arbitrary constant naming the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 7_301_911


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot put {type(value).__name__} in an audit event")


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "on_behalf_of_id": event.on_behalf_of_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "ip_address": event.ip_address,
        "details": json.loads(event.details),
    }


def chain_hash(previous_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((previous_hash + canonical_json(_content(event))).encode()).hexdigest()


# Who is at the other end of the request. The web layer sets it when a request begins
# (portal.security) and clears it at the end, so that services record the address
# without reading Flask's request themselves; commands run with none.
_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def set_client_address(address: str | None) -> None:
    _client_address.set(address)


def client_address() -> str | None:
    return _client_address.get()


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object | None = None,
    details: dict[str, Any] | None = None,
    on_behalf_of: Actor | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Two transactions must not both read the same "last hash" and fork the
        # chain; the lock is released when the transaction ends. SQLite needs no
        # lock: its writers already run one at a time (BEGIN IMMEDIATE).
        session.execute(select(func.pg_advisory_xact_lock(_CHAIN_LOCK_KEY)))
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor.id if actor else None,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip_address=client_address(),
        details=canonical_json(details or {}),
        previous_hash=previous or GENESIS_HASH,
    )
    event.hash = chain_hash(event.previous_hash, event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    broken_event_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in order and report the first event that does not fit."""
    previous = GENESIS_HASH
    checked = 0
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000, populate_existing=True)
    ).scalars()
    for event in rows:
        if event.previous_hash != previous:
            return ChainReport(
                checked,
                event.id,
                "it does not follow the event before it: an event was deleted, inserted or reordered",
            )
        if chain_hash(previous, event) != event.hash:
            return ChainReport(
                checked, event.id, "its content no longer matches its hash: the event was altered"
            )
        previous = event.hash
        checked += 1
    return ChainReport(checked)
