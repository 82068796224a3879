"""Subject access: finding the person, the export of everything held about them, and the
audit event that puts each export on the record.

The export itself is gathered in `subject_access.py`; this module is the package's face
for its views and for any other package.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.documents.render import render_pdf
from portal.people.models import Person

from .need_to_know import OBJECT_TYPE, reference_for
from .redaction import mark_names
from .subject_access import export

__all__ = ["EXPORT_FORMATS", "export_pdf", "exported", "mark_names", "person_to_export"]

# How an export was handed over, as the audit event records it.
EXPORT_FORMATS = ("page", "json", "pdf")


def person_to_export(session: Session, person_id: int) -> Person | None:
    """The person whose data is asked for, with what their profile shows."""
    return session.scalar(
        select(Person)
        .options(
            selectinload(Person.department),
            selectinload(Person.line_manager),
            selectinload(Person.role_grants),
        )
        .where(Person.id == person_id)
    )


def exported(session: Session, actor: Person, person: Person, what: str) -> dict[str, Any]:
    """Everything the portal holds about the person, as the right of access requires
    (UK GDPR Art. 15; Data Protection Act 2018, Part 2), with the other people it names
    listed so that their data can be withheld before it is handed over (UK GDPR
    Art. 15(4)). Every export is on the record (UK GDPR Art. 5(2), accountability): the
    event is filed under the person's opaque audit reference, with their id only in the
    details, which only HR and the Town Clerk see (portal.audit.need_to_know)."""
    if what not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {what!r}")
    content = export(session, person)
    record(
        session,
        actor=actor,
        action="privacy.subject_access_exported",
        object_type=OBJECT_TYPE,
        object_id=reference_for(session, person),
        details={"format": what, "person_id": person.id},
    )
    return content


def export_pdf(session: Session, actor: Person, person: Person) -> bytes:
    """The export as a PDF, with each third party's name marked for redaction before it
    is handed over (UK GDPR Art. 15(4)); recorded like every other export."""
    content = exported(session, actor, person, "pdf")
    names = [m["name"] for m in content["third_parties_to_consider_redacting"]]
    return render_pdf(
        "documents/subject_access.html",
        sealed=True,
        stylesheet="report",
        person=person,
        content=content,
        marked=lambda text: mark_names(text or "", names),
    )
