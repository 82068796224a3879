"""The register of the council's own social media channels.

The Communication Policy (introduction) names the council's website, Facebook page and
Twitter account, and expects more channels over time; an authorisation to post
(Networking Policy 3.2) is always for channels in this register. Each channel records
why it is there. A department's own channel enters only when its business case is
approved (Networking Policy 3.4: `add_case_channel`); the council's corporate channels
are added by hand with the council's decision, its resolution or minute reference
(`add_channel`). Every channel that joins or leaves asks the Town Clerk to review the
policy that lists them (channels_policy.py).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person

from .models import PLATFORMS, Channel

# Who moderates each channel, in lines for the channels page ("Monday: A, cover B"...). The
# moderation plans belong to business cases (Networking Policy 3.4), which add their
# source here: that package calls this one, so this one must not import it back.
ModeratorSource = Callable[[Session], dict[int, list[str]]]
MODERATOR_SOURCES: list[ModeratorSource] = []


def moderators_by_channel(session: Session) -> dict[int, list[str]]:
    """channel id -> its moderation rota, from every registered source."""
    found: dict[int, list[str]] = {}
    for source in MODERATOR_SOURCES:
        found.update(source(session))
    return found


def active_channels(session: Session) -> list[Channel]:
    return list(session.scalars(select(Channel).where(Channel.status == "active").order_by(Channel.name)))


def all_channels(session: Session) -> list[Channel]:
    return list(
        session.scalars(select(Channel).options(selectinload(Channel.department)).order_by(Channel.name))
    )


def channels_needing_basis(session: Session) -> list[Channel]:
    """Active channels registered before revision 0019 with no recorded basis."""
    return list(
        session.scalars(
            select(Channel)
            .where(Channel.status == "active", Channel.basis_kind == "not_recorded")
            .order_by(Channel.name)
        )
    )


def get_channel(session: Session, channel_id: int) -> Channel:
    found = session.get(Channel, channel_id)
    if found is None:
        raise NotFound("No such channel")
    return found


BASIS_EXAMPLE = "“Minute 23/145, Council meeting 12 March 2024”"
BASIS_LENGTH = 200


def checked_basis(basis: str) -> str:
    """The council's decision to run a corporate channel, as a reference to its record:
    one line, naming the minute or resolution by its number. It is a reference, not an
    account of the decision (the minutes hold that), which is why the audit trail may
    keep it."""
    text = basis.strip()
    if not text:
        raise DomainError(
            f"Enter the council resolution or minute reference, for example {BASIS_EXAMPLE}", field="basis"
        )
    if any(not character.isprintable() for character in text):
        raise DomainError("Give the reference on one line", field="basis")
    if len(text) > BASIS_LENGTH:
        raise DomainError(f"Keep the reference to {BASIS_LENGTH} characters or fewer", field="basis")
    if not any(character.isdigit() for character in text):
        raise DomainError(
            f"Include the minute or resolution number, for example {BASIS_EXAMPLE}", field="basis"
        )
    return text


def _add(
    session: Session,
    actor: Person | None,
    where: tuple[str, str, str],
    *,
    department_id: int | None,
    basis_kind: str,
    basis: str,
    facts: dict[str, object],
) -> Channel:
    """A channel at `where` (platform, name, web address), with why it is there. The
    council's own rule: a known platform, a name, and a web address that anyone checking
    the register can open (the channels themselves: Communication Policy, introduction)."""
    platform, name, url = where
    if platform not in PLATFORMS:
        raise DomainError("Choose the platform from the list", field="platform")
    if not name.strip():
        raise DomainError("Enter the channel's name or handle", field="name")
    if not url.startswith(("https://", "http://")):
        raise DomainError("Enter the channel's web address, starting https://", field="url")
    channel = Channel(
        platform=platform,
        name=name.strip(),
        url=url.strip(),
        department_id=department_id,
        status="active",
        created_at=utcnow(),
        basis_kind=basis_kind,
        basis=basis,
    )
    session.add(channel)
    session.flush()
    record(
        session,
        actor=actor,
        action="authorisations.channel_added",
        object_type="channel",
        object_id=channel.id,
        details={
            "platform": platform,
            "name": channel.name,
            "url": channel.url,
            "basis_kind": basis_kind,
            **facts,
        },
    )
    return channel


def add_channel(
    session: Session, actor: Person | None, *, platform: str, name: str, url: str, basis: str
) -> Channel:
    """Add one of the council's corporate channels, so that authorisations can name it.
    It belongs to no department: a department's own account enters only through an
    approved business case (Networking Policy 3.4, `add_case_channel`). Its basis is the
    council's decision, as its resolution or minute reference."""
    reference = checked_basis(basis)
    return _add(
        session,
        actor,
        (platform, name, url),
        department_id=None,
        basis_kind="council_resolution",
        basis=reference,
        facts={"basis": reference},
    )


def add_case_channel(
    session: Session,
    actor: Person,
    *,
    platform: str,
    name: str,
    url: str,
    department_id: int,
    case_reference: str,
) -> Channel:
    """Add a department's own channel on the approval of its business case (Networking
    Policy 3.4). Only the approval of a case calls this (business_cases.review); the
    case is the channel's basis."""
    return _add(
        session,
        actor,
        (platform, name, url),
        department_id=department_id,
        basis_kind="business_case",
        basis=f"Business case {case_reference}",
        facts={"department_id": department_id, "business_case": case_reference},
    )


def record_basis(session: Session, actor: Person | None, channel: Channel, basis: str) -> None:
    """Record the council's decision behind a channel that is not a business case's: a
    corporate channel, or one registered before revision 0019 with no basis (Networking
    Policy 3.4 leaves the council's own channels to the council). Recording the same
    reference again changes nothing."""
    if not channel.basis_may_be_recorded:
        raise DomainError("This channel's basis is its approved business case")
    reference = checked_basis(basis)
    if channel.basis_kind == "council_resolution" and channel.basis == reference:
        return
    replaces = channel.basis_kind
    channel.basis_kind, channel.basis = "council_resolution", reference
    session.flush()
    record(
        session,
        actor=actor,
        action="authorisations.channel_basis_recorded",
        object_type="channel",
        object_id=channel.id,
        details={"basis": reference, "replaces": replaces},
    )


def retire_channel(session: Session, actor: Person, channel: Channel) -> None:
    """Take a channel out of use: it stays in the register, for the authorisations that
    named it, but no new request can name it. Retiring twice changes nothing (the
    council's own rule). Like a channel joining, it asks the Town Clerk to review the
    policy that lists the channels (Communication Policy, introduction: channels_policy.py)."""
    if channel.status == "retired":
        return
    channel.status = "retired"
    session.flush()
    record(
        session,
        actor=actor,
        action="authorisations.channel_retired",
        object_type="channel",
        object_id=channel.id,
    )
