"""What a person chooses about the email the portal sends them: how often the digest comes."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.errors import DomainError
from portal.people.models import Person

from .models import DIGEST_FREQUENCIES, NotificationPreference


def save_digest_frequency(session: Session, person: Person, frequency: str) -> None:
    """Save how often the digest comes: the one choice a person has, because
    mandatory notices (tasks, deadlines, disciplinary notices) cannot be switched off
    (the council's own rule).

    One statement inserts the first choice or updates a later one. A look-up followed
    by an insert let two first saves at once (a double click) both insert, and the
    second failed on the primary key.
    """
    if frequency not in DIGEST_FREQUENCIES:
        raise DomainError("Choose how often the digest comes", field="digest_frequency")
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(NotificationPreference).values(person_id=person.id, digest_frequency=frequency)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[NotificationPreference.person_id], set_={"digest_frequency": frequency}
        )
    )
    record(
        session,
        actor=person,
        action="notifications.preferences_saved",
        object_type="person",
        object_id=person.id,
        details={"digest_frequency": frequency},
    )
