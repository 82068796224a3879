"""Signed acknowledgements in the retention schedule (UK GDPR Art. 5(1)(e)).

An acknowledgement, its receipt and any paper scan are the council's evidence that the
person knew and signed its rules, and a claim about their employment can be brought for
six years (Limitation Act 1980 s5; an unfair dismissal claim much sooner). So they are
kept while the person is with the council and `acknowledgements` months (default 72)
after they leave, and longer while a disciplinary case or breach record about them is
kept (people.service.leavers_due).

They are append-only: on PostgreSQL only the owner's purge_leaver_acknowledgements
(migration 0029) deletes them, judging each leaver itself.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.people.service import leavers_due
from portal.tasks import RetentionKind, add_retention_kind, kept_months, owner_purge

from .models import Acknowledgement, PaperScan, Receipt


def remove_acknowledgements(session: Session, on: date) -> int:
    months = kept_months("acknowledgements")
    if (done := owner_purge(session, "purge_leaver_acknowledgements", months)) is not None:
        return done
    due = leavers_due(session, "acknowledgements", on, months)
    theirs = select(Acknowledgement.id).where(Acknowledgement.person_id.in_(due))
    count = session.scalar(select(func.count()).select_from(theirs.subquery())) or 0
    if count:
        session.execute(delete(Receipt).where(Receipt.acknowledgement_id.in_(theirs)))
        session.execute(delete(PaperScan).where(PaperScan.acknowledgement_id.in_(theirs)))
        session.execute(delete(Acknowledgement).where(Acknowledgement.person_id.in_(due)))
    return count


add_retention_kind(
    RetentionKind(
        name="acknowledgements",
        title="Signed acknowledgements of policies, with their receipts and paper scans",
        period=lambda: f"{kept_months('acknowledgements')} months after the person leaves",
        basis=(
            "Evidence that the person knew and signed the rules, kept while a claim about their "
            "employment can be brought (Limitation Act 1980 s5)"
        ),
        how="Deleted (on PostgreSQL only by the owner's function for this kind)",
        run=remove_acknowledgements,
        order=40,
    )
)
