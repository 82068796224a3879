"""docs/security.md names the tests that prove each ASVS requirement: they must exist.

A renamed or deleted test would otherwise leave the document claiming proof that is
no longer there. Each `tests/...py::...` in backticks is resolved by importing the
module and finding the function, or the class and its method; a parametrised id
(`test_x[sqlite]`) is checked by its function's name.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "security.md"
NODE_ID = re.compile(r"`(tests/[^`\s]+?\.py::[^`\s]+)`")
REQUIREMENT = re.compile(r"^\|\s*(V\d+\.\d+\.\d+)\s*\|", re.MULTILINE)


def node_ids(text: str) -> list[str]:
    return NODE_ID.findall(text)


def problem_with(node_id: str) -> str | None:
    """Why `node_id` names no test in this repository, or None when it does."""
    path, _, names = node_id.partition("::")
    if not (ROOT / path).is_file():
        return f"{node_id}: no file {path}"
    module_name = path.removesuffix(".py").replace("/", ".")
    try:
        found: object = importlib.import_module(module_name)
    except ImportError as error:
        return f"{node_id}: cannot import {module_name} ({error})"
    for name in names.split("::"):
        name = name.split("[", 1)[0]  # a parametrised case is its function's id
        if not name.startswith(("test", "Test")):
            return f"{node_id}: {name} is not a test's name"
        found = getattr(found, name, None)
        if found is None:
            return f"{node_id}: no {name} in {module_name}"
    if not callable(found):
        return f"{node_id}: {names} is not a test"
    return None


def test_every_node_id_in_the_security_document_exists():
    ids = node_ids(DOCUMENT.read_text(encoding="utf-8"))
    assert ids, "docs/security.md names no tests"
    problems = [problem for node_id in sorted(set(ids)) if (problem := problem_with(node_id))]
    assert problems == []


def test_every_requirement_is_listed_once():
    found = REQUIREMENT.findall(DOCUMENT.read_text(encoding="utf-8"))
    duplicates = sorted({r for r in found if found.count(r) > 1})
    assert duplicates == []
    assert len(found) == 253  # ASVS 5.0.0 has 253 requirements at Level 1 or 2


@pytest.mark.parametrize(
    "node_id",
    [
        "tests/test_nothing_here.py::test_x",
        "tests/test_access.py::test_no_such_test",
        "tests/test_access.py::test_no_such_test[sqlite]",
        "tests/test_access.py::Visitor::test_no_such_method",
        "tests/test_access.py::EXPECTED",
    ],
)
def test_a_wrong_node_id_is_caught(node_id: str):
    assert problem_with(node_id) is not None


@pytest.mark.parametrize(
    "node_id",
    [
        "tests/test_access.py::test_every_endpoint_declares_an_access_rule",
        "tests/test_access.py::test_access_matrix[sqlite-staff]",
    ],
)
def test_a_right_node_id_is_found(node_id: str):
    assert problem_with(node_id) is None


def test_node_ids_are_read_from_backticks_only():
    text = "by `tests/test_a.py::test_b[x-y]` and `tests/c/test_d.py::TestE::test_f`; not tests/g.py::h"
    assert node_ids(text) == ["tests/test_a.py::test_b[x-y]", "tests/c/test_d.py::TestE::test_f"]
