"""mammoth's HTML of a Word document, turned into the library's Markdown.

mammoth's own Markdown writer is deprecated, so the portal converts its HTML. The
result must come back out of `parse_policy_text` as the same sections every time it
is parsed (the stored text is the evidence, and editing a draft parses it again), so:
- every Word heading becomes a `## ` line, with the number Word drew for it (from
  word_numbering.py) put back in front;
- a body line that the parser would read as a heading (a short "1. Item", a line in
  capitals) is indented by one space, which Markdown ignores and the parser does not;
- a document without heading styles is left to the parser's rules for typed headings
  ("3.2 Private use", "PURPOSE"), as pasted text is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from portal.policies.parsing import looks_like_heading
from portal.policies.word_numbering import NumberedParagraph, normalise_text

TITLE_CLASS = "portal-title"  # the class word.py's style map gives a paragraph in Word's Title style
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"br", "img", "hr"}
# A character Markdown would read as markup, escaped wherever it appears in running text.
ESCAPE = re.compile(r"([\\`*_\[\]<>&])")
# At the start of a line these begin a heading, a list, a quote, a rule or code.
LINE_START = re.compile(r"^([#+\-=~|])")
LINE_NUMBER = re.compile(r"^(\d+)([.)])")
SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """mammoth's HTML as a tree. It writes well-formed HTML, so a stack is enough."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if any(n.tag == tag for n in self.stack[1:]):
            while self.stack.pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Converted:
    markdown: str
    lost_numbers: list[str]
    pictures: int
    tables: int


def plain_text(node: Node | str, *, skip_lists: bool = False) -> str:
    if isinstance(node, str):
        return node
    if skip_lists and node.tag in ("ul", "ol"):
        return ""
    return "".join(plain_text(child, skip_lists=skip_lists) for child in node.children)


def _escape(text: str) -> str:
    return ESCAPE.sub(r"\\\1", text.replace("\t", " ").replace("\n", " "))


def _wrap(marker: str, inner: str) -> str:
    """Emphasis around the words only: `** bold**` is not emphasis in Markdown."""
    words = inner.strip()
    if not words:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{words}{marker}{trail}"


def _protect_line(line: str) -> str:
    """A line of running text that Markdown or the parser would take for something else."""
    line = line.strip()
    line = LINE_START.sub(r"\\\1", line)
    return LINE_NUMBER.sub(r"\1\\\2", line)


class _Writer:
    def __init__(self, paragraphs: list[NumberedParagraph]) -> None:
        self.paragraphs = paragraphs
        self.cursor = 0
        self.lost: list[str] = []
        self.pictures = 0
        self.tables = 0
        self.previous_ordered = False
        self.delimiter = "."

    def match(self, text: str) -> NumberedParagraph | None:
        """The Word paragraph this block came from: the next one with the same words.
        mammoth keeps document order, so searching forward from the last match finds
        it; a block with no match (a footnote, say) leaves the place unchanged."""
        wanted = normalise_text(text)
        if not wanted:
            return None
        for index in range(self.cursor, len(self.paragraphs)):
            if self.paragraphs[index].text == wanted:
                self.cursor = index + 1
                return self.paragraphs[index]
        return None

    def inline(self, node: Node | str) -> str:
        if isinstance(node, str):
            return _escape(node)
        if node.tag == "br":
            return "\n"
        if node.tag == "img":
            self.pictures += 1
            return ""
        inner = "".join(self.inline(child) for child in node.children if not _is_list(child))
        if node.tag == "p":
            return inner + "\n"  # paragraphs inside a list item or a table cell stay apart
        if node.tag in ("strong", "b"):
            return _wrap("**", inner)
        if node.tag in ("em", "i"):
            return _wrap("*", inner)
        href = node.attrs.get("href", "")
        if node.tag == "a" and SAFE_LINK.match(href) and inner.strip():
            return f"[{inner}](<{href.replace('<', '%3C').replace('>', '%3E')}>)"
        return inner

    def text_lines(self, node: Node) -> list[str]:
        """A paragraph's lines: a line break in Word stays a line break (an address)."""
        lines = [_protect_line(line) for line in self.inline(node).split("\n")]
        lines = [line for line in lines if line]
        return [line + "\\" for line in lines[:-1]] + lines[-1:]

    def heading(self, node: Node) -> str:
        text = normalise_text(plain_text(node))
        source = self.match(text)
        if source is None or not source.numbered:
            return text
        if source.label is None:
            self.lost.append(text)
            return text
        return f"{source.label} {text}" if source.label and not text.startswith(source.label) else text

    def list_lines(self, node: Node, indent: str) -> list[str]:
        ordered = node.tag == "ol"
        if ordered and self.previous_ordered and not indent:
            # Two numbered lists in a row would merge in Markdown: a new delimiter keeps them apart.
            self.delimiter = ")" if self.delimiter == "." else "."
        lines: list[str] = []
        number: int | None = None
        for item in (c for c in node.children if isinstance(c, Node) and c.tag == "li"):
            if ordered:
                source = self.match(plain_text(item, skip_lists=True))
                recovered = re.match(r"\D*(\d+)", source.label or "") if source else None
                # The first item sets the list's start; Word's numbers carry on after a paragraph.
                number = int(recovered.group(1)) if number is None and recovered else (number or 0) + 1
                marker = f"{number}{self.delimiter}"
            else:
                self.match(plain_text(item, skip_lists=True))
                marker = "-"
            body = self.text_lines(item) or [""]
            pad = indent + " " * (len(marker) + 1)
            lines.append(f"{indent}{marker} {body[0]}".rstrip())
            lines.extend(pad + line for line in body[1:])
            for child in item.children:
                if _is_list(child):
                    assert isinstance(child, Node)
                    lines.extend(self.list_lines(child, pad))
        return lines

    def table_lines(self, node: Node) -> list[str]:
        self.tables += 1
        rows: list[str] = []
        for row in _descendants(node, "tr"):
            cells = [" ".join(self.text_lines(cell)) for cell in row.children if isinstance(cell, Node)]
            line = " | ".join(cell for cell in cells if cell)
            if line:
                rows.append(line)
        return rows


def _is_list(node: Node | str) -> bool:
    return isinstance(node, Node) and node.tag in ("ul", "ol")


def _descendants(node: Node, tag: str) -> list[Node]:
    found: list[Node] = []
    for child in node.children:
        if isinstance(child, Node):
            found.extend([child] if child.tag == tag else _descendants(child, tag))
    return found


def _blocks(node: Node) -> list[Node]:
    """The top-level blocks; a wrapper mammoth did not map (a div) is looked into."""
    blocks: list[Node] = []
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                blocks.append(Node("p", {}, [child]))
        elif child.tag in ("div", "section", "blockquote", "root"):
            blocks.extend(_blocks(child))
        else:
            blocks.append(child)
    return blocks


def _title_of(blocks: list[Node]) -> tuple[str | None, list[Node]]:
    """The title: the paragraph in Word's Title style, or else a first heading ranked
    above every other heading (a Heading 1 over sections in Heading 2)."""
    for index, block in enumerate(blocks):
        if TITLE_CLASS in block.attrs.get("class", "").split():
            return normalise_text(plain_text(block)), blocks[:index] + blocks[index + 1 :]
    headings = [b for b in blocks if b.tag in HEADINGS]
    first = headings[0] if headings else None
    if blocks and blocks[0] is first and len(headings) > 1 and all(h.tag > first.tag for h in headings[1:]):
        return normalise_text(plain_text(first)), blocks[1:]
    return None, blocks


def html_to_policy_markdown(html: str, paragraphs: list[NumberedParagraph]) -> Converted:
    """Markdown that `parse_policy_text` divides into the document's own sections."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    title, blocks = _title_of(_blocks(builder.root))
    writer = _Writer(paragraphs)
    styled = any(b.tag in HEADINGS for b in blocks)
    parts: list[str] = [f"# {title}"] if title else []
    for block in blocks:
        ordered = block.tag == "ol"
        if block.tag in HEADINGS:
            heading = writer.heading(block)
            # A heading of nothing but a picture would be an empty section: its words are none.
            parts.append(f"## {heading}" if heading else "")
        elif _is_list(block):
            parts.append("\n".join(_guard(writer.list_lines(block, ""))))
        elif block.tag == "table":
            parts.append("\n\n".join(_guard(writer.table_lines(block))))
        else:
            words = normalise_text(plain_text(block))
            writer.match(words)
            if not styled and looks_like_heading(words):
                # No heading styles: a typed-in heading ("3.2 Private use") is a section, as in pasted text.
                parts.append(f"## {words}")
            else:
                parts.append("\n".join(_guard(writer.text_lines(block))))
        writer.previous_ordered = ordered
    markdown = "\n\n".join(part for part in parts if part.strip()) + "\n"
    return Converted(markdown, writer.lost, writer.pictures, writer.tables)


def _guard(lines: list[str]) -> list[str]:
    """Indent by one space a body line the parser would take for a heading."""
    return [(" " + line) if looks_like_heading(line) else line for line in lines]
