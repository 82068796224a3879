"""GOV.UK bank-holidays files for the tests: the shipped copy, and a newer one with 2029."""

from __future__ import annotations

import copy
import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

# 2029 as GOV.UK would list it (the dates follow the usual rules; 17 March is a Saturday).
YEAR_2029 = {
    "england-and-wales": [
        ("2029-01-01", "New Year’s Day"),
        ("2029-03-30", "Good Friday"),
        ("2029-04-02", "Easter Monday"),
        ("2029-05-07", "Early May bank holiday"),
        ("2029-05-28", "Spring bank holiday"),
        ("2029-08-27", "Summer bank holiday"),
        ("2029-12-25", "Christmas Day"),
        ("2029-12-26", "Boxing Day"),
    ],
    "scotland": [
        ("2029-01-01", "New Year’s Day"),
        ("2029-01-02", "2nd January"),
        ("2029-03-30", "Good Friday"),
        ("2029-05-07", "Early May bank holiday"),
        ("2029-05-28", "Spring bank holiday"),
        ("2029-08-06", "Summer bank holiday"),
        ("2029-11-30", "St Andrew’s Day"),
        ("2029-12-25", "Christmas Day"),
        ("2029-12-26", "Boxing Day"),
    ],
    "northern-ireland": [
        ("2029-01-01", "New Year’s Day"),
        ("2029-03-19", "St Patrick’s Day"),
        ("2029-03-30", "Good Friday"),
        ("2029-04-02", "Easter Monday"),
        ("2029-05-07", "Early May bank holiday"),
        ("2029-05-28", "Spring bank holiday"),
        ("2029-07-12", "Battle of the Boyne (Orangemen’s Day)"),
        ("2029-08-27", "Summer bank holiday"),
        ("2029-12-25", "Christmas Day"),
        ("2029-12-26", "Boxing Day"),
    ],
}


def shipped_document() -> dict[str, Any]:
    content = resources.files("govuk_bank_holidays").joinpath("bank-holidays.json").read_text("utf-8")
    return json.loads(content)


def with_2029(*, since: int | None = None) -> dict[str, Any]:
    """The shipped copy with 2029 added; from the year `since` only, as GOV.UK's live file
    drops old years."""
    document = copy.deepcopy(shipped_document())
    for division, events in YEAR_2029.items():
        entry = document[division]
        entry["events"] += [{"title": t, "date": d, "notes": "", "bunting": True} for d, t in events]
        if since is not None:
            entry["events"] = [e for e in entry["events"] if date.fromisoformat(e["date"]).year >= since]
    return document


def write(tmp_path: Path, document: Any, name: str = "bank-holidays.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), "utf-8")
    return path
