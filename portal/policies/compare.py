"""Comparing two versions of a policy: whom each binds, and its text section by section."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from portal.policies.models import PolicySection, PolicyVersion
from portal.policies.scope import Scope
from portal.textdiff import word_diff


@dataclass(frozen=True)
class SectionChange:
    section_id: str
    heading: str
    kind: str  # "added", "removed", "changed" or "unchanged"
    diff: Markup  # the text with <ins> and <del> marking what changed


def compare_versions(older: PolicyVersion, newer: PolicyVersion) -> list[SectionChange]:
    before = {s.section_id: s for s in older.sections}
    after = {s.section_id: s for s in newer.sections}
    order = [s.section_id for s in newer.sections] + [
        s.section_id for s in older.sections if s.section_id not in after
    ]
    changes = []
    for section_id in order:
        old: PolicySection | None = before.get(section_id)
        new: PolicySection | None = after.get(section_id)
        if old is None and new is not None:
            changes.append(SectionChange(section_id, new.heading, "added", word_diff("", new.body_markdown)))
        elif new is None and old is not None:
            changes.append(
                SectionChange(section_id, old.heading, "removed", word_diff(old.body_markdown, ""))
            )
        elif old is not None and new is not None:
            same = old.body_markdown == new.body_markdown and old.heading == new.heading
            changes.append(
                SectionChange(
                    section_id,
                    new.heading,
                    "unchanged" if same else "changed",
                    word_diff(old.body_markdown, new.body_markdown),
                )
            )
    return changes


@dataclass(frozen=True)
class ScopeChange:
    """How who must sign differs from one version to another, for the comparison page."""

    older: Scope
    newer: Scope

    @property
    def changed(self) -> bool:
        return self.older != self.newer

    @property
    def now_binds(self) -> list[str]:
        return [e.label for e in self.newer.engagements if e not in self.older.engagements]

    @property
    def no_longer_binds(self) -> list[str]:
        return [e.label for e in self.older.engagements if e not in self.newer.engagements]

    @property
    def roles_changed(self) -> bool:
        return self.older.roles != self.newer.roles


def compare_scopes(older: PolicyVersion, newer: PolicyVersion) -> ScopeChange:
    return ScopeChange(Scope.of_version(older), Scope.of_version(newer))
