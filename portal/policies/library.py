"""The policy library: policies, drafting, publishing and archiving versions.

A published wording is evidence: people signed exactly that text. So a published
version is never edited; a correction is a new version (Networking Policy, Scope:
breaches are measured against what the person signed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person, Role
from portal.policies.models import ChangeKind, Policy, PolicySection, PolicyVersion, VersionStatus
from portal.policies.parsing import ParsedPolicy, PolicyTextError, parse_policy_text
from portal.policies.scope import FIRST_DRAFT_SCOPE, Scope


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get_policy(session: Session, slug: str) -> Policy:
    policy = session.scalar(select(Policy).options(selectinload(Policy.versions)).where(Policy.slug == slug))
    if policy is None:
        raise NotFound("No such policy")
    return policy


def list_policies(session: Session) -> list[Policy]:
    return list(session.scalars(select(Policy).options(selectinload(Policy.versions)).order_by(Policy.title)))


def get_version(session: Session, policy: Policy, version_id: int) -> PolicyVersion:
    version = session.scalar(
        select(PolicyVersion)
        .options(selectinload(PolicyVersion.sections))
        .where(PolicyVersion.id == version_id, PolicyVersion.policy_id == policy.id)
    )
    if version is None:
        raise NotFound("No such version of this policy")
    return version


def published_history(policy: Policy) -> list[PolicyVersion]:
    """Every version that was ever published, oldest first."""
    history = [v for v in policy.versions if v.published_at is not None]
    return sorted(history, key=lambda v: (v.published_at, v.id))


def current_version(policy: Policy) -> PolicyVersion | None:
    """The version people sign now: the newest one still published."""
    live = [v for v in published_history(policy) if v.status == VersionStatus.PUBLISHED]
    return live[-1] if live else None


def signature_baseline(policy: Policy, version: PolicyVersion) -> PolicyVersion:
    """The material version whose signature `version` still relies on.

    A minor version needs no new signature, so a signature of the latest material
    version (or of any minor version after it) counts for it. A policy's first
    version always needs signing, whatever kind it was recorded as. (The council's
    own rule: the policies do not say when staff must sign again.)
    """
    history = published_history(policy)
    baseline = history[0]
    for candidate in history:
        if candidate.is_material:
            baseline = candidate
        if candidate.id == version.id:
            break
    return baseline


def scope_for_next_draft(policy: Policy) -> Scope:
    """Whom a new draft binds until the Clerk says otherwise: the scope of the version it
    will replace (the current one, else the newest), since a new wording usually binds the
    same people; a policy's first version starts from FIRST_DRAFT_SCOPE. The Clerk confirms
    or changes it on the draft (Networking Policy, Scope: who is bound is each wording's)."""
    previous = current_version(policy) or max(policy.versions, key=lambda v: v.id, default=None)
    return Scope.of_version(previous) if previous is not None else FIRST_DRAFT_SCOPE


# Creating and drafting -----------------------------------------------------------


@dataclass
class PolicyDetails:
    slug: str
    title: str
    owner_role: Role


def create_policy(session: Session, actor: Person | None, details: PolicyDetails) -> Policy:
    """Add a policy to the library, under a short name of its own. Whom it binds is said
    by each of its versions, as each wording's Scope does (Networking Policy, Scope)."""
    if session.scalar(select(Policy).where(Policy.slug == details.slug)) is not None:
        raise DomainError("There is already a policy with that short name", field="slug")
    policy = Policy(
        slug=details.slug,
        title=details.title.strip(),
        owner_role=details.owner_role.value,
        versions=[],
    )
    session.add(policy)
    session.flush()
    record(
        session,
        actor=actor,
        action="policies.created",
        object_type="policy",
        object_id=policy.id,
        details={"slug": policy.slug, "title": policy.title},
    )
    return policy


@dataclass
class VersionDetails:
    label: str
    effective_date: date
    body: str
    change_kind: ChangeKind
    change_summary: str
    adopted_minute: str
    review_due: date
    scope: Scope


def _parse_body(details: VersionDetails, policy: Policy) -> ParsedPolicy:
    try:
        return parse_policy_text(details.body, fallback_title=policy.title)
    except PolicyTextError as error:
        raise DomainError(str(error), field="body") from error


def _check_version_details(
    session: Session, policy: Policy, details: VersionDetails, version_id: int | None
) -> None:
    """Each version has a label of its own within the policy and a review date after it
    takes effect: the council's own housekeeping, so that evidence names one wording. It
    binds at least one group of people, as every policy's Scope names someone."""
    if not details.label.strip():
        raise DomainError("Enter a label for the version, like 2026.1", field="label")
    clash = session.scalar(
        select(PolicyVersion.id).where(
            PolicyVersion.policy_id == policy.id, PolicyVersion.label == details.label
        )
    )
    if clash is not None and clash != version_id:
        raise DomainError(f"This policy already has a version labelled {details.label}", field="label")
    if details.review_due <= details.effective_date:
        raise DomainError(
            "The review date must be after the date the version takes effect", field="review_due"
        )
    if not details.scope.engagements:
        raise DomainError("Choose at least one group of people who must sign it", field="engagements")


def _apply_text(version: PolicyVersion, parsed: ParsedPolicy) -> None:
    text = parsed.to_markdown()
    version.body_markdown = text
    version.content_sha256 = sha256_text(text)
    version.sections = [
        PolicySection(position=n, section_id=s.id, heading=s.heading, body_markdown=s.body)
        for n, s in enumerate(parsed.sections)
    ]


def draft_version(
    session: Session, actor: Person | None, policy: Policy, details: VersionDetails
) -> PolicyVersion:
    """Save a new draft. Its text must divide into numbered sections, because quiz
    questions and evidence cite a policy by section (as in "Networking Policy 3.2");
    the council's own rule for its library."""
    _check_version_details(session, policy, details, None)
    parsed = _parse_body(details, policy)
    version = PolicyVersion(
        policy_id=policy.id,
        label=details.label.strip(),
        effective_date=details.effective_date,
        change_kind=details.change_kind.value,
        change_summary=details.change_summary.strip(),
        adopted_minute=details.adopted_minute.strip(),
        review_due=details.review_due,
        status=VersionStatus.DRAFT.value,
        created_by_id=actor.id if actor else None,
    )
    details.scope.store_on(version)
    _apply_text(version, parsed)
    policy.versions.append(version)
    _audit_version(
        session,
        actor,
        version,
        "version_drafted",
        {
            "policy": policy.slug,
            "label": version.label,
            "sha256": version.content_sha256,
            "sections": [s.id for s in parsed.sections],
            **details.scope.as_details(),
        },
    )
    return version


def update_draft(
    session: Session, actor: Person, policy: Policy, version: PolicyVersion, details: VersionDetails
) -> None:
    """Only a draft can change, its scope with its text. Published text is evidence and
    stays as it was signed, and so does whom it binds (the council's own rule: a breach is
    measured against the wording the person signed, Networking Policy, Scope)."""
    if not version.is_draft:
        raise DomainError("A published or archived version cannot be changed. Draft a new version instead")
    _check_version_details(session, policy, details, version.id)
    parsed = _parse_body(details, policy)
    version.label = details.label.strip()
    version.effective_date = details.effective_date
    version.change_kind = details.change_kind.value
    version.change_summary = details.change_summary.strip()
    version.adopted_minute = details.adopted_minute.strip()
    version.review_due = details.review_due
    details.scope.store_on(version)
    # The old sections go first: the unit of work inserts before it deletes, and the
    # new ones usually keep the same section numbers (unique within a version).
    version.sections.clear()
    session.flush()
    _apply_text(version, parsed)
    _audit_version(
        session,
        actor,
        version,
        "version_edited",
        {"label": version.label, "sha256": version.content_sha256, **details.scope.as_details()},
    )


def _audit_version(
    session: Session, actor: Person | None, version: PolicyVersion, what: str, details: dict[str, object]
) -> None:
    session.flush()  # the version's id, and its changes, before the event names them
    record(
        session,
        actor=actor,
        action=f"policies.{what}",
        object_type="policy_version",
        object_id=version.id,
        details=details,
    )


def publish_version(
    session: Session, actor: Person, policy: Policy, version: PolicyVersion
) -> PolicyVersion | None:
    """Publish a draft; the version it replaces is archived. Returns the replaced version.

    Only a draft can be published, and only once the minute of the meeting that adopted
    it is recorded (the council's own rule). Publishing is the Town Clerk's alone (access
    rule `publish_policy_version`). See publishing.py for publishing with the email.
    """
    if not version.is_draft:
        raise DomainError("Only a draft can be published")
    if not version.adopted_minute:
        raise DomainError("Record the minute that adopted this version before publishing it")
    previous = current_version(policy)
    now = utcnow()
    if previous is not None:
        previous.status = VersionStatus.ARCHIVED.value
        previous.archived_at = now
    version.status = VersionStatus.PUBLISHED.value
    version.published_at = now
    version.published_by_id = actor.id
    _audit_version(
        session,
        actor,
        version,
        "version_published",
        {
            "policy": policy.slug,
            "label": version.label,
            "sha256": version.content_sha256,
            "change_kind": version.change_kind,
            "replaces": previous.label if previous else None,
            **Scope.of_version(version).as_details(),
        },
    )
    return previous


def archive_version(session: Session, actor: Person, policy: Policy, version: PolicyVersion) -> None:
    """Withdraw a version, once. An archived draft is abandoned; an archived current
    version means the policy is no longer in force and nobody is asked to sign it (the
    council's own rule)."""
    if version.status == VersionStatus.ARCHIVED:
        raise DomainError("This version is already archived")
    version.status = VersionStatus.ARCHIVED.value
    version.archived_at = utcnow()
    _audit_version(
        session, actor, version, "version_archived", {"policy": policy.slug, "label": version.label}
    )


def import_version(
    session: Session,
    actor: Person | None,
    *,
    slug: str,
    label: str,
    text: str,
    material: bool,
    title: str | None = None,
    adopted_minute: str = "",
    effective: date | None = None,
    publish: bool = False,
    scope: Scope | None = None,
) -> PolicyVersion:
    """Import a document as a new draft (or published) version; creates the policy if new.

    The text is parsed before anything is written, so a garbled file creates nothing.
    Without a scope the version binds whom a draft from the pages would by default (see
    `scope_for_next_draft`); publishing needs an actor, as publishing from the pages does.
    """
    try:
        parsed = parse_policy_text(text, fallback_title=title)
    except PolicyTextError as error:
        raise DomainError(str(error)) from error
    policy = session.scalar(select(Policy).options(selectinload(Policy.versions)).where(Policy.slug == slug))
    if policy is None:
        policy = create_policy(
            session,
            actor,
            PolicyDetails(slug=slug, title=title or parsed.title, owner_role=Role.TOWN_CLERK),
        )
    effective = effective or utcnow().date()
    version = draft_version(
        session,
        actor,
        policy,
        VersionDetails(
            label=label,
            effective_date=effective,
            body=parsed.to_markdown(),
            change_kind=ChangeKind.MATERIAL if material else ChangeKind.MINOR,
            change_summary="Imported from " + (title or parsed.title),
            adopted_minute=adopted_minute,
            review_due=date(effective.year + 1, effective.month, min(effective.day, 28)),
            scope=scope or scope_for_next_draft(policy),
        ),
    )
    if publish:
        if actor is None:
            raise DomainError("Publishing needs the Town Clerk")
        publish_version(session, actor, policy, version)
    return version
