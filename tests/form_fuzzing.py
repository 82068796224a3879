"""What the form fuzz posts: the forms read from a page, and Hypothesis strategies for them.

Used by tests/test_fuzz_forms.py. Values are random, oversized, Unicode or awkward
(NUL bytes, huge integers, impossible dates, formulas, markup), and any field may be
missing or repeated; a file field gets random bytes under a random name.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

from hypothesis import strategies as st
from wtforms.fields import FileField
from wtforms.fields.core import UnboundField

import portal
from tests.factories import PASSWORD

ALPHABET = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot travel as UTF-8
AWKWARD = [
    "",
    " ",
    "\x00",
    "\r\n",
    "0",
    "-1",
    "9223372036854775808",
    "1e309",
    "NaN",
    "2026-02-30",
    "31/12/9999",
    "../../etc/passwd",
    '=HYPERLINK("http://x.example")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "on",
    "y",
    "\u202egnp.exe",
    "person@council.example",
]
OVERSIZED = st.builds(
    lambda text, size: text * size,
    st.sampled_from(["x", "é", "😀", "\u200b"]),
    st.sampled_from([300, 5_000, 70_000, 2_200_000]),
)
SCALARS = st.one_of(
    st.text(ALPHABET, max_size=40),
    st.sampled_from(AWKWARD),
    st.integers(-(2**70), 2**70).map(str),
    st.dates().map(date.isoformat),
    OVERSIZED,
)
MAGIC = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"name,email\n"]
FILES = st.tuples(
    st.one_of(st.binary(max_size=2_000), st.sampled_from(MAGIC)),
    st.one_of(st.sampled_from(["../../x.pdf", "scan.pdf", "a.csv", ""]), st.text(ALPHABET, max_size=30)),
)


@dataclass
class Form:
    """The names a page's form posts, the values it offers, and which take a file."""

    names: set[str] = field(default_factory=set)
    known: dict[str, set[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)


class _FormReader(HTMLParser):
    """Reads every <form> on a page: its action and its fields' names and offered values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, Form]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((found.get("action", ""), Form()))
            return
        if not self.forms:
            return
        form = self.forms[-1][1]
        name = found.get("name")
        if tag in {"input", "select", "textarea", "button"} and name and name != "csrf_token":
            form.names.add(name)
            if found.get("type") == "file":
                form.files.add(name)
            elif "value" in found:
                form.known.setdefault(name, set()).add(found["value"])
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select and "value" in found:
            form.known.setdefault(self._select, set()).add(found["value"])


def forms_on(html: str) -> list[tuple[str, Form]]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def every_form_class_field() -> Form:
    """Fallback: every field of every Flask-WTF form in the portal."""
    pool = Form()
    for module_info in pkgutil.walk_packages(portal.__path__, "portal."):
        if module_info.name.endswith(".forms"):
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                for name in dir(value) if isinstance(value, type) else []:
                    unbound = getattr(value, name, None)
                    if isinstance(unbound, UnboundField):
                        pool.names.add(name)
                        if issubclass(unbound.field_class, FileField):
                            pool.files.add(name)
    return pool


def form_strategy(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name in sorted(form.names):
        if name in form.files:
            optional[name] = FILES
            continue
        offered = sorted(form.known.get(name, set()) | ({PASSWORD} if "password" in name else set()))
        one = st.one_of(st.sampled_from(offered), SCALARS) if offered else SCALARS
        optional[name] = st.one_of(one, st.lists(one, min_size=2, max_size=3))
    optional["unexpected_field"] = SCALARS
    return st.fixed_dictionaries({}, optional=optional)  # optional keys: fields go missing


def describe(form: dict[str, Any]) -> str:
    def short(value: Any) -> str:
        text = repr(value)
        return text if len(text) <= 60 else f"{text[:40]}...({len(text)} chars)"

    return "{" + ", ".join(f"{k!r}: {short(v)}" for k, v in sorted(form.items())) + "}"


def post_values(form: dict[str, Any]) -> dict[str, Any]:
    def one(value: Any) -> Any:
        return (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value

    return {k: [one(v) for v in v_] if isinstance(v_, list) else one(v_) for k, v_ in form.items()}
