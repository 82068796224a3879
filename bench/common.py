"""What every benchmark shares: the databases to run on, percentiles, and the report files."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


@contextmanager
def databases() -> Iterator[list[tuple[str, str]]]:
    """(label, url) of an empty SQLite file, and of a throw-away PostgreSQL database when
    PORTAL_BENCH_POSTGRES_URL names a server."""
    from portal.config import normalise_database_url
    from tests.conftest import create_postgres_database

    with tempfile.TemporaryDirectory() as folder:
        found = [("sqlite", f"sqlite:///{folder}/bench.sqlite3")]
        server = os.environ.get("PORTAL_BENCH_POSTGRES_URL")
        if not server:
            yield found
            return
        with create_postgres_database(normalise_database_url(server)) as url:
            yield [*found, ("postgresql", url)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Report:
    name: str
    title: str
    data: list[dict] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def write(self) -> None:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{self.name}.json").write_text(json.dumps(self.data, indent=2) + "\n")
        (RESULTS / f"{self.name}.md").write_text("\n".join([f"# {self.title}", "", *self.lines, ""]))


MINIMAL_DOCUMENT = "<html><head><title>Minimal</title></head><body><p>One line of text.</p></body></html>"


def render_ratio(render: Callable[[], bytes], rounds: int) -> dict:
    """Median time of `render` against a minimal one-page WeasyPrint document, alternately."""
    import statistics
    import time

    from portal.documents.render import render_pdf_from_html

    render()  # warm-up: fonts and templates
    render_pdf_from_html(MINIMAL_DOCUMENT)
    documents, minimal = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        render_pdf_from_html(MINIMAL_DOCUMENT)
        minimal.append(time.perf_counter() - started)
        started = time.perf_counter()
        render()
        documents.append(time.perf_counter() - started)
    document_ms, minimal_ms = statistics.median(documents) * 1000, statistics.median(minimal) * 1000
    return {
        "median_ms": round(document_ms, 1),
        "minimal_median_ms": round(minimal_ms, 1),
        "ratio": round(document_ms / minimal_ms, 2),
    }
