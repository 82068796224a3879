"""Comparing two versions of a policy section by section."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from markupsafe import Markup, escape

from portal.policies.models import PolicySection, PolicyVersion


@dataclass(frozen=True)
class SectionChange:
    section_id: str
    heading: str
    kind: str  # "added", "removed", "changed" or "unchanged"
    diff: Markup  # the text with <ins> and <del> marking what changed


def _word_diff(old: str, new: str) -> Markup:
    old_words, new_words = old.split(" "), new.split(" ")
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(str(escape(" ".join(old_words[a1:a2]))))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return Markup(" ".join(parts))  # noqa: S704 (every piece above is escaped)


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
            changes.append(SectionChange(section_id, new.heading, "added", _word_diff("", new.body_markdown)))
        elif new is None and old is not None:
            changes.append(
                SectionChange(section_id, old.heading, "removed", _word_diff(old.body_markdown, ""))
            )
        elif old is not None and new is not None:
            same = old.body_markdown == new.body_markdown and old.heading == new.heading
            changes.append(
                SectionChange(
                    section_id,
                    new.heading,
                    "unchanged" if same else "changed",
                    _word_diff(old.body_markdown, new.body_markdown),
                )
            )
    return changes
