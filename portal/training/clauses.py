"""The text of the policy clauses that questions cite, for feedback after a quiz."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.policies.models import PolicySection
from portal.policies.service import current_version, load_policies
from portal.templating import render_markdown
from portal.training.models import QuestionVersion


@dataclass(frozen=True)
class Clause:
    policy_title: str
    label: str
    html: Markup
    href: str


def cited_clauses(session: Session, questions: list[QuestionVersion]) -> dict[tuple[str, str], Clause]:
    """(policy slug, section id) -> the clause in the policy's current wording, in two queries."""
    wanted = {(c["policy"], str(c["section"])) for q in questions for c in q.content.get("citations", [])}
    policies = {p.slug: p for p in load_policies(session) if p.slug in {slug for slug, _ in wanted}}
    versions = {v.id: p for p in policies.values() if (v := current_version(p)) is not None}
    found: dict[tuple[str, str], Clause] = {}
    if not versions:
        return found
    for section in session.scalars(select(PolicySection).where(PolicySection.version_id.in_(versions))):
        policy = versions[section.version_id]
        key = (policy.slug, section.section_id)
        if key in wanted:
            found[key] = Clause(
                policy.title,
                section.label,
                Markup(render_markdown(section.body_markdown)),  # noqa: S704 (rendered safely)
                f"/policies/{policy.slug}#{section.anchor}",
            )
    return found
