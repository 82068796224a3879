"""Word-level differences between two texts, marked up with <ins> and <del>."""

from __future__ import annotations

import difflib

from markupsafe import Markup, escape


def word_diff(old: str, new: str) -> Markup:
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
