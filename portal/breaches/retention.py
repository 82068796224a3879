"""The retention schedule for breach records, and legal holds.

A closed record is kept for PORTAL_BREACH_RETENTION_MONTHS ("closed=72") months after it was
closed: six years covers the time limit for a claim in contract or tort (Limitation Act
1980 ss. 2 and 5), the longest that a matter under a contract, an agency's terms or a
volunteer agreement can come back. Open records are never due, nor are records under a
legal hold. The daily job removes what is due and leaves an audit entry with nothing
personal in it.

On PostgreSQL the runtime role cannot delete the frozen evidence: the owner's SECURITY
DEFINER function `purge_breach_record` (migration 0024) does, judging the record itself
from the append-only evidence and audit events, by the database's own date, and with
no period shorter than the owner's floor. SQLite has no roles, so there the application
deletes directly.
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
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person

from . import messages
from .models import BreachEvidence, BreachRecord
from .need_to_know import OBJECT_TYPE
from .service import audit_record


def configured_months() -> int:
    return int(current_app.config["PORTAL_SETTINGS"].breach_retention())


def kept_until(found: BreachRecord, months: int) -> date | None:
    """The day after which the record is removed; None while it is open (UK GDPR
    Art. 5(1)(e): kept no longer than its purpose needs)."""
    if found.status != "closed" or found.closed_on is None:
        return None
    return add_months(found.closed_on, months)


@dataclass(frozen=True)
class Due:
    record_id: int
    reference: str
    audit_reference: str
    kept_until: date


# PostgreSQL judges from the append-only records (migration 0024), not from columns the
# runtime role can edit, and by its own clock: `on` cannot bring a removal forward there.
_DUE_IN_DATABASE = text(
    "SELECT b.id, b.reference, b.audit_reference, r.kept_until "
    "FROM breach_records b CROSS JOIN LATERAL breach_record_retention(b.id, :months) r "
    "WHERE r.due ORDER BY b.id"
)
_PURGE = text("SELECT purge_breach_record(:record_id, :months)")


def _judged_by_database(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _due(session: Session, on: date, months: int) -> list[Due]:
    if _judged_by_database(session):
        return [Due(*row) for row in session.execute(_DUE_IN_DATABASE, {"months": months})]
    closed = session.scalars(
        select(BreachRecord).where(BreachRecord.status == "closed").order_by(BreachRecord.id)
    )
    return [
        Due(found.id, found.reference, found.audit_reference, until)
        for found in closed
        if not found.under_legal_hold and (until := kept_until(found, months)) is not None and until < on
    ]


def _remove(session: Session, due: Due, months: int) -> bool:
    if _judged_by_database(session):
        # The owner's function judges the record again; False: not due after all (a race).
        # Its trigger deletes the record's key with the evidence (migration 0024).
        if not session.execute(_PURGE, {"record_id": due.record_id, "months": months}).scalar():
            return False
    else:
        session.execute(delete(BreachEvidence).where(BreachEvidence.record_id == due.record_id))
        session.execute(delete(BreachRecord).where(BreachRecord.id == due.record_id))
        forget(session, [due.audit_reference])
    messages.forget_notices(session, due.record_id)
    # Readable for good (its key is gone): a reference and a date, nothing personal.
    record(
        session,
        actor=None,
        action="breaches.removed_by_retention",
        object_type=OBJECT_TYPE,
        object_id=due.audit_reference,
        details={"reference": due.reference, "kept_until": due.kept_until},
        keep_readable=True,
    )
    return True


def run(session: Session, on: date, months: int, *, dry_run: bool) -> list[str]:
    """Removes the closed records whose retention has ended (UK GDPR Art. 5(1)(e)).
    Returns the references removed (or, with dry_run, that would be)."""
    due = _due(session, on, months)
    if dry_run:
        return [d.reference for d in due]
    removed = [d.reference for d in due if _remove(session, d, months)]
    session.flush()
    return removed


def place_hold(session: Session, actor: Person, found: BreachRecord, reason: str) -> None:
    """A legal hold keeps the record while a claim or a standards hearing needs it (UK GDPR
    Art. 5(1)(e)). The reason is sealed on the record; the audit event has none."""
    if not reason.strip():
        raise DomainError("Give the reason for the legal hold", field="reason")
    if found.under_legal_hold:
        return
    found.legal_hold_since, found.legal_hold_reason = utcnow(), reason.strip()
    session.flush()
    audit_record(session, actor, found, "legal_hold_placed")


def lift_hold(session: Session, actor: Person, found: BreachRecord) -> None:
    """Lifting a hold returns the record to the schedule."""
    if not found.under_legal_hold:
        return
    found.legal_hold_since, found.legal_hold_reason = None, ""
    session.flush()
    audit_record(session, actor, found, "legal_hold_lifted")
