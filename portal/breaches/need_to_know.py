"""Breach records in the audit trail: which of their events the reader may see in full
(portal.audit.need_to_know states the rule, the same as for disciplinary cases), and the
opaque reference of each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.need_to_know import NeedToKnow, Sensitive, register, sees_in_full
from portal.identity import Actor
from portal.people.service import deciding_roles

from .models import BreachRecord

OBJECT_TYPE = "breach_record"


def breach_records(session: Session, viewer: Actor) -> dict[str, Sensitive]:
    """Every record, keyed by its audit reference. Two queries, however many records."""
    roles = deciding_roles(session)
    rows = session.execute(select(BreachRecord.audit_reference, BreachRecord.subject_id))
    return {
        reference: Sensitive(reference, sees_in_full(viewer, subject_id, roles.get(subject_id, frozenset())))
        for reference, subject_id in rows
    }


# What stays readable when a record's events are encrypted under its key: the facts the
# database's retention purge judges from (migration 0024). None names a person, and once
# the record is removed nothing ties them to one.
RETENTION_FACTS = frozenset({"reference", "record_id", "evidence_sha256", "closed_on"})

register(NeedToKnow("breaches.", OBJECT_TYPE, breach_records, clear_details=RETENTION_FACTS))
