"""The demo council's two policies, who has signed them, and its corporate channels."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.people.models import EngagementType, Person, Role
from portal.policies.models import ChangeKind, Policy, PolicyVersion

from .council import DEMO_PASSWORD, demo_email

POLICY_TEXTS = Path(__file__).parent.parent / "policies" / "demo_texts"

DEMO_POLICIES = (
    # slug, file, does its first version bind councillors too? The Networking Policy's Scope
    # names no councillors; the demo council applies the Communication Policy, written for
    # councillors and officers, to everyone who works for it. Recorded on each version.
    ("social-media-networking", "social-media-networking.md", False),
    ("social-media-electronic-communication", "social-media-electronic-communication.md", True),
)
# Demo people who have already signed, so the status pages have something to show.
ALREADY_SIGNED = ("clerk", "deputy", "hr", "finance.manager", "grace.thornton")


def publish_policies(session: Session) -> list[tuple[Policy, PolicyVersion]]:
    """The council's two policies in the project's own words, published by the Town Clerk;
    the ones published now, for `sign_policies`."""
    from portal.policies import service as policies

    clerk = session.scalar(select(Person).where(Person.email == demo_email("clerk")))
    if clerk is None:
        return []
    published = []
    for slug, filename, councillors in DEMO_POLICIES:
        if session.scalar(select(Policy.id).where(Policy.slug == slug)) is not None:
            continue
        text = (POLICY_TEXTS / filename).read_text(encoding="utf-8")
        engagements = tuple(e for e in EngagementType if councillors or e != EngagementType.COUNCILLOR)
        policy = policies.create_policy(
            session,
            clerk,
            policies.PolicyDetails(
                slug=slug, title=text.splitlines()[0].lstrip("# ").strip(), owner_role=Role.TOWN_CLERK
            ),
        )
        version = policies.draft_version(
            session,
            clerk,
            policy,
            policies.VersionDetails(
                label="2026.1",
                effective_date=date(2026, 4, 1),
                body=text,
                change_kind=ChangeKind.MATERIAL,
                change_summary="First version of the policy in the portal.",
                adopted_minute="Full Council, 12 March 2026, minute 2026/041",
                review_due=date(2027, 3, 31),
                scope=policies.Scope(engagements),
            ),
        )
        policies.publish_version(session, clerk, policy, version)
        published.append((policy, version))
    return published


def sign_policies(session: Session, published: list[tuple[Policy, PolicyVersion]]) -> None:
    """The people in ALREADY_SIGNED sign the versions just published, where they bind them."""
    from portal.policies.service import applies_to

    for local in ALREADY_SIGNED:
        person = session.scalar(
            select(Person).options(selectinload(Person.role_grants)).where(Person.email == demo_email(local))
        )
        for policy, version in published:
            if person is not None and applies_to(version, person):
                sign_as(session, person, policy, version)


def sign_as(session: Session, person: Person, policy: Policy, version: PolicyVersion) -> None:
    """The person signs as they would on the policy's page, with the demo password."""
    from portal.policies.signing import RequestDetails, sign

    sign(
        session,
        person,
        policy,
        version_id=version.id,
        password=DEMO_PASSWORD,
        typed_name=person.name,
        confirmed=True,
        request=RequestDetails(ip_address="127.0.0.1"),
    )


# The council's corporate channels, each with the minute of the meeting that set it up.
DEMO_CHANNELS = (
    (
        "website",
        "Ashcombe Town Council website",
        "https://www.ashcombe-tc.example/",
        "Minute 14/032, Council meeting 13 January 2014",
    ),
    (
        "facebook",
        "Ashcombe Town Council",
        "https://www.facebook.com/ashcombe-tc.example",
        "Minute 17/088, Council meeting 14 March 2017",
    ),
    ("x", "@AshcombeTC", "https://x.com/ashcombe-tc-example", "Minute 19/121, Council meeting 14 May 2019"),
)


def load_channels(session: Session) -> None:
    """The council's three corporate channels (Communication Policy, introduction), and
    their bases where a demo council loaded before revision 0019 has none."""
    from portal.authorisations.models import Channel
    from portal.authorisations.service import add_channel, record_basis

    existing = {channel.name: channel for channel in session.scalars(select(Channel))}
    for platform, name, url, basis in DEMO_CHANNELS:
        if not existing:
            add_channel(session, None, platform=platform, name=name, url=url, basis=basis)
        elif name in existing and existing[name].needs_basis:
            record_basis(session, None, existing[name], basis)
