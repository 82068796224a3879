"""The retention schedule for addresses and browsers (UK GDPR Article 5(1)(e), storage
limitation).

Every address and browser the portal records is sealed under a key the schedule can
delete (portal.audit.personal):
- a person's own, kept for a set time after they leave ("after_leaving", default 72
  months: six years covers the time limit for claims about their employment, Limitation
  Act 1980 s5), so that the evidence of what they signed and did stands while a claim
  could still be brought;
- the key of a month, for requests made by nobody signed in (failed sign-ins, someone
  checking a receipt), kept for a set time after the month ends ("not_signed_in",
  default 12 months: long enough to look into an attack on an account).

PORTAL_ADDRESS_RETENTION_MONTHS sets both ("after_leaving=72,not_signed_in=12").
Forgetting deletes the key; the records, their hashes and the audit chain are untouched
and still verify, and the fields read as removed by the retention schedule.

On PostgreSQL the runtime role cannot delete keys: it asks the owner's SECURITY DEFINER
function `forget_address_keys` (migration 0021), which judges a leaver from the
append-only "people.left" event rather than from the editable people row, counts to
London's date by the database's own clock, and uses no period shorter than the owner's
floor (the defaults above).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.audit import personal
from portal.audit.forgetting import RecordKey, forget
from portal.audit.service import record
from portal.clock import add_months
from portal.config import parse_months

from .models import Person

KINDS = {
    "after_leaving": "a person's addresses and browsers, from the day they left",
    "not_signed_in": "addresses of requests by nobody signed in, from the end of the month",
}


def parse_address_retention(setting: str) -> dict[str, int]:
    return parse_months("PORTAL_ADDRESS_RETENTION_MONTHS", setting, KINDS)


def configured_months() -> dict[str, int]:
    months: dict[str, int] = current_app.extensions["address_retention_months"]  # extensions hold Any
    return months


@dataclass(frozen=True)
class Forgotten:
    people: int  # leavers whose addresses and browsers can no longer be read
    months: int  # months of addresses of requests by nobody signed in


def _month_ended_long_enough(reference: str, months: int, on: date) -> bool:
    year, month = (int(part) for part in reference.removeprefix(personal.MONTH_PREFIX).split("-"))
    return add_months(date(year, month, 1), months + 1) <= on


def _due_in_python(session: Session, on: date, months: dict[str, int]) -> tuple[list[str], list[str]]:
    """What SQLite can judge (it has no roles, so the application is the guard)."""
    leavers = session.execute(
        select(Person.id, Person.leaving_date).where(
            Person.is_active.is_(False), Person.leaving_date.is_not(None)
        )
    )
    people = [
        personal.person_key(person_id)
        for person_id, left in leavers
        if left is not None and add_months(left, months["after_leaving"]) < on
    ]
    existing = set(session.scalars(select(RecordKey.reference).where(RecordKey.reference.in_(people))))
    month_keys = session.scalars(
        select(RecordKey.reference).where(RecordKey.reference.like(f"{personal.MONTH_PREFIX}%"))
    )
    due_months = [r for r in month_keys if _month_ended_long_enough(r, months["not_signed_in"], on)]
    return sorted(existing), due_months


_FORGET = text("SELECT people, months FROM forget_address_keys(:after_leaving, :not_signed_in)")


def run(session: Session, on: date, months: dict[str, int]) -> Forgotten:
    """Forget the addresses and browsers whose retention has ended, and say so in the
    audit trail with counts only."""
    if session.get_bind().dialect.name == "postgresql":
        people, month_count = session.execute(_FORGET, months).one()
        done = Forgotten(int(people), int(month_count))
    else:
        leavers, due_months = _due_in_python(session, on, months)
        forget(session, leavers + due_months)
        done = Forgotten(len(leavers), len(due_months))
    if done.people or done.months:
        record(
            session,
            actor=None,
            action="retention.addresses_forgotten",
            object_type="retention",
            details={"people": done.people, "months": done.months},
        )
    return done
