"""The numbers Word puts in front of headings and list items by itself.

Word does not store those numbers in the text: it draws them from the numbering
definitions (word/numbering.xml), which a paragraph uses directly (its w:numPr) or
through its style (a numbered "Heading 2"). mammoth drops them, so a policy whose
Clerk let Word number "3.2 Private use" would lose the "3.2" that quizzes and evidence
cite it by (Networking Policy 3.2). This module replays Word's counters over the
document's paragraphs to get the numbers back, and says which numbered paragraphs it
could not number, so that the Clerk is told rather than left with a silent gap.

It reads XML with the standard library. The caller has already capped the size of
every part and refused any part with a DTD (see word.py), so no entity can expand.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 (parts are size-capped and DTD-free, see above)
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A basedOn or numStyleLink chain longer than this is a loop in a damaged file.
MAX_CHAIN = 20
ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
)
ROMAN += ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


@dataclass(frozen=True)
class NumberedParagraph:
    """One paragraph of the document, in order, with the number Word shows for it.

    `label` is the number as Word draws it ("3.2", "4.", "(a)"), "" when Word shows none,
    and None when the paragraph is numbered but its number could not be worked out.
    """

    text: str
    style_id: str
    label: str | None
    numbered: bool


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    style_id: str = ""
    legal: bool = False  # w:isLgl: Word writes every level of this number in decimal


@dataclass
class _Style:
    name: str = ""
    based_on: str = ""
    num_id: str | None = None
    ilvl: int | None = None


@dataclass
class _Definitions:
    styles: dict[str, _Style] = field(default_factory=dict)
    abstracts: dict[str, dict[int, _Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # abstract id -> numbering style
    nums: dict[str, str] = field(default_factory=dict)  # num id -> abstract id
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # num id -> level -> start


def _val(element: ET.Element | None, name: str = "val") -> str | None:
    return None if element is None else element.get(W + name)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _num_pr(ppr: ET.Element | None) -> tuple[str | None, int | None]:
    num_pr = None if ppr is None else ppr.find(W + "numPr")
    if num_pr is None:
        return None, None
    ilvl = _val(num_pr.find(W + "ilvl"))
    return _val(num_pr.find(W + "numId")), (_int(ilvl, 0) if ilvl is not None else None)


def _read_styles(root: ET.Element | None) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    for element in [] if root is None else root.iter(W + "style"):
        style_id = element.get(W + "styleId") or ""
        num_id, ilvl = _num_pr(element.find(W + "pPr"))
        styles[style_id] = _Style(
            name=_val(element.find(W + "name")) or "",
            based_on=_val(element.find(W + "basedOn")) or "",
            num_id=num_id,
            ilvl=ilvl,
        )
    return styles


def _read_level(element: ET.Element) -> _Level:
    return _Level(
        start=_int(_val(element.find(W + "start")), 1),
        fmt=_val(element.find(W + "numFmt")) or "decimal",
        text=_val(element.find(W + "lvlText")) or "",
        style_id=_val(element.find(W + "pStyle")) or "",
        legal=element.find(W + "isLgl") is not None,
    )


def _read_definitions(styles_root: ET.Element | None, numbering_root: ET.Element | None) -> _Definitions:
    found = _Definitions(styles=_read_styles(styles_root))
    if numbering_root is None:
        return found
    for abstract in numbering_root.iter(W + "abstractNum"):
        abstract_id = abstract.get(W + "abstractNumId") or ""
        found.abstracts[abstract_id] = {
            _int(lvl.get(W + "ilvl"), 0): _read_level(lvl) for lvl in abstract.findall(W + "lvl")
        }
        link = _val(abstract.find(W + "numStyleLink"))
        if link:
            found.style_links[abstract_id] = link
    for num in numbering_root.iter(W + "num"):
        num_id = num.get(W + "numId") or ""
        used = _val(num.find(W + "abstractNumId"))
        if used is not None:
            found.nums[num_id] = used
        for override in num.findall(W + "lvlOverride"):
            start = _val(override.find(W + "startOverride"))
            if start is not None:
                level = _int(override.get(W + "ilvl"), 0)
                found.overrides.setdefault(num_id, {})[level] = _int(start, 1)
    return found


def _abstract_for(defs: _Definitions, num_id: str) -> str | None:
    """The abstract definition behind a list, following links through numbering styles
    (a list can borrow its levels from a "numbering style", as Word's outline lists do)."""
    abstract_id = defs.nums.get(num_id)
    for _ in range(MAX_CHAIN):
        if abstract_id is None or abstract_id not in defs.style_links:
            return abstract_id
        linked = defs.styles.get(defs.style_links[abstract_id])
        abstract_id = defs.nums.get(linked.num_id or "") if linked else None
    return None


def _style_numbering(defs: _Definitions, style_id: str) -> tuple[str | None, int | None]:
    """The numbering a paragraph style gives, itself or through the styles it is based on."""
    for _ in range(MAX_CHAIN):
        style = defs.styles.get(style_id)
        if style is None:
            return None, None
        if style.num_id is not None:
            return style.num_id, style.ilvl
        style_id = style.based_on
    return None, None


def _format(value: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalEnclosedParen", "decimalEnclosedFullstop"):
        return str(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        # Word goes a..z, then aa..zz, then aaa...
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        out, rest = "", value
        for amount, numeral in ROMAN:
            while rest >= amount:
                out, rest = out + numeral, rest - amount
        return out.upper() if fmt == "upperRoman" else out
    return None  # ordinal words, Chinese counting and the like: not worked out here


class _Counters:
    """Word's counters: one set per list, where a level counts up and every level below
    it starts again. Lists sharing an abstract definition share counters in Word, unless
    one of them sets its own start (a "restart numbering" in Word's menu)."""

    def __init__(self, defs: _Definitions) -> None:
        self.defs = defs
        self.values: dict[str, dict[int, int]] = {}

    def label(self, num_id: str, ilvl: int | None, style_id: str) -> str | None:
        abstract_id = _abstract_for(self.defs, num_id)
        levels = self.defs.abstracts.get(abstract_id or "")
        if levels is None:
            return None
        if ilvl is None or ilvl not in levels:
            # A style linked from a level (w:pStyle) says which level it is; else the top.
            ilvl = next((n for n, lvl in levels.items() if lvl.style_id == style_id), ilvl or 0)
        level = levels.get(ilvl)
        if level is None:
            return None
        if level.fmt == "bullet":
            return ""
        overrides = self.defs.overrides.get(num_id, {})
        key = num_id if overrides else f"abstract:{abstract_id}"
        counters = self.values.setdefault(key, {})
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [n for n in counters if n > ilvl]:
            del counters[deeper]
        if level.fmt == "none":
            return ""
        return self._expand(level, levels, counters, overrides)

    def _expand(
        self, level: _Level, levels: dict[int, _Level], counters: dict[int, int], overrides: dict[int, int]
    ) -> str | None:
        def replace(match: re.Match[str]) -> str:
            n = int(match.group(1)) - 1
            shown = levels.get(n, _Level())
            value = counters.get(n, overrides.get(n, shown.start))
            number = _format(value, "decimal" if level.legal else shown.fmt)
            if number is None:
                raise LookupError
            return number

        try:
            return re.sub(r"%([1-9])", replace, level.text).strip()
        except LookupError:
            return None


def _paragraph_text(paragraph: ET.Element) -> str:
    """The paragraph's words as mammoth reads them: text runs, tabs and breaks as spaces."""
    parts: list[str] = []
    for element in paragraph.iter():
        if element.tag == W + "t" and element.text:
            parts.append(element.text)
        elif element.tag in (W + "tab", W + "br", W + "cr"):
            parts.append(" ")
    return normalise_text("".join(parts))


def normalise_text(text: str) -> str:
    """Text compared across Word's XML and mammoth's HTML: spacing collapsed."""
    return " ".join(text.split())


def number_paragraphs(
    document_xml: bytes, styles_xml: bytes | None, numbering_xml: bytes | None
) -> list[NumberedParagraph]:
    """Every paragraph of the body, in order, with the number Word draws before it.

    A paragraph's own w:numPr wins over its style's; a list id of 0 switches numbering
    off (Word's way of un-numbering one heading of a numbered style).
    """
    body = ET.fromstring(document_xml)  # noqa: S314 (see the module's docstring)
    defs = _read_definitions(
        ET.fromstring(styles_xml) if styles_xml else None,  # noqa: S314
        ET.fromstring(numbering_xml) if numbering_xml else None,  # noqa: S314
    )
    counters = _Counters(defs)
    found: list[NumberedParagraph] = []
    for paragraph in body.iter(W + "p"):
        ppr = paragraph.find(W + "pPr")
        style_id = _val(None if ppr is None else ppr.find(W + "pStyle")) or ""
        num_id, ilvl = _num_pr(ppr)
        style_num, style_ilvl = _style_numbering(defs, style_id)
        if num_id is None:
            num_id = style_num
        ilvl = ilvl if ilvl is not None else style_ilvl
        numbered = num_id not in (None, "0")
        label = counters.label(num_id or "", ilvl, style_id) if numbered else ""
        found.append(NumberedParagraph(_paragraph_text(paragraph), style_id, label, numbered))
    return found
