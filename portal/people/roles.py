"""Separation of duties: privileged roles change only with a second person's approval.

The Town Clerk, the Deputy Clerk, HR and the Mayor open disciplinary files and subject
access exports and put people's voices on the council's channels (Networking Policy
3.2), so an administrator cannot hand them out, and nobody can give them to
themselves. A change is a proposal; a holder of another privileged role approves it
within five working days or it lapses. Where nobody else could approve (a new
installation, a council without HR), the server's own command stands in as the
second person and the audit trail says so (DESIGN.md, threat model).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.clock import add_working_days, today
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.identity import PRIVILEGED_ROLES

from . import messages
from .email_changes import request_email_change
from .models import EngagementType, Person, PersonRole, Role, RoleChange

# Long enough for a part-time Clerk to be back in the office; short enough that a
# forgotten proposal cannot be approved months later in a different situation.
LAPSE_WORKING_DAYS = 5


def holds_privileged_role(person: Person) -> bool:
    return bool(person.roles & PRIVILEGED_ROLES)


def _privileged_holders(session: Session) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants))
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role.in_([role.value for role in PRIVILEGED_ROLES]), Person.is_active.is_(True))
            .distinct()
            .order_by(Person.name, Person.id)
        )
    )


def approvers_for(session: Session, change: RoleChange, holders: list[Person] | None = None) -> list[Person]:
    """Who may approve: holders of any privileged role but the proposer and the person changed.

    `holders` saves the query when a page asks this for several changes."""
    excluded = {change.person_id, change.proposed_by_id}
    everyone = _privileged_holders(session) if holders is None else holders
    return [person for person in everyone if person.id not in excluded]


def describe(change: RoleChange) -> str:
    """The change in words, for pages, tasks and email (never a case's details)."""
    name = change.person.name
    if change.kind == "email":
        return f"Change {name}'s email address to {change.new_email}"
    role = Role(change.role or "").label
    if change.kind == "grant":
        return f"Make {name} {role}"
    return f"Remove the role of {role} from {name}"


def _check_proposer(actor: Person, person: Person) -> None:
    if actor.id == person.id:
        raise DomainError("You cannot change your own roles. Ask another holder of a privileged role")
    if not person.is_active:
        raise DomainError(f"{person.name} has left the council")


def _pending(session: Session, person: Person, kind: str, role: str | None) -> RoleChange | None:
    return session.scalar(
        select(RoleChange).where(
            RoleChange.person_id == person.id,
            RoleChange.kind == kind,
            RoleChange.role.is_(None) if role is None else RoleChange.role == role,
            RoleChange.status.in_(("pending", "approved")),
        )
    )


def propose_role_change(
    session: Session,
    actor: Person,
    person: Person,
    role: Role,
    *,
    grant: bool,
    effective_on: date | None = None,
) -> RoleChange:
    """Propose giving or removing a privileged role; nothing changes until a second person approves.

    Only holders of a privileged role propose. The Mayor is chosen each year from the
    councillors at the annual meeting (Local Government Act 1972 s15), so the Mayor's
    role goes only to a councillor, takes effect on the date given (the annual meeting),
    and replaces the previous Mayor on that date.
    """
    if not holds_privileged_role(actor):
        raise DomainError("Only the Town Clerk, the Deputy Clerk, HR or the Mayor can propose this change")
    if role not in PRIVILEGED_ROLES:
        raise DomainError("Administrators give that role on the person's page", field="role")
    _check_proposer(actor, person)
    holds = role in person.roles
    if grant and holds:
        raise DomainError(f"{person.name} is already {role.label}", field="person_email")
    if not grant and not holds:
        raise DomainError(f"{person.name} is not {role.label}", field="person_email")
    if grant and role is Role.MAYOR and person.engagement is not EngagementType.COUNCILLOR:
        raise DomainError("The Mayor is chosen from the councillors", field="person_email")
    start = today()
    effective = effective_on or start
    if effective < start:
        raise DomainError("The date it takes effect cannot be in the past", field="effective_on")
    kind = "grant" if grant else "remove"
    if _pending(session, person, kind, role.value) is not None:
        raise DomainError("That change has already been proposed and is waiting", field="person_email")
    return _propose(session, actor, person, kind=kind, role=role.value, effective_on=effective)


def propose_email_change(session: Session, actor: Person, person: Person, new_email: str) -> RoleChange:
    """A privileged holder's address is where their reset links go, so moving it needs two people.

    Otherwise an administrator could point the Clerk's address at a mailbox they
    control and send themselves a reset link.
    """
    if actor.id == person.id:
        raise DomainError("You cannot change your own email address here", field="email")
    waiting = _pending(session, person, "email", None)
    if waiting is not None:
        raise DomainError(
            f"A change of address to {waiting.new_email} is already waiting for approval", field="email"
        )
    return _propose(session, actor, person, kind="email", new_email=new_email, effective_on=today())


def _propose(
    session: Session,
    actor: Person,
    person: Person,
    *,
    kind: str,
    effective_on: date,
    role: str | None = None,
    new_email: str | None = None,
) -> RoleChange:
    start = today()
    change = RoleChange(
        person_id=person.id,
        kind=kind,
        role=role,
        new_email=new_email,
        effective_on=effective_on,
        lapses_on=add_working_days(start, LAPSE_WORKING_DAYS),
        status="pending",
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
    )
    change.person = person
    change.proposed_by = actor
    session.add(change)
    session.flush()
    record(
        session,
        actor=actor,
        action="roles.change_proposed",
        object_type="role_change",
        object_id=change.id,
        details=_facts(change),
    )
    for approver in approvers_for(session, change):
        messages.change_to_approve(session, approver, change, describe(change))
    return change


def _facts(change: RoleChange) -> dict[str, object]:
    return {
        "person_id": change.person_id,
        "kind": change.kind,
        "role": change.role,
        "effective_on": change.effective_on.isoformat(),
        "lapses_on": change.lapses_on.isoformat(),
    }


def get_change(session: Session, change_id: int) -> RoleChange:
    change = session.scalar(
        select(RoleChange)
        .options(
            selectinload(RoleChange.person).selectinload(Person.role_grants),
            selectinload(RoleChange.proposed_by),
            selectinload(RoleChange.decided_by),
        )
        .where(RoleChange.id == change_id)
    )
    if change is None:
        raise NotFound("No such change")
    return change


def _check_decidable(session: Session, actor: Person | None, change: RoleChange) -> None:
    if change.status != "pending":
        raise DomainError("This change has already been decided")
    if today() > change.lapses_on:
        raise DomainError("This change was not approved in time and has lapsed. Propose it again")
    approvers = approvers_for(session, change)
    if actor is None:
        if approvers:
            names = ", ".join(person.name for person in approvers)
            raise DomainError(f"A second person can approve this in the portal: {names}")
        return
    if actor.id == change.person_id:
        raise DomainError("Nobody can approve a change to their own roles or address")
    if actor.id == change.proposed_by_id:
        raise DomainError("A second person must approve this: you proposed it")
    if actor.id not in {person.id for person in approvers}:
        raise DomainError("Only the holder of another privileged role can approve this")


def _decide(session: Session, actor: Person | None, change: RoleChange, status: str) -> None:
    """Record the second person's decision; the audit trail says whether it was the server."""
    _check_decidable(session, actor, change)
    change.status = status
    change.decided_by_id = actor.id if actor else None
    change.decided_on_server = actor is None
    change.decided_at = utcnow()
    record(
        session,
        actor=actor,
        action=f"roles.change_{status}",
        object_type="role_change",
        object_id=change.id,
        details={**_facts(change), "second_person": "server command" if actor is None else "portal"},
    )


def approve(session: Session, actor: Person | None, change: RoleChange) -> RoleChange:
    """The second person's approval. `actor=None` is the server's command, allowed only
    while nobody in the portal could approve. It takes effect at once unless its date is later."""
    _decide(session, actor, change, "approved")
    if change.effective_on <= today():
        _apply(session, change)
    return change


def refuse(session: Session, actor: Person | None, change: RoleChange) -> RoleChange:
    """The second person says no; nothing changes."""
    _decide(session, actor, change, "refused")
    return change


def _apply(session: Session, change: RoleChange) -> None:
    person = change.person
    if not person.is_active:
        _lapse(session, change)
        return
    if change.kind == "email":
        assert change.new_email is not None
        request_email_change(session, change.proposed_by, person, change.new_email, role_change=change)
    elif change.kind == "grant":
        role = change.role_value
        assert role is not None
        if role is Role.MAYOR:
            for previous in _holders_of(session, Role.MAYOR):
                if previous.id != person.id:
                    _set_roles(previous, previous.roles - {Role.MAYOR})
                    record(
                        session,
                        actor=None,
                        action="roles.mayor_replaced",
                        object_type="person",
                        object_id=previous.id,
                        details={"role_change_id": change.id},
                    )
        _set_roles(person, person.roles | {role})
    else:
        role = change.role_value
        assert role is not None
        _set_roles(person, person.roles - {role})
    change.status = "applied"
    change.applied_at = utcnow()
    session.flush()
    record(
        session,
        actor=None,
        action="roles.change_applied",
        object_type="role_change",
        object_id=change.id,
        details=_facts(change),
    )


def _holders_of(session: Session, role: Role) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants))
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == role.value)
        )
    )


def _set_roles(person: Person, roles: Iterable[Role]) -> None:
    wanted = set(roles)
    if wanted != set(person.roles):
        person.role_grants = [PersonRole(role=role.value) for role in sorted(wanted)]


def _lapse(session: Session, change: RoleChange) -> None:
    change.status = "lapsed"
    record(
        session,
        actor=None,
        action="roles.change_lapsed",
        object_type="role_change",
        object_id=change.id,
        details=_facts(change),
    )


@dataclass(frozen=True)
class DueRun:
    lapsed: int
    applied: int


def run_due(session: Session, *, on: date | None = None) -> DueRun:
    """Daily: lapse proposals nobody approved in time, and apply approved changes whose
    date has come (a new Mayor from the annual meeting)."""
    day = on or today()
    lapsed = applied = 0
    for change in _changes(session, RoleChange.status == "pending", RoleChange.lapses_on < day):
        _lapse(session, change)
        lapsed += 1
    for change in _changes(session, RoleChange.status == "approved", RoleChange.effective_on <= day):
        _apply(session, change)
        applied += 1
    session.flush()
    return DueRun(lapsed, applied)


def _changes(session: Session, *conditions: ColumnElement[bool]) -> list[RoleChange]:
    return list(
        session.scalars(
            select(RoleChange)
            .options(
                selectinload(RoleChange.person).selectinload(Person.role_grants),
                selectinload(RoleChange.proposed_by),
            )
            .where(*conditions)
            .order_by(RoleChange.id)
        )
    )


def open_changes(session: Session) -> list[RoleChange]:
    """Proposals still waiting (and not yet lapsed), and approved ones waiting for their date."""
    return [
        change
        for change in _changes(session, RoleChange.status.in_(("pending", "approved")))
        if change.status == "approved" or today() <= change.lapses_on
    ]


def awaiting_approval_by(session: Session, person: Person) -> list[RoleChange]:
    """The proposals this person may approve: their home-page tasks."""
    if not holds_privileged_role(person):
        return []
    return [
        change
        for change in open_changes(session)
        if change.status == "pending" and person.id not in (change.person_id, change.proposed_by_id)
    ]


def privileged_holders(session: Session) -> list[Person]:
    return _privileged_holders(session)


def privileged_holders_by_role(
    session: Session, holders: list[Person] | None = None
) -> dict[Role, list[Person]]:
    everyone = _privileged_holders(session) if holders is None else holders
    return {role: [p for p in everyone if role in p.roles] for role in sorted(PRIVILEGED_ROLES)}
