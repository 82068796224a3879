"""The facts the accessibility statement reports about testing, read from a file.

The Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility
Regulations 2018 ask the statement to say when and how the site was last tested and when
the statement was prepared and reviewed. Those change with every test, so they live in
data (accessibility.yaml, beside this module) rather than in the template, and are
checked when the portal starts: a date that cannot be read, a missing method, or a test
newer than the statement's last review stops start-up instead of publishing a statement
that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

ACCESSIBILITY_FILE = Path(__file__).with_name("accessibility.yaml")
TOP_KEYS = ("statement_prepared_on", "statement_reviewed_on", "automated_test", "manual_test")
TEST_KEYS = ("last_tested_on", "by", "method")
METHOD_LIMIT = 1200
BY_LIMIT = 200


class StatementDataError(ValueError):
    """The accessibility statement's data file cannot be trusted as it stands."""


@dataclass(frozen=True)
class AccessibilityTest:
    tested_on: date
    by: str
    method: str


@dataclass(frozen=True)
class StatementFacts:
    prepared_on: date
    reviewed_on: date
    automated: AccessibilityTest
    manual: AccessibilityTest | None  # None: no test by hand has been recorded


def _date(value: object, where: str) -> date:
    # YAML reads 2026-11-30 as a date; a datetime or a string means it was written otherwise.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise StatementDataError(f"{where} must be a date written like 2026-11-30")
    return value


def _text(value: object, where: str, limit: int, *, one_line: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StatementDataError(f"{where} must be some text")
    text = " ".join(value.split()) if not one_line else value.strip()
    if one_line and any(not character.isprintable() for character in text):
        raise StatementDataError(f"{where} must be on one line")
    if len(text) > limit:
        raise StatementDataError(f"{where} must be at most {limit} characters")
    return text


def _keys(found: object, expected: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(found, dict):
        raise StatementDataError(f"{where} must be a set of keys: {', '.join(expected)}")
    missing = [key for key in expected if key not in found]
    unknown = sorted(str(key) for key in found if key not in expected)
    if missing or unknown:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(unknown)}"] if unknown else []
        )
        raise StatementDataError(f"{where}: {'; '.join(problems)}")
    return found


def _test(found: object, where: str) -> AccessibilityTest:
    values = _keys(found, TEST_KEYS, where)
    return AccessibilityTest(
        tested_on=_date(values["last_tested_on"], f"{where}.last_tested_on"),
        by=_text(values["by"], f"{where}.by", BY_LIMIT, one_line=True),
        method=_text(values["method"], f"{where}.method", METHOD_LIMIT, one_line=False),
    )


def parse_statement_facts(text: str, where: str = "accessibility.yaml") -> StatementFacts:
    """The statement's facts from the file's text; StatementDataError says what is wrong."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise StatementDataError(f"{where} is not readable YAML: {error}") from None
    values = _keys(document, TOP_KEYS, where)
    prepared = _date(values["statement_prepared_on"], f"{where}: statement_prepared_on")
    reviewed = _date(values["statement_reviewed_on"], f"{where}: statement_reviewed_on")
    if reviewed < prepared:
        raise StatementDataError(f"{where}: statement_reviewed_on is before statement_prepared_on")
    automated = _test(values["automated_test"], f"{where}: automated_test")
    manual = None if values["manual_test"] is None else _test(values["manual_test"], f"{where}: manual_test")
    for kind, test in (("automated_test", automated), ("manual_test", manual)):
        # A newer test than the statement's last review means the statement is out of date.
        if test is not None and test.tested_on > reviewed:
            raise StatementDataError(
                f"{where}: {kind} is newer than statement_reviewed_on; "
                "review the statement and record the date"
            )
    return StatementFacts(prepared, reviewed, automated, manual)


def load_statement_facts(path: Path | None = None) -> StatementFacts:
    """The facts from `path`, by default the file beside this module (looked up when
    called, so that a test can point it elsewhere)."""
    path = path or ACCESSIBILITY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise StatementDataError(f"{path} cannot be read: {error.strerror}") from None
    return parse_statement_facts(text, path.name)
