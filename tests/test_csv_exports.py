"""Every CSV the portal offers goes through the one formula-safe writer (OWASP CSV
injection): a cell that starts with = + - @ tab or carriage return is shown as text."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from portal.downloads import FORMULA_STARTS, csv_safe, csv_text
from portal.training.analysis import ItemStatistics, as_csv

PORTAL = Path(__file__).resolve().parent.parent / "portal"
NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a spreadsheet reads it as a number, nothing more
DANGEROUS = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(1+1)", "\tx", "\rx"]
# Each CSV route and the test below that walks it with formula-like values.
CSV_EXPORTS = {
    "authorisations.register_csv": "tests/authorisations/test_register_csv.py",
    "training.item_analysis_csv": "test_the_question_analysis_defuses_formulas",
    "reports.export_csv": "tests/reports/test_overview.py (formula cells)",
}


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def assert_no_formula(text: str) -> None:
    for cell in cells(text):
        assert NUMBER.fullmatch(cell) or not cell.startswith(FORMULA_STARTS), cell


@pytest.mark.parametrize("value", DANGEROUS)
def test_the_writer_puts_an_apostrophe_before_a_formula(value):
    assert csv_safe(value) == "'" + value
    assert cells(csv_text(["a"], [[value]])) == ["a", "'" + value]


def test_the_writer_leaves_numbers_and_plain_text_alone():
    assert cells(csv_text(["n", "x", "t"], [[-12.5, 3, "Parks"]])) == ["n", "x", "t", "-12.5", "3", "Parks"]


def test_every_csv_route_is_walked_here(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv")}
    assert routes == set(CSV_EXPORTS)


def test_nothing_writes_csv_but_the_one_writer():
    writers = [
        path.relative_to(PORTAL).as_posix()
        for path in PORTAL.rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["downloads.py"]


def test_the_question_analysis_defuses_formulas():
    items = [
        ItemStatistics(
            question_key=value,
            revision=1,
            topic=value,
            kind="single",
            stem="A stem",
            attempts=3,
            discrimination=-12.5,
            choices=Counter({value: 2}),
            option_labels={value: "label"},
        )
        for value in DANGEROUS
    ]
    text = as_csv(items)
    assert_no_formula(text)
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text
    assert ",-12.5," in text  # a negative index is still a number
