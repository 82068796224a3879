"""The shape of the code: the three layers and the features' public rooms (make lint).

The contracts themselves run in `make lint`; these tests check that the feature-rooms
contract (lint/contracts.py) really catches what it is meant to, and that the code
keeps both contracts.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp

from lint.contracts import FeatureRoomsContract

ROOT = Path(__file__).resolve().parent.parent


def _contract() -> FeatureRoomsContract:
    return FeatureRoomsContract(
        name="rooms",
        session_options={"root_packages": ["portal"]},
        contract_options={"features": ["portal.a", "portal.b"]},
    )


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for module in (
        "portal",
        "portal.a",
        "portal.a.views",
        "portal.b",
        "portal.b.models",
        "portal.b.service",
        "portal.b.forms",
        "portal.b.views",
    ):
        graph.add_module(module)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    return graph


def test_a_feature_may_use_another_features_models_and_service():
    graph = _graph(("portal.a.views", "portal.b.models"), ("portal.a.views", "portal.b.service"))
    assert _contract().check(graph, verbose=False).kept


def test_a_feature_may_not_reach_into_another_features_forms_or_views():
    graph = _graph(("portal.a.views", "portal.b.forms"), ("portal.a", "portal.b.views"))
    check = _contract().check(graph, verbose=False)
    assert not check.kept
    assert {(b["importer"], b["imported"]) for b in check.metadata["broken"]} == {
        ("portal.a.views", "portal.b.forms"),
        ("portal.a", "portal.b.views"),
    }


def test_the_code_keeps_its_layers():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_services_never_read_the_request():
    """Only the web layer reads Flask's request; a service is told what it needs
    (the audit's client address comes from portal.audit.service.client_address)."""
    web = {
        "views.py",
        "library_views.py",
        "security.py",
        "access.py",
        "db.py",
        "navigation.py",
        "templating.py",
        "logs.py",
        "__init__.py",
        "ratelimit.py",
    }
    readers = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        if path.name in web or path.name.endswith("_views.py"):
            continue
        text = path.read_text()
        if re.search(r"^from flask import [^\n]*\brequest\b", text, re.M) or "flask.request" in text:
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_no_module_is_longer_than_four_hundred_lines():
    """DESIGN.md: a module that grows past about 400 lines wants splitting along a real seam."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "portal").rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
