"""The retention schedule for disciplinary records, and legal holds.

A record is kept for a set number of months after a starting point that depends on
its type (PORTAL_RETENTION_MONTHS, for example "warning=6,no_warning=6,dismissal=72"):
- warning: a first or final written warning, counted from when the warning expires;
- no_warning: informal action or no action, counted from the decision;
- dismissal: counted from the decision (six years covers the time limit for claims).
Open cases are never due. `flask --app wsgi retention run` deletes what is due, except
cases under a legal hold, and leaves an audit entry with no personal details.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.clock import add_months
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person

from .models import CaseMeeting, DisciplinaryCase, EvidencePack, EvidenceSnapshot, LegalHold, LinkedReceipt
from .need_to_know import OBJECT_TYPE
from .service import audit_case

RECORD_TYPES = {
    "warning": "a written warning, from when it expires",
    "no_warning": "informal action or no action, from the decision",
    "dismissal": "a dismissal, from the decision",
}


class BadRetentionSettings(ValueError):
    """PORTAL_RETENTION_MONTHS cannot be read."""


def parse_retention(setting: str) -> dict[str, int]:
    months: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in setting.split(","))):
        name, _, value = part.partition("=")
        if name.strip() not in RECORD_TYPES or not value.strip().isdigit():
            raise BadRetentionSettings(f"PORTAL_RETENTION_MONTHS: cannot read {part!r}")
        months[name.strip()] = int(value)
    if set(months) != set(RECORD_TYPES):
        raise BadRetentionSettings("PORTAL_RETENTION_MONTHS must give " + ", ".join(RECORD_TYPES))
    return months


def configured_months() -> dict[str, int]:
    return current_app.extensions["retention_months"]


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
    """Decided cases past their retention and not under a legal hold (UK GDPR Art. 5(1)(e))."""
    decided = session.scalars(
        select(DisciplinaryCase).where(DisciplinaryCase.status == "decided").order_by(DisciplinaryCase.id)
    )
    return [c for c in decided if not c.under_legal_hold and (kept_until(c, months) or date.max) < on]


def _remove(session: Session, case: DisciplinaryCase, months: dict[str, int]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # Lets this transaction, and only it, delete evidence and packs (migration 0008).
        session.execute(text("SET LOCAL portal.retention_purge = 'on'"))
    for model in (CaseMeeting, EvidenceSnapshot, EvidencePack, LinkedReceipt, LegalHold):
        session.execute(delete(model).where(model.case_id == case.id))
    details = {
        "reference": case.reference,
        "record_type": record_type(case),
        "kept_until": kept_until(case, months),
    }
    reference = case.audit_reference
    session.execute(delete(DisciplinaryCase).where(DisciplinaryCase.id == case.id))
    # Under the case's audit reference, so the removal is linked to the case's earlier
    # events; only the reference, the record type and a date, nothing personal.
    record(
        session,
        actor=None,
        action="conduct.removed_by_retention",
        object_type=OBJECT_TYPE,
        object_id=reference,
        details=details,
    )


def run(session: Session, on: date, months: dict[str, int], *, dry_run: bool) -> list[str]:
    """Removes the cases whose retention has ended (UK GDPR Art. 5(1)(e), storage
    limitation), leaving an audit entry with nothing personal in it. Returns the
    references of the cases removed (or, with dry_run, that would be)."""
    due = cases_due(session, on, months)
    references = [c.reference for c in due]
    if not dry_run:
        for case in due:
            _remove(session, case, months)
        session.flush()
    return references


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
