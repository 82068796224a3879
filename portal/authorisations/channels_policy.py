"""Keeping the policy that lists the council's channels in step with the register.

The Communication Policy's introduction names the council's channels and says the
policy will be updated when the council adds to them. So when a channel joins the
register (a corporate one on the council's resolution, a department's on its approved
business case, Networking Policy 3.4) or leaves it, the Town Clerk is asked to review
that policy: a home-page task at once, until a version published after the change is in
force (a review ends in a new version, as any change to a policy does:
portal/policies/reviews.py), and an email once, from the daily run, for each change not
yet dealt with by then. The email waits for the daily run rather than going with the
change: the register's own operations then need no settings or links (other features
and commands call them), and a change the Clerk has dealt with by then is not announced.

Which policy: PORTAL_CHANNELS_POLICY names it by its short name, by default the demo
council's. Policies carry no flag for it (that would be a schema change), and guessing
from a title or the text could quietly pick the wrong one. If the setting names no
policy in the library, the Clerk is still asked, about "the policy that lists the
council's channels", with a pointer to the setting, and the next publication of any
policy ends the task. Nothing is asked while no policy is in force: there is no
wording to bring up to date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.access import can
from portal.audit.models import AuditEvent
from portal.outbox.service import Message, portal_path, queue
from portal.people.models import Person
from portal.policies.models import Policy, PolicyVersion
from portal.policies.service import current_version, list_policies, town_clerks
from portal.tasks import Task

from .models import Channel

# The register's own history: a channel row records when it joined but not when it left,
# so both come from the audit trail, which every change to the register writes.
CHANGE_ACTIONS = {"authorisations.channel_added": True, "authorisations.channel_retired": False}


@dataclass(frozen=True)
class PolicyToReview:
    slug: str  # PORTAL_CHANNELS_POLICY
    policy: Policy | None  # None: the setting names no policy in the library
    version: PolicyVersion  # the wording in force; changes after its publication are new to it

    @property
    def name(self) -> str:
        return f"the {self.policy.title}" if self.policy else "the policy that lists the council's channels"

    @property
    def since(self) -> datetime:
        assert self.version.published_at is not None  # a version in force was published
        return self.version.published_at

    def endpoint(self) -> tuple[str, dict[str, Any]]:  # url_for's values are Any
        """Where the Clerk drafts its next version, or the library when it is not known."""
        if self.policy is None:
            return "policies.index", {}
        return "policies.versions", {"slug": self.policy.slug}

    def unknown_note(self) -> str:
        if self.policy is not None:
            return ""
        return (
            f"PORTAL_CHANNELS_POLICY names '{self.slug}', which is not in the policy library: "
            "set it to the short name of the policy that lists the channels."
        )


@dataclass(frozen=True)
class ChannelChange:
    channel_id: int
    label: str
    joined: bool

    @property
    def words(self) -> str:
        return f"{self.label} {'joined' if self.joined else 'left'} the register"


@dataclass(frozen=True)
class ChannelsReview:
    """The changes to the register that the wording in force has not caught up with."""

    target: PolicyToReview
    changes: list[ChannelChange]

    @property
    def what_changed(self) -> str:
        if len(self.changes) == 1:
            return self.changes[0].words
        return f"{len(self.changes)} changes to the channels register"


def policy_to_review(session: Session) -> PolicyToReview | None:
    """The policy that lists the channels (Communication Policy, introduction), named by
    PORTAL_CHANNELS_POLICY, with its version in force; None when nothing is in force."""
    slug: str = current_app.config["PORTAL_SETTINGS"].channels_policy
    policies = list_policies(session)
    named = next((policy for policy in policies if policy.slug == slug), None)
    if named is not None:
        version = current_version(named)
        return PolicyToReview(slug, named, version) if version is not None else None
    in_force = [version for policy in policies if (version := current_version(policy)) is not None]
    if not in_force:
        return None
    newest = max(in_force, key=lambda version: (version.published_at, version.id))
    return PolicyToReview(slug, None, newest)


def channels_review(session: Session) -> ChannelsReview | None:
    """The register's changes since the policy's wording in force was published, oldest
    first; None when there are none (or nothing is in force)."""
    target = policy_to_review(session)
    if target is None:
        return None
    events = session.execute(
        select(AuditEvent.action, AuditEvent.object_id)
        .where(
            AuditEvent.action.in_(CHANGE_ACTIONS),
            AuditEvent.object_type == "channel",
            AuditEvent.occurred_at > target.since,
        )
        .order_by(AuditEvent.id)
    ).all()
    if not events:
        return None
    ids = {int(object_id) for _, object_id in events if object_id and object_id.isdigit()}
    labels = {
        channel.id: channel.label for channel in session.scalars(select(Channel).where(Channel.id.in_(ids)))
    }
    changes = [
        ChannelChange(
            int(object_id), labels.get(int(object_id), f"Channel {object_id}"), CHANGE_ACTIONS[action]
        )
        for action, object_id in events
        if object_id and object_id.isdigit()
    ]
    return ChannelsReview(target, changes) if changes else None


def channel_change_notices(session: Session, today: date) -> Counter[str]:
    """The daily run (a notice source): each Town Clerk is emailed once about each change
    to the register that the policy's wording in force has not caught up with. A change
    the Clerk has already dealt with (a version published since) is not announced."""
    counts: Counter[str] = Counter()
    review = channels_review(session)
    if review is None:
        return counts
    target = review.target
    endpoint, values = target.endpoint()
    clerks = town_clerks(session)
    for change in review.changes:
        paragraphs = [
            f"{change.words}. Please review {target.name}, which lists the council's channels, and "
            "publish an updated version with the minute that adopts it.",
        ]
        if note := target.unknown_note():
            paragraphs.append(note)
        message = Message(
            f"Review {target.name}: {change.words}",
            paragraphs,
            "See the policy",
            portal_path(endpoint, **values),
        )
        event = "joined" if change.joined else "left"
        for clerk in clerks:
            if queue(
                session,
                clerk,
                "channels_policy_review",
                message,
                dedupe_key=f"channels-policy:{change.channel_id}:{event}:{clerk.id}",
            ):
                counts["channel changes"] += 1
    return counts


def review_tasks(session: Session, person: Person) -> list[Task]:
    """The Town Clerk, who alone publishes a policy: review the policy that lists the
    channels, until a version published after the changes is in force."""
    if not can(person, "publish_policy_version"):
        return []
    review = channels_review(session)
    if review is None:
        return []
    endpoint, values = review.target.endpoint()
    return [Task(f"Review {review.target.name}: {review.what_changed}", url_for(endpoint, **values))]
