"""Publishing a version from the library's pages: the version goes live, and everyone
who must now sign it is told by email, in the same transaction.

Kept apart from library.py because the telling needs each person's status (status.py),
which is itself worked out from the library.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.people.models import Person
from portal.policies.library import publish_version
from portal.policies.messages import policy_published
from portal.policies.models import Policy, PolicyVersion


def publish_and_announce(
    session: Session, actor: Person, policy: Policy, version: PolicyVersion
) -> PolicyVersion | None:
    """Publish a draft (see `publish_version`: the Town Clerk's alone, with the adopting
    minute on record) and email everyone who must now sign it. The email is queued in the
    outbox with the change, so nobody is told of a version that was not published.
    Returns the version it replaced."""
    previous = publish_version(session, actor, policy, version)
    policy_published(session, policy.slug)
    return previous
