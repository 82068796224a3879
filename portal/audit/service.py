"""Writing and verifying the hash-chained audit trail.

Every service that changes state calls `record` inside the same transaction as the
change, so the event and the change are committed (or lost) together.
"""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit import personal
from portal.audit.forgetting import encrypt
from portal.audit.models import AuditEvent
from portal.audit.need_to_know import entry_for
from portal.audit.seal import canonical_json, key_ring
from portal.db import utcnow
from portal.identity import Actor

GENESIS_HASH = "0" * 64
# An arbitrary constant naming the PostgreSQL advisory lock that serialises appends.
_CHAIN_LOCK_KEY = 7_301_911


__all__ = ["GENESIS_HASH", "ChainReport", "canonical_json", "chain_hash", "record", "verify_chain"]


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


def seal_message(event_hash: str) -> bytes:
    """The keyed seal covers the chain hash, which covers the previous hash and this
    event's content: so it pins the event and everything before it, and a chain
    rewritten and re-hashed by someone without the key no longer matches its seals."""
    return f"audit_events\n{event_hash}".encode()


# Who is at the other end of the request. The web layer sets it when a request begins
# (portal.security) and clears it at the end, so that services record the address
# without reading Flask's request themselves; commands run with none.
_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def set_client_address(address: str | None) -> None:
    _client_address.set(address)


def client_address() -> str | None:
    return _client_address.get()


DETAILS_PREFIX = "details:"


def details_key(person_id: int) -> str:
    """The key a person's personal audit details are encrypted under."""
    return f"{DETAILS_PREFIX}{person_id}"


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object | None = None,
    details: dict[str, Any] | None = None,
    on_behalf_of: Actor | None = None,
    keep_readable: bool = False,
    personal_details: dict[str, Any] | None = None,
    personal_of: int | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction.

    An event about a need-to-know record (a disciplinary case, a subject access export)
    is stored with its actor, address and details encrypted under that record's key, so
    that retention can forget them by deleting the key (forgetting.py). `keep_readable`:
    an event that must outlive the key, and so holds nothing personal (the removal itself).

    `personal_details`: details that are personal data about one person (`personal_of`): an old
    and a new email address, what they answered, the reason their authorisation ended.
    They are encrypted under that person's details key, which the retention schedule
    deletes a set time after they leave (audit_details, UK GDPR Art. 5(1)(e)); the
    other details stay in clear."""
    if session.get_bind().dialect.name == "postgresql":
        # Two transactions must not both read the same "last hash" and fork the
        # chain; the lock is released when the transaction ends. SQLite needs no
        # lock: its writers already run one at a time (BEGIN IMMEDIATE).
        session.execute(select(func.pg_advisory_xact_lock(_CHAIN_LOCK_KEY)))
    actor_id = actor.id if actor else None
    on_behalf_of_id = on_behalf_of.id if on_behalf_of else None
    address = client_address()
    stored = details or {}
    need_to_know = entry_for(action)
    if need_to_know is not None and object_id is not None and not keep_readable:
        clear = need_to_know.clear_details
        stored = {**stored, **(personal_details or {})}  # all of it is sealed under the record's key
        secret = {
            "actor_id": actor_id,
            "on_behalf_of_id": on_behalf_of_id,
            "ip_address": address,
            "details": {k: v for k, v in stored.items() if k not in clear},
        }
        in_clear = {k: v for k, v in stored.items() if k in clear}
        stored = {**in_clear, **encrypt(session, str(object_id), secret)}
        actor_id = on_behalf_of_id = None
        address = None
    elif personal_details:
        if personal_of is None:
            raise ValueError("personal details need the person they are about")
        stored = {**stored, **encrypt(session, details_key(personal_of), {"details": personal_details})}
    occurred_at = utcnow()
    # The address is the requester's personal data: sealed under their key (or the
    # month's, for nobody signed in) so that the retention schedule can forget it.
    address = personal.seal(session, personal.key_for(actor_id, occurred_at), address)
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id,
        on_behalf_of_id=on_behalf_of_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip_address=address,
        details=canonical_json(stored),
        previous_hash=previous or GENESIS_HASH,
    )
    event.hash = chain_hash(event.previous_hash, event)
    event.seal_key_id, event.seal = key_ring().seal(seal_message(event.hash))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    broken_event_id: int | None = None
    reason: str | None = None
    # Events written before keys were introduced: they come first, and the first sealed
    # event after them pins them through its previous hash.
    unsealed: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in order and report the first event that does not fit: a broken
    link, content that no longer gives its hash, or a hash that no longer gives its
    keyed seal (a chain rewritten and re-hashed without the key)."""
    ring = key_ring()
    previous = GENESIS_HASH
    checked = 0
    unsealed = 0
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
                checked, event.id, "its content no longer matches its hash: the event was altered", unsealed
            )
        if event.seal is None and event.seal_key_id is None and unsealed == checked:
            unsealed += 1  # still in the run of events from before keys were introduced
        else:
            problem = ring.check(seal_message(event.hash), event.seal_key_id, event.seal)
            if problem:
                return ChainReport(checked, event.id, f"{problem} (keyed seal)", unsealed)
        previous = event.hash
        checked += 1
    return ChainReport(checked, unsealed=unsealed)
