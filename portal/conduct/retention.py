"""The retention schedule for disciplinary records, and legal holds.

A record is kept for a set number of months after a starting point that depends on
its type (PORTAL_RETENTION_MONTHS, for example "warning=6,no_warning=6,dismissal=72"):
- warning: a first or final written warning, counted from when the warning expires;
- no_warning: informal action or no action, counted from the decision;
- dismissal: counted from the decision (six years covers the time limit for claims).
Open cases are never due. `flask --app wsgi retention run` deletes what is due, except
cases under a legal hold, and leaves an audit entry with no personal details.

On PostgreSQL the portal's runtime role cannot delete evidence itself: it asks the
owner's SECURITY DEFINER function `purge_disciplinary_case` (migration 0015), which
applies these same rules to the append-only records (the sealed outcome and hold events),
by the database's own date, and with no period shorter than the owner's floor. SQLite has
no roles, so there the application deletes directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from portal.audit.forgetting import forget
from portal.audit.service import record
from portal.clock import add_months
from portal.config import BadMonthsSetting, parse_months
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person

from . import messages
from .models import (
    CaseHearer,
    CaseLetter,
    CaseMeeting,
    DisciplinaryCase,
    EvidencePack,
    EvidenceSnapshot,
    LegalHold,
    LinkedReceipt,
)
from .need_to_know import OBJECT_TYPE
from .records import audit_case

RECORD_TYPES = {
    "warning": "a written warning, from when it expires",
    "no_warning": "informal action or no action, from the decision",
    "dismissal": "a dismissal, from the decision",
}


BadRetentionSettings = BadMonthsSetting


def parse_retention(setting: str) -> dict[str, int]:
    return parse_months("PORTAL_RETENTION_MONTHS", setting, RECORD_TYPES)


def configured_months() -> dict[str, int]:
    months: dict[str, int] = current_app.extensions["retention_months"]  # extensions hold Any
    return months


def record_type(case: DisciplinaryCase) -> str | None:
    if case.status != "decided" or case.stage is None:
        return None
    if case.stage in ("first_written", "final_written"):
        return "warning"
    return "dismissal" if case.stage == "dismissal" else "no_warning"


def kept_until(case: DisciplinaryCase, months: dict[str, int]) -> date | None:
    """The day after which the case is removed; None while it is open. Personal data is
    kept no longer than its purpose needs (UK GDPR Art. 5(1)(e)); the periods are the
    council's own retention schedule (PORTAL_RETENTION_MONTHS)."""
    kind = record_type(case)
    if kind is None:
        return None
    start = case.warning_live_until if kind == "warning" else case.decided_on
    assert start is not None
    return add_months(start, months[kind])


def cases_due(session: Session, on: date, months: dict[str, int]) -> list[DisciplinaryCase]:
    """Decided cases past their retention and not under a legal hold (UK GDPR Art. 5(1)(e)),
    judged from the case's own columns: what SQLite can do, and what the pages show."""
    decided = session.scalars(
        select(DisciplinaryCase).where(DisciplinaryCase.status == "decided").order_by(DisciplinaryCase.id)
    )
    return [c for c in decided if not c.under_legal_hold and (kept_until(c, months) or date.max) < on]


# Every table whose rows belong to one case, removed with it. PostgreSQL's purge function
# deletes the same tables (migrations 0015 and 0020).
CASE_CHILDREN = (
    CaseMeeting,
    CaseHearer,
    CaseLetter,
    EvidenceSnapshot,
    EvidencePack,
    LinkedReceipt,
    LegalHold,
)


@dataclass(frozen=True)
class Due:
    """A case the schedule removes, with what its audit entry may say about it."""

    case_id: int
    reference: str
    audit_reference: str | None
    record_type: str
    kept_until: date


# PostgreSQL judges by the append-only records (migration 0015), not by columns the
# runtime role can edit, and by its own clock: `on` cannot bring a removal forward there.
_DUE_IN_DATABASE = text(
    "SELECT c.id, c.reference, c.audit_reference, r.record_type, r.kept_until "
    "FROM disciplinary_cases c "
    "CROSS JOIN LATERAL disciplinary_case_retention(c.id, :warning, :no_warning, :dismissal) r "
    "WHERE r.due ORDER BY c.id"
)
_PURGE = text("SELECT purge_disciplinary_case(:case_id, :warning, :no_warning, :dismissal)")


def _judged_by_database(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _due(session: Session, on: date, months: dict[str, int]) -> list[Due]:
    if _judged_by_database(session):
        rows = session.execute(_DUE_IN_DATABASE, months)
        return [Due(*row) for row in rows]
    due = []
    for case in cases_due(session, on, months):
        kind, until = record_type(case), kept_until(case, months)
        assert kind is not None and until is not None
        due.append(Due(case.id, case.reference, case.audit_reference, kind, until))
    return due


def _remove(session: Session, case: Due, months: dict[str, int]) -> bool:
    if _judged_by_database(session):
        # Only the owner's function may delete evidence and packs, and it judges the case
        # again itself; False means it found the case not due after all (a race).
        if not session.execute(_PURGE, {"case_id": case.case_id, **months}).scalar():
            return False
        # The case's key went with it (migration 0016's trigger, run as the owner).
    else:
        # SQLite has no roles and no triggers: the application's rules are the guard.
        for model in CASE_CHILDREN:
            session.execute(delete(model).where(model.case_id == case.case_id))
        session.execute(delete(DisciplinaryCase).where(DisciplinaryCase.id == case.case_id))
        if case.audit_reference:
            forget(session, [case.audit_reference])
    messages.forget_notices(session, case.case_id)
    # Under the case's audit reference, so the removal is linked to the case's earlier
    # events; only the reference, the record type and a date, nothing personal, so it is
    # kept readable: the case's key, and with it its other events, is gone.
    record(
        session,
        actor=None,
        action="conduct.removed_by_retention",
        object_type=OBJECT_TYPE,
        object_id=case.audit_reference,
        details={"reference": case.reference, "record_type": case.record_type, "kept_until": case.kept_until},
        keep_readable=True,
    )
    return True


def run(session: Session, on: date, months: dict[str, int], *, dry_run: bool) -> list[str]:
    """Removes the cases whose retention has ended (UK GDPR Art. 5(1)(e), storage
    limitation), leaving an audit entry with nothing personal in it. Returns the
    references of the cases removed (or, with dry_run, that would be). On PostgreSQL the
    database decides what is due, from the sealed outcome and hold events, and by its own
    date (README, "Two PostgreSQL roles")."""
    due = _due(session, on, months)
    if dry_run:
        return [c.reference for c in due]
    removed = [c.reference for c in due if _remove(session, c, months)]
    session.flush()
    return removed


def _open_hold(session: Session, case: DisciplinaryCase) -> LegalHold | None:
    return session.scalar(
        select(LegalHold)
        .where(LegalHold.case_id == case.id, LegalHold.lifted_at.is_(None))
        .order_by(LegalHold.id.desc())
        .limit(1)
    )


def place_hold(session: Session, actor: Person, case: DisciplinaryCase, reason: str) -> None:
    """A legal hold keeps the case out of the retention schedule while a claim or a
    tribunal needs it: keeping it is then necessary (UK GDPR Art. 5(1)(e)). The reason is
    kept on the hold; the audit event names only the hold's id."""
    if not reason.strip():
        raise DomainError("Give the reason for the legal hold", field="reason")
    if case.under_legal_hold:
        return
    now = utcnow()
    case.legal_hold_since, case.legal_hold_reason = now, reason.strip()
    hold = LegalHold(
        case_id=case.id, placed_at=now, placed_by_id=actor.id, reason=reason.strip(), lift_reason=""
    )
    session.add(hold)
    session.flush()
    audit_case(session, actor, case, "legal_hold_placed", {"hold_id": hold.id})


def lift_hold(session: Session, actor: Person, case: DisciplinaryCase, reason: str) -> None:
    """Lifting a hold returns the case to the schedule (UK GDPR Art. 5(1)(e)); why is
    kept on the hold."""
    if not reason.strip():
        raise DomainError("Give the reason for lifting the legal hold", field="reason")
    if not case.under_legal_hold:
        return
    now = utcnow()
    hold = _open_hold(session, case)
    if hold is None:  # placed before holds had their own table and not carried over
        hold = LegalHold(
            case_id=case.id,
            placed_at=case.legal_hold_since or now,
            placed_by_id=None,
            reason=case.legal_hold_reason,
            lift_reason="",
        )
        session.add(hold)
    hold.lifted_at, hold.lifted_by_id, hold.lift_reason = now, actor.id, reason.strip()
    case.legal_hold_since, case.legal_hold_reason = None, ""
    session.flush()
    audit_case(session, actor, case, "legal_hold_lifted", {"hold_id": hold.id})
