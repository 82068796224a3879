"""Turning a policy document into numbered sections.

Councils write policies in Word and paste them as plain text, so besides Markdown
(`## 3.2 Heading`) this understands:
- numbered headings on a line of their own: "3.2 Private use of Social Media:";
- capitalised headings: "PURPOSE", "SCOPE";
- bullets written as "-", "•" or "*".

Whatever comes in, the stored text is normalised Markdown: a `# Title` line and
one `## ` heading per section. Its SHA-256 is the version's fingerprint, and
parsing it again always gives the same sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.templating import render_markdown  # noqa: F401 (re-exported for the policy pages)

NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)+|\d+)\.?\s+([A-Za-z].{0,78}?)\s*:?\s*$")
MARKDOWN_HEADING = re.compile(r"^#{2,6}\s+(.+?)\s*#*\s*$")
MARKDOWN_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)[-•*▪◦]\s+(.*)$")
INTRODUCTION = "introduction"


class PolicyTextError(ValueError):
    """The text could not be read as a policy; nothing should be created from it."""


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    body: str

    @property
    def anchor(self) -> str:
        return "section-" + re.sub(r"[^a-z0-9]+", "-", self.id.lower()).strip("-")


@dataclass(frozen=True)
class ParsedPolicy:
    title: str
    sections: tuple[Section, ...]

    def to_markdown(self) -> str:
        parts = [f"# {self.title}"]
        for section in self.sections:
            label = (
                section.heading if section.id == slug(section.heading) else f"{section.id} {section.heading}"
            )
            if section.id == INTRODUCTION and section.heading == "Introduction":
                label = "Introduction"
            parts.append(f"## {label}")
            if section.body:
                parts.append(section.body)
        return "\n\n".join(parts) + "\n"

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _split_heading(text: str) -> tuple[str, str]:
    """'3.2 Private use' -> ('3.2', 'Private use'); 'Purpose' -> ('purpose', 'Purpose')."""
    match = NUMBERED_HEADING.match(text)
    if match:
        return match.group(1), match.group(2).strip().rstrip(":").strip()
    heading = text.strip().rstrip(":").strip()
    return slug(heading), heading


def _is_capitalised_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 3
        and len(line) <= 60
        and all(c.isupper() for c in letters)
        and not line.rstrip().endswith((".", ","))
    )


def _check_is_text(raw: str) -> None:
    if not raw.strip():
        raise PolicyTextError("The file is empty")
    if "\x00" in raw:
        raise PolicyTextError(
            "The file is not text (it looks like a Word or PDF file); save it as plain text first"
        )
    printable = sum(1 for c in raw if c.isprintable() or c in "\n\r\t")
    if printable / len(raw) < 0.97:
        raise PolicyTextError("The file is garbled: too much of it is not readable text")


def _normalise_body(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        bullet = BULLET.match(line)
        if bullet:
            indent = "  " if len(bullet.group(1).expandtabs()) >= 1 else ""
            out.append(f"{indent}- {bullet.group(2).strip()}")
        else:
            out.append(line.rstrip())
    text = "\n".join(out).strip("\n")
    # At most one blank line between paragraphs, so the stored text is stable.
    return re.sub(r"\n{3,}", "\n\n", text)


def _is_standalone_title(lines: list[str], index: int) -> bool:
    """A short line on its own between blank lines, like "Video Conferencing e.g. Skype"."""
    line = lines[index].strip()
    before = lines[index - 1].strip() if index > 0 else ""
    after = lines[index + 1].strip() if index + 1 < len(lines) else ""
    words = line.split()
    return (
        bool(line)
        and not before
        and not after
        and line[0].isupper()
        and len(line) <= 80
        and 1 <= len(words) <= 12
        and not any(c.isdigit() for c in line)
        and not line.endswith((":", ";", ",", "!", "?"))
        and (not line.endswith(".") or len(words) <= 6)
        and not BULLET.match(lines[index])
    )


def _strong_heading(line: str) -> str | None:
    stripped = line.strip()
    markdown_heading = MARKDOWN_HEADING.match(stripped)
    if markdown_heading:
        return markdown_heading.group(1)
    if stripped and not line.startswith((" ", "\t")):
        if NUMBERED_HEADING.match(stripped) and not stripped.endswith("."):
            return stripped
        if _is_capitalised_heading(stripped):
            return stripped
    return None


def looks_like_heading(line: str) -> bool:
    """Whether `parse_policy_text` would start a section at this line. The Word import
    uses it to keep a list item or a short capitalised paragraph from becoming a section
    of its own, and to find typed-in headings in a document that has no heading styles."""
    return _strong_heading(line) is not None


def _take_title(lines: list[str]) -> tuple[str | None, list[str]]:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        title_match = MARKDOWN_TITLE.match(stripped)
        if title_match:
            return title_match.group(1), lines[index + 1 :]
        if _strong_heading(line) is None:
            return stripped.rstrip(":"), lines[index + 1 :]
        return None, lines[index:]
    return None, []


def parse_policy_text(raw: str, *, fallback_title: str | None = None) -> ParsedPolicy:
    """Read Markdown or plain text into a title and sections, or raise PolicyTextError.

    Headings are numbered, capitalised or Markdown headings. A document with none
    of those (some councils use plain title-case lines) is split at short lines that
    stand alone between blank lines instead.
    """
    _check_is_text(raw)
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").split("\n")
    title, lines = _take_title(lines)
    headings = {i: text for i, line in enumerate(lines) if (text := _strong_heading(line)) is not None}
    if not headings:
        headings = {
            i: lines[i].strip().rstrip(".") for i in range(len(lines)) if _is_standalone_title(lines, i)
        }

    preamble: list[str] = []
    sections: list[tuple[str, str, list[str]]] = []
    for index, line in enumerate(lines):
        if index in headings:
            section_id, heading = _split_heading(headings[index])
            if heading.isupper():
                heading = heading.capitalize()
            sections.append((section_id, heading, []))
        elif sections:
            sections[-1][2].append(line)
        else:
            preamble.append(line)

    title = title or fallback_title
    if not title:
        raise PolicyTextError("The document has no title line")
    if not sections:
        raise PolicyTextError(
            "No sections were found: the document needs headings such as '3.2 Private use' or 'PURPOSE'"
        )
    built: list[Section] = []
    if any(line.strip() for line in preamble):
        built.append(Section(INTRODUCTION, "Introduction", _normalise_body(preamble)))
    built.extend(Section(sid, heading, _normalise_body(body)) for sid, heading, body in sections)
    seen: set[str] = set()
    for section in built:
        if section.id in seen:
            raise PolicyTextError(f"Section {section.id} appears more than once")
        seen.add(section.id)
    if not any(s.body.strip() for s in built):
        raise PolicyTextError("The sections have headings but no text")
    return ParsedPolicy(title.strip(), tuple(built))
