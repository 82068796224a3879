"""The register of the council's own social media channels.

The Communication Policy (introduction) names the council's website, Facebook page and
Twitter account, and expects more channels over time; an authorisation to post
(Networking Policy 3.2) is always for channels in this register. Channels are added by
hand or when a department's business case is approved (Networking Policy 3.4).
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


def get_channel(session: Session, channel_id: int) -> Channel:
    found = session.get(Channel, channel_id)
    if found is None:
        raise NotFound("No such channel")
    return found


def add_channel(
    session: Session, actor: Person | None, *, platform: str, name: str, url: str, department_id: int | None
) -> Channel:
    """Add a channel to the register, so that authorisations can name it. The council's
    own rule: a known platform, a name, and a web address that anyone checking the
    register can open (the channels themselves: Communication Policy, introduction)."""
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
    )
    session.add(channel)
    session.flush()
    record(
        session,
        actor=actor,
        action="authorisations.channel_added",
        object_type="channel",
        object_id=channel.id,
        details={"platform": platform, "name": channel.name, "url": channel.url},
    )
    return channel


def retire_channel(session: Session, actor: Person, channel: Channel) -> None:
    """Take a channel out of use: it stays in the register, for the authorisations that
    named it, but no new request can name it. Retiring twice changes nothing (the
    council's own rule)."""
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
