"""Leavers in the retention schedule (UK GDPR Art. 5(1)(e), storage limitation).

Who is due: a leaver whose leaving date is further back than a kind's period, unless a
disciplinary case or breach record about them is still kept (tasks.PEOPLE_KEPT). On
PostgreSQL the database decides, from the append-only "people.left" event and by its own
date (retention_leavers_due, migration 0029), so editing a leaving date in the people
table brings nobody's removal forward.

Their account goes last: `leaver_accounts` is at least as long as the acknowledgements
and quiz results that name them (config.Settings.personal_retention). Removing it takes
away the name, the address, the password and the address-change links, and leaves a
numbered row that the remaining records (audit events, forms they witnessed for others)
still point to.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from portal.audit.forgetting import RecordKey, forget
from portal.audit.service import details_key
from portal.clock import add_months
from portal.tasks import PEOPLE_KEPT, RetentionKind, add_retention_kind, kept_months, owner_purge

from .models import EmailChange, Person, PersonRole, RoleChange, end_all_sessions

REMOVED_DOMAIN = "retention.invalid"
REMOVED_NAME = "Former member of the council (record removed)"

_DUE = text("SELECT retention_leavers_due(:kind, :months)")


def leavers_due(session: Session, kind: str, on: date, months: int) -> list[int]:
    """The ids of the leavers whose records of `kind` are past their period on `on`."""
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(_DUE, {"kind": kind, "months": months}))
    kept: set[int] = set().union(*(keep(session) for keep in PEOPLE_KEPT))
    leavers = session.execute(
        select(Person.id, Person.leaving_date)
        .where(Person.is_active.is_(False), Person.leaving_date.is_not(None))
        .order_by(Person.id)
    )
    return [
        person_id
        for person_id, left in leavers
        if left is not None and add_months(left, months) < on and person_id not in kept
    ]


def remove_accounts(session: Session, on: date) -> int:
    """Removes the accounts of leavers past `leaver_accounts` (default 72 months: six
    years covers a claim about their employment, Limitation Act 1980 s5)."""
    due = leavers_due(session, "leaver_accounts", on, kept_months("leaver_accounts"))
    people = list(
        session.scalars(
            select(Person).where(Person.id.in_(due), Person.email.not_like(f"%@{REMOVED_DOMAIN}"))
        )
    )
    ids = [person.id for person in people]
    for person in people:
        person.name = REMOVED_NAME
        person.email = f"removed-{person.id}@{REMOVED_DOMAIN}"
        person.password_hash = None
        end_all_sessions(person)
    if ids:
        session.execute(delete(EmailChange).where(EmailChange.person_id.in_(ids)))
        session.execute(delete(PersonRole).where(PersonRole.person_id.in_(ids)))
        session.execute(update(RoleChange).where(RoleChange.person_id.in_(ids)).values(new_email=None))
    session.flush()
    return len(ids)


def forget_details(session: Session, on: date) -> int:
    """Forgets the personal details in audit events about leavers past `audit_details`
    (default 72 months): their old and new addresses, their answers, the reasons given
    about them (audit.service.record's `personal_details`). Their key is deleted; the events and
    the chain stay and still verify. On PostgreSQL only the owner's forget_detail_keys
    (migration 0029) deletes keys."""
    months = kept_months("audit_details")
    if (done := owner_purge(session, "forget_detail_keys", months)) is not None:
        return done
    wanted = [details_key(person_id) for person_id in leavers_due(session, "audit_details", on, months)]
    existing = list(session.scalars(select(RecordKey.reference).where(RecordKey.reference.in_(wanted))))
    return forget(session, existing)


add_retention_kind(
    RetentionKind(
        name="audit_details",
        title="Personal details in audit events: changed email addresses, quiz answers, reasons given",
        period=lambda: f"{kept_months('audit_details')} months after the person leaves",
        basis="Part of the evidence of what happened, kept as long as the records it explains",
        how="Their key is deleted: the events and the audit chain stay and still verify",
        run=forget_details,
        order=80,
    )
)
add_retention_kind(
    RetentionKind(
        name="leaver_accounts",
        title="Leavers' accounts: name, email address, password and address-change links",
        period=lambda: f"{kept_months('leaver_accounts')} months after the person leaves",
        basis=(
            "Kept as long as the acknowledgements and quiz results that name them: a claim about "
            "their employment can be brought for six years (Limitation Act 1980 s5)"
        ),
        how="The name and address are replaced and the password removed; the numbered record stays",
        run=remove_accounts,
        order=90,
    )
)
