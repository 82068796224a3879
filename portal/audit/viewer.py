"""Reading the audit trail back, a page at a time, for the people allowed to.

Events about disciplinary cases and subject access are need-to-know (see
need_to_know.py): the filters and the rows both go through it, so that neither a
row nor a filter by record number tells a reader more than they may know.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, column, false, func, not_, or_, select, table
from sqlalchemy.orm import Session

from portal.audit import personal
from portal.audit.forgetting import ENCRYPTED_UNDER, Keys, is_encrypted
from portal.audit.models import AuditEvent
from portal.audit.need_to_know import NEED_TO_KNOW, NeedToKnow, Sensitive
from portal.identity import Actor

PAGE_SIZE = 50


@dataclass(frozen=True)
class _Scope:
    """One need-to-know kind of record, as the current reader may know it."""

    entry: NeedToKnow
    records: dict[str, Sensitive]

    def about(self, action: str) -> bool:
        return action.startswith(self.entry.action_prefix)

    def hidden(self) -> ColumnElement[bool]:
        seen = [key for key, found in self.records.items() if found.full]
        return and_(
            AuditEvent.action.startswith(self.entry.action_prefix, autoescape=True),
            or_(AuditEvent.object_id.is_(None), AuditEvent.object_id.not_in(seen)),
        )

    def keys_for(self, reference: str) -> set[str]:
        """The stored object ids of the record a reader knows by its opaque reference
        (older events stored the database id). A number is never a reference, so a
        filter by a case's or a person's id finds none of its hidden events."""
        if reference.isdigit():
            return set()
        return {reference} | {key for key, found in self.records.items() if found.reference == reference}


_PEOPLE = table("people", column("id"), column("name"))


def _scopes(session: Session, viewer: Actor) -> list[_Scope]:
    return [_Scope(entry, entry.records(session, viewer)) for entry in NEED_TO_KNOW]


def _hidden(scopes: list[_Scope]) -> ColumnElement[bool]:
    return or_(false(), *(scope.hidden() for scope in scopes))


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    before: datetime | None = None

    def conditions(self, scopes: list[_Scope]) -> list[Any]:
        found: list[Any] = []
        hidden = _hidden(scopes)
        if self.action:
            found.append(AuditEvent.action == self.action)
        if self.object_type:
            # A hidden event is found by the kind of record it is shown as, nothing more.
            found.append(
                or_(
                    and_(not_(hidden), AuditEvent.object_type == self.object_type),
                    *(s.hidden() for s in scopes if s.entry.object_type == self.object_type),
                )
            )
        if self.object_id:
            found.append(
                or_(
                    and_(not_(hidden), AuditEvent.object_id == self.object_id),
                    *(
                        and_(s.hidden(), AuditEvent.object_id.in_(keys))
                        for s in scopes
                        if (keys := s.keys_for(self.object_id))
                    ),
                )
            )
        if self.since:
            found.append(AuditEvent.occurred_at >= self.since)
        if self.before:
            found.append(AuditEvent.occurred_at < self.before)
        return found


@dataclass(frozen=True)
class AuditRow:
    """One event as this reader may see it. A hidden row carries no actor, address or
    details at all, so a template cannot show them by mistake."""

    id: int
    occurred_at: datetime
    action: str
    object_type: str
    object_id: str | None
    hidden: bool
    actor_name: str | None = None
    on_behalf_of_name: str | None = None
    ip_address: str | None = None
    details: dict[str, Any] | None = None


class _Readable:
    """The encrypted events of a page (forgetting.py) opened for a reader allowed to see
    them in full: one query for their keys and one for the names they hold, whatever
    the number of events."""

    def __init__(self, session: Session, events: list[AuditEvent]) -> None:
        encrypted = {e.id: d for e in events if is_encrypted(d := json.loads(e.details))}
        keys = Keys(session, (str(d[ENCRYPTED_UNDER]) for d in encrypted.values()))
        self.opened = {event_id: keys.open(details) for event_id, details in encrypted.items()}
        self.addresses = personal.Fields(session, (e.ip_address for e in events))
        people = {
            person_id
            for opened in self.opened.values()
            for person_id in (opened.content.get("actor_id"), opened.content.get("on_behalf_of_id"))
            if person_id is not None
        }
        self.names: dict[int, str] = {}
        if people:
            found = session.execute(select(_PEOPLE.c.id, _PEOPLE.c.name).where(_PEOPLE.c.id.in_(people)))
            self.names = dict(found.tuples().all())

    def row(self, event: AuditEvent, actor: str | None, principal: str | None) -> AuditRow:
        details: dict[str, Any] = json.loads(event.details)
        address = self.addresses.open(event.ip_address)
        opened = self.opened.get(event.id)
        if opened is not None:
            details = opened.details
            # Personal details alone (audit.service.record's `personal_details`) leave who acted
            # in clear; a need-to-know event seals that too.
            if not opened.forgotten and "actor_id" in opened.content:
                content = opened.content
                actor = self.names.get(content.get("actor_id") or 0)
                principal = self.names.get(content.get("on_behalf_of_id") or 0)
                address = content.get("ip_address")
        return AuditRow(
            id=event.id,
            occurred_at=event.occurred_at,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            hidden=False,
            actor_name=actor,
            on_behalf_of_name=principal,
            ip_address=address,
            details=details,
        )


def _shown_in_full(event: AuditEvent, scopes: list[_Scope]) -> bool:
    scope = next((s for s in scopes if s.about(event.action)), None)
    if scope is None:
        return True
    found = scope.records.get(event.object_id or "")
    return found is not None and found.full


def _row(
    event: AuditEvent, actor: str | None, principal: str | None, scopes: list[_Scope], readable: _Readable
) -> AuditRow:
    if _shown_in_full(event, scopes):
        return readable.row(event, actor, principal)
    scope = next(s for s in scopes if s.about(event.action))
    found = scope.records.get(event.object_id or "")
    if found is not None:
        reference: str | None = found.reference
    else:
        # A record since removed (retention): a stored token still links its events;
        # an old event's database id is not shown.
        stored = event.object_id or ""
        reference = stored if stored and not stored.isdigit() else None
    return AuditRow(
        id=event.id,
        occurred_at=event.occurred_at,
        action=event.action,
        object_type=scope.entry.object_type,
        object_id=reference,
        hidden=True,
    )


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def audit_page(session: Session, filters: AuditFilters, viewer: Actor, *, page: int = 1) -> AuditPage:
    scopes = _scopes(session, viewer)
    conditions = filters.conditions(scopes)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    # Names by the table the events' foreign keys already name: the kernel reads the
    # people table without importing the people feature.
    actor, principal = _PEOPLE.alias("actor"), _PEOPLE.alias("principal")
    result = session.execute(
        select(AuditEvent, actor.c.name, principal.c.name)
        .outerjoin(actor, actor.c.id == AuditEvent.actor_id)
        .outerjoin(principal, principal.c.id == AuditEvent.on_behalf_of_id)
        .where(*conditions)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    readable = _Readable(session, [e for e, _a, _p in result if _shown_in_full(e, scopes)])
    return AuditPage([_row(e, a, p, scopes, readable) for e, a, p in result], total, page, pages)


def known_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
