"""What every step of a disciplinary case shares: its audit events, the employee's live
warnings, how far a case may escalate, and the council's live periods for warnings."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.config import Settings
from portal.people.models import Person

from .models import WARNINGS, DisciplinaryCase
from .need_to_know import OBJECT_TYPE

ESCALATION = ("informal", "first_written", "final_written", "dismissal")


def audit_case(
    session: Session,
    actor: Person | None,
    case: DisciplinaryCase,
    what: str,
    details: dict[str, Any] | None = None,
) -> None:
    """An event about the case. Its details hold ids, hashes and set values only, never
    free text: reasons, notes and names stay in the case's own tables, where the
    retention schedule removes them (UK GDPR Article 5(1)(c) and (e))."""
    record(
        session,
        actor=actor,
        action=f"conduct.{what}",
        object_type=OBJECT_TYPE,
        object_id=case.audit_reference,
        details={"reference": case.reference, **(details or {})},
    )


def live_warnings(
    session: Session, subject: Person, on: date, *, besides: int | None = None
) -> list[DisciplinaryCase]:
    """Warnings still live on `on`; expired ones no longer count towards escalation, and
    nor do those withdrawn on appeal (ACAS Code paragraph 27: the appeal's decision is
    final, and a withdrawn warning cannot be relied on later)."""
    query = select(DisciplinaryCase).where(
        DisciplinaryCase.subject_id == subject.id,
        DisciplinaryCase.status == "decided",
        DisciplinaryCase.stage.in_(WARNINGS),
        DisciplinaryCase.warning_live_until >= on,
        or_(DisciplinaryCase.appeal_result.is_(None), DisciplinaryCase.appeal_result != "overturned"),
    )
    if besides is not None:
        query = query.where(DisciplinaryCase.id != besides)
    return list(session.scalars(query.order_by(DisciplinaryCase.decided_on)))


def expected_highest_stage(live: list[DisciplinaryCase]) -> str:
    """The furthest stage open without skipping one: one past the highest live warning
    (a first written warning when there is none). Warnings normally escalate one stage
    at a time (ACAS Code of Practice, paragraphs 19-20, "Decide on appropriate action")."""
    highest = max((ESCALATION.index(c.stage) for c in live if c.stage), default=0)
    return ESCALATION[min(highest + 1, len(ESCALATION) - 1)]


def skips_a_stage(stage: str, live: list[DisciplinaryCase]) -> bool:
    """Whether `stage` goes further than the employee's live warnings allow without a
    finding of gross misconduct (ACAS Code of Practice, paragraphs 20 and 23)."""
    allowed = expected_highest_stage(live)
    return stage in ESCALATION and ESCALATION.index(stage) > ESCALATION.index(allowed)


def warning_live_months() -> dict[str, int]:
    """How long each kind of written warning stays live, in months: the council's own
    Disciplinary Policy sets it (PORTAL_WARNING_LIVE_MONTHS). The ACAS Code asks only
    that the employee be told how long (paragraph 21); it sets no period itself."""
    settings: Settings = current_app.config["PORTAL_SETTINGS"]
    return settings.warning_live_periods()
