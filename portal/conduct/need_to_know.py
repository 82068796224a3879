"""Disciplinary cases in the audit trail: which of their events the reader may see in
full (portal.audit.need_to_know states the rule), and the opaque reference of each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.need_to_know import NeedToKnow, Sensitive, register, sees_in_full
from portal.identity import Actor
from portal.people.service import deciding_roles

from .models import DisciplinaryCase

OBJECT_TYPE = "disciplinary_case"


def case_records(session: Session, viewer: Actor) -> dict[str, Sensitive]:
    """Every case, keyed by what its events store: the audit reference, and (for events
    written before revision 0011) the database id. Two queries, however many cases."""
    roles = deciding_roles(session)
    found: dict[str, Sensitive] = {}
    rows = session.execute(
        select(DisciplinaryCase.id, DisciplinaryCase.audit_reference, DisciplinaryCase.subject_id)
    )
    for case_id, reference, subject_id in rows:
        if reference is None:
            continue
        item = Sensitive(reference, sees_in_full(viewer, subject_id, roles.get(subject_id, frozenset())))
        found[reference] = found[str(case_id)] = item
    return found


# What stays readable when a case's events are encrypted under its key: the facts the
# database's retention purge judges from (migrations 0015 and 0026: the case id, printed
# reference and evidence hash that tie the opening event to the case, the stage and its
# dates). None of them names a person, and once the case is removed nothing ties them to one.
RETENTION_FACTS = frozenset(
    {"reference", "case_id", "evidence_sha256", "stage", "decided_on", "warning_live_until"}
)

register(NeedToKnow("conduct.", OBJECT_TYPE, case_records, clear_details=RETENTION_FACTS))
