"""Reading the audit trail back, a page at a time, for the people allowed to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from portal.audit.models import AuditEvent
from portal.people.models import Person

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    before: datetime | None = None

    def conditions(self) -> list[Any]:
        found = []
        if self.action:
            found.append(AuditEvent.action == self.action)
        if self.object_type:
            found.append(AuditEvent.object_type == self.object_type)
        if self.object_id:
            found.append(AuditEvent.object_id == self.object_id)
        if self.since:
            found.append(AuditEvent.occurred_at >= self.since)
        if self.before:
            found.append(AuditEvent.occurred_at < self.before)
        return found


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor_name: str | None
    on_behalf_of_name: str | None

    @property
    def details(self) -> dict[str, Any]:
        return json.loads(self.event.details)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def audit_page(session: Session, filters: AuditFilters, *, page: int = 1) -> AuditPage:
    conditions = filters.conditions()
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    actor, principal = aliased(Person), aliased(Person)
    result = session.execute(
        select(AuditEvent, actor.name, principal.name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(principal, principal.id == AuditEvent.on_behalf_of_id)
        .where(*conditions)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return AuditPage([AuditRow(e, a, p) for e, a, p in result], total, page, pages)


def known_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
