"""What the portal recorded of a person's activity and what it sent them, for a subject
access export (UK GDPR Art. 15(1) and (3)): the audit events they made or that are about
them, with the address each request came from, and every email the outbox holds for them.

Other people's personal data stays out, or is flagged for redaction (UK GDPR Art. 15(4);
Data Protection Act 2018, Schedule 2, paragraph 16):

- an address is given only for a request the person made. Addresses are sealed under the
  key of whoever made the request (portal.audit.personal), so one recorded when someone
  else acted on their record, or when nobody was signed in (a failed sign-in to their
  account), is that other person's, and is withheld;
- the details of an act of theirs on another person's record are withheld;
- events about need-to-know records (disciplinary cases, breach records, subject access
  exports) are encrypted under the record's key with their actor inside
  (portal.audit.forgetting). Only the person's own acts are taken from them, with their
  details when the record is about the person and withheld when it is about someone else;
  what others did in the person's own case is in the case record itself;
- other people's names, as actors or in an email's text, are flagged like any other
  (redaction.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, union_all
from sqlalchemy.orm import Session

from portal.audit import personal
from portal.audit.forgetting import ENCRYPTED_UNDER, Keys, Opened, is_encrypted
from portal.audit.models import AuditEvent
from portal.breaches.models import BreachRecord
from portal.conduct.models import DisciplinaryCase
from portal.outbox.models import OutboxMessage
from portal.people.models import Person

from .models import SubjectAccessReference
from .values import ADDRESS_WITHHELD, DETAILS_WITHHELD, iso

PERSON = "person"  # the object type of an event about a person's own record
NOBODY = "nobody signed in"


@dataclass(frozen=True)
class _Event:
    """One event as written: from its columns, or from what its record's key opened."""

    event: AuditEvent
    actor_id: int | None
    on_behalf_of_id: int | None
    address: str | None  # sealed as stored for a plain event; opened for an encrypted one
    details: dict[str, Any]
    encrypted: bool


def _own_records(session: Session, person: Person) -> set[str]:
    """The audit references of the need-to-know records about the person: one query."""
    return set(
        session.scalars(
            union_all(
                select(DisciplinaryCase.audit_reference).where(DisciplinaryCase.subject_id == person.id),
                select(BreachRecord.audit_reference).where(BreachRecord.subject_id == person.id),
                select(SubjectAccessReference.audit_reference).where(
                    SubjectAccessReference.person_id == person.id
                ),
            )
        )
    )


def _events(session: Session, person: Person) -> tuple[list[AuditEvent], list[AuditEvent]]:
    """Events in clear that they made, that were made for them or that are about them; and
    every encrypted event, whose actor only its key can tell (two queries in all)."""
    plain = session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == person.id,
                AuditEvent.on_behalf_of_id == person.id,
                and_(AuditEvent.object_type == PERSON, AuditEvent.object_id == str(person.id)),
            )
        )
        .order_by(AuditEvent.id)
    ).all()
    # Every encrypted event is opened to find theirs: the actor is inside the ciphertext, so
    # no query can pick them out. Still two queries (events, then keys) at any size; the
    # decryption grows with the trail, which a request made once in a while can afford.
    encrypted = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.actor_id.is_(None),
            AuditEvent.details.contains(f'"{ENCRYPTED_UNDER}"', autoescape=True),
        )
        .order_by(AuditEvent.id)
    ).all()
    return list(plain), list(encrypted)


def _read(person: Person, plain: list[AuditEvent], encrypted: list[AuditEvent], keys: Keys) -> list[_Event]:
    found: dict[int, _Event] = {}
    for event in encrypted:
        opened: Opened = keys.open(json.loads(event.details))
        content = opened.content
        # A forgotten record says nothing of who acted; one that is not theirs is left out.
        if opened.forgotten or person.id not in (content.get("actor_id"), content.get("on_behalf_of_id")):
            continue
        found[event.id] = _Event(
            event,
            content.get("actor_id"),
            content.get("on_behalf_of_id"),
            content.get("ip_address"),
            opened.details,
            encrypted=True,
        )
    for event in plain:
        details = json.loads(event.details)
        if event.id in found:
            continue
        if is_encrypted(details):
            if event.actor_id is None:
                continue  # a need-to-know event: read above, or not theirs
            # Personal details under the person's details key, who acted in clear.
            details = keys.open(details).details
        found[event.id] = _Event(
            event, event.actor_id, event.on_behalf_of_id, event.ip_address, details, encrypted=False
        )
    return [found[event_id] for event_id in sorted(found)]


def _details_are_theirs(item: _Event, person: Person, own: set[str]) -> bool:
    event = item.event
    if item.encrypted:
        return event.object_id in own
    if event.object_type == PERSON and event.object_id != str(person.id):
        return False  # their act on another person's record
    return item.details.get("person_id") in (None, person.id)


def audit_events(session: Session, person: Person) -> list[dict[str, Any]]:
    """Every event they made or that is about them, oldest first, with the address of each
    request they made. A fixed number of queries, however many events there are."""
    plain, encrypted = _events(session, person)
    own = _own_records(session, person)
    stored_addresses = [e.ip_address for e in plain if e.actor_id == person.id]
    keys = Keys(
        session,
        {str(d[ENCRYPTED_UNDER]) for e in [*encrypted, *plain] if is_encrypted(d := json.loads(e.details))}
        | {personal.reference_of(s) for s in stored_addresses if s is not None and personal.is_sealed(s)},
    )
    items = _read(person, plain, encrypted, keys)
    wanted = {i for item in items for i in (item.actor_id, item.on_behalf_of_id) if i is not None}
    names: dict[int, str] = {
        person_id: name
        for person_id, name in session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))
    }

    def address(item: _Event) -> str | None:
        if item.address is None:
            return None
        if item.actor_id != person.id:
            return ADDRESS_WITHHELD
        if item.encrypted or not personal.is_sealed(item.address):
            return item.address  # opened with its record, or stored before addresses were sealed
        return personal.open_with(keys.key(personal.reference_of(item.address)), item.address)

    found = []
    for item in items:
        theirs = _details_are_theirs(item, person, own)
        found.append(
            {
                "at": iso(item.event.occurred_at),
                "action": item.event.action,
                "record": item.event.object_type,
                "record_id": item.event.object_id if theirs else None,
                "by": names.get(item.actor_id, NOBODY) if item.actor_id is not None else NOBODY,
                "on_behalf_of": names.get(item.on_behalf_of_id) if item.on_behalf_of_id else None,
                "ip_address": address(item),
                "details": item.details if theirs else DETAILS_WITHHELD,
            }
        )
    return found


def emails(session: Session, person: Person) -> list[dict[str, Any]]:
    """Every message the outbox holds for them: sent to their account, or to their address
    (an invitation, a confirmation sent to a new address). The plain-text part is the
    message; an attachment (a letter, a receipt) is named, and is in its own record."""
    rows = session.execute(
        select(
            OutboxMessage.created_at,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.text_body,
            OutboxMessage.attachment_name,
            OutboxMessage.status,
            OutboxMessage.sent_at,
        )
        .where(
            or_(
                OutboxMessage.person_id == person.id,
                func.lower(OutboxMessage.to_address) == person.email.lower(),
            )
        )
        .order_by(OutboxMessage.id)
    )
    return [
        {
            "queued_at": iso(queued_at),
            "to": to,
            "subject": subject,
            "text": text,
            "attachment": attachment,
            "status": status,
            "sent_at": iso(sent_at),
        }
        for queued_at, to, subject, text, attachment, status, sent_at in rows
    ]
