"""Subject access exports in the audit trail: which the reader may see in full
(portal.audit.need_to_know states the rule), and the opaque reference of each person's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.audit.need_to_know import NeedToKnow, Sensitive, register, sees_in_full
from portal.db import utcnow
from portal.identity import Actor
from portal.people.models import Person
from portal.people.service import deciding_roles

from .models import SubjectAccessReference

OBJECT_TYPE = "subject_access"


def reference_for(session: Session, person: Person) -> str:
    """The person's audit reference, made the first time their data is exported."""
    found = session.get(SubjectAccessReference, person.id)
    if found is not None:
        return found.audit_reference
    made = SubjectAccessReference(person_id=person.id, created_at=utcnow())
    try:
        # A savepoint: a second export at the same moment may have made it first.
        with session.begin_nested():
            session.add(made)
    except IntegrityError:
        session.expire_all()
        again = session.get(SubjectAccessReference, person.id)
        assert again is not None
        return again.audit_reference
    return made.audit_reference


def export_records(session: Session, viewer: Actor) -> dict[str, Sensitive]:
    """Keyed by the audit reference and, for events written before revision 0011 (which
    stored the person's id), by the person's id."""
    roles = deciding_roles(session)
    found: dict[str, Sensitive] = {}
    for person_id, reference in session.execute(
        select(SubjectAccessReference.person_id, SubjectAccessReference.audit_reference)
    ):
        item = Sensitive(reference, sees_in_full(viewer, person_id, roles.get(person_id, frozenset())))
        found[reference] = found[str(person_id)] = item
    return found


register(NeedToKnow("privacy.", OBJECT_TYPE, export_records))
