"""Policies that stay current: each version in force is reviewed by its review date.

Neither policy sets a review cycle; the date is the council's own, recorded on every
version when it is drafted and required before publication (library.py). When it comes,
the Town Clerk (who alone publishes, access rule `publish_policy_version`) has a task on
the home page until a new version is published, and an email once; the compliance
overview lists the policy as due for review. A review ends the way any change to a
policy does: the re-adopted wording is published as a new version (minor when nothing
people must do has changed, so nobody signs again), with the minute that adopted it and
its next review date. A published version is never edited, so there is no "reviewed"
flag to set on the old one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy.orm import Session

from portal.access import can
from portal.clock import today as clock_today
from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person, Role
from portal.people.service import active_holders
from portal.policies.library import current_version, list_policies
from portal.policies.models import Policy, PolicyVersion
from portal.tasks import Task


@dataclass(frozen=True)
class ReviewDue:
    """A policy whose version in force has reached its review date."""

    policy: Policy
    version: PolicyVersion

    @property
    def due(self) -> date:
        return self.version.review_due


def reviews_due(policies: Iterable[Policy], on: date) -> list[ReviewDue]:
    """Each policy (versions loaded) whose version in force is due for review on `on`:
    from its review date onwards, as a business case's periodic review is. Soonest first.
    A policy with no version in force has nothing to review."""
    found = []
    for policy in policies:
        version = current_version(policy)
        if version is not None and version.review_due <= on:
            found.append(ReviewDue(policy, version))
    return sorted(found, key=lambda review: (review.due, review.policy.title))


def policies_due_for_review(session: Session, on: date | None = None) -> list[ReviewDue]:
    return reviews_due(list_policies(session), on or clock_today())


def town_clerks(session: Session) -> list[Person]:
    """Everyone still with the council who holds the Town Clerk's role: who publishes a
    policy, and so who is asked to review one."""
    return active_holders(session, Role.TOWN_CLERK)


def review_tasks(session: Session, person: Person) -> list[Task]:
    """The Town Clerk: each policy due for review, until its new version is published."""
    if not can(person, "publish_policy_version"):
        return []
    on = clock_today()
    return [
        Task(
            f"Review the {review.policy.title}: version {review.version.label} is due for review",
            url_for("policies.versions", slug=review.policy.slug),
            review.due,
            overdue=review.due < on,
        )
        for review in policies_due_for_review(session, on)
    ]


def review_notices(session: Session, today: date) -> Counter[str]:
    """The daily run (a notice source): each Town Clerk is emailed once per version that
    reaches its review date; the dedupe key names the version, so a new version with a
    new date is announced again when its turn comes."""
    counts: Counter[str] = Counter()
    due = policies_due_for_review(session, today)
    clerks = town_clerks(session) if due else []
    for review in due:
        title, label = review.policy.title, review.version.label
        message = Message(
            f"The {title} is due for review",
            [
                f"Version {label} of the {title} was to be reviewed by {day_text(review.due)}.",
                "Take it to the council, then publish the wording it adopts as a new version, with "
                "the minute and the next review date. A minor version needs no new signatures.",
            ],
            "See the policy's versions",
            portal_path("policies.versions", slug=review.policy.slug),
        )
        for clerk in clerks:
            if queue(
                session,
                clerk,
                "policy_review_due",
                message,
                dedupe_key=f"policy-review:{review.version.id}:{clerk.id}",
            ):
                counts["policy reviews"] += 1
    return counts
