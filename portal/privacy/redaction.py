"""Other people named in a subject access export, found so that HR can decide what to
redact before it is handed over (UK GDPR Art. 15(4); Data Protection Act 2018, Schedule 2,
paragraph 16: another person's data is withheld where disclosing it would affect their
rights, unless they consent or it is reasonable to disclose it without their consent)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.people.models import Person


@dataclass(frozen=True)
class Mention:
    name: str
    where: list[str]  # paths into the export, as "disciplinary_records[0].allegation"


_WORD = re.compile(r"\w+")


def texts(value: Any, path: str) -> list[tuple[str, str]]:
    """Every string in the export with its path, however deep: a section added later is
    searched without anyone remembering to list it."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for key, v in value.items() for item in texts(v, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in texts(v, f"{path}[{i}]")]
    return []


def third_party_mentions(session: Session, person: Person, content: dict[str, Any]) -> list[Mention]:
    """Other people named anywhere in the export, whole names only, and where: their data
    is withheld where handing it over would affect their rights (UK GDPR Art. 15(4);
    Data Protection Act 2018, Schedule 2, paragraph 16), and HR decides what to redact."""
    names = {n for n in session.scalars(select(Person.name).where(Person.id != person.id)) if n.strip()}
    found = [(path, text) for path, text in texts(content, "") if not path.startswith("profile")]
    # Each word of the export is looked up among the names that start with it, rather than
    # every name searched for in every text: a council of thousands costs one pass.
    by_first_word: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        folded = name.casefold()
        first = _WORD.search(folded)
        if first is not None:
            by_first_word.setdefault(first.group(0), []).append((name, folded))
    where: dict[str, list[str]] = {}
    for path, text in found:
        folded = text.casefold()
        for word in _WORD.finditer(folded):
            for name, wanted in by_first_word.get(word.group(0), ()):
                end = word.start() + len(wanted)
                whole = end == len(folded) or not _WORD.match(folded, end)
                if whole and folded.startswith(wanted, word.start()):
                    paths = where.setdefault(name, [])
                    if not paths or paths[-1] != path:
                        paths.append(path)
    return [Mention(name, where[name]) for name in sorted(where)]


def mark_names(text: str, names: list[str]) -> Markup:
    """The text, escaped, with each third party's name wrapped in <mark> for redaction."""
    if not names:
        return Markup(escape(text))  # noqa: S704 (escaped)
    pattern = re.compile(
        "|".join(rf"\b{re.escape(n)}\b" for n in sorted(names, key=len, reverse=True)), re.IGNORECASE
    )
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [str(escape(text[last : match.start()])), f"<mark>{escape(match.group(0))}</mark>"]
        last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))  # noqa: S704 (every piece is escaped)
