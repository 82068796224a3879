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


def render_minimal_document() -> bytes:
    """The yardstick: a one-line page through WeasyPrint with its defaults. Nothing the
    portal does to speed up its own documents (a font configuration kept between
    documents, stylesheets parsed once) applies to it, so it stays a fixed measure of
    the machine rather than of the portal."""
    from weasyprint import HTML

    return HTML(string=MINIMAL_DOCUMENT).write_pdf()


def render_ratio(render: Callable[[], bytes], rounds: int) -> dict:
    """Median time of `render` against the minimal document, rendered alternately.

    Also reports the minimal document through the portal's own pipeline (PDF/A, shared
    fonts), to show how much of a document's time is its content."""
    import statistics
    import time

    from portal.documents.render import render_pdf_from_html

    render()  # warm-up: fonts and templates
    render_minimal_document()
    render_pdf_from_html(MINIMAL_DOCUMENT)
    documents, minimal, through_portal = [], [], []
    for _ in range(rounds):
        for timings, job in (
            (minimal, render_minimal_document),
            (documents, render),
            (through_portal, lambda: render_pdf_from_html(MINIMAL_DOCUMENT)),
        ):
            started = time.perf_counter()
            job()
            timings.append(time.perf_counter() - started)
    document_ms, minimal_ms = statistics.median(documents) * 1000, statistics.median(minimal) * 1000
    return {
        "median_ms": round(document_ms, 1),
        "minimal_median_ms": round(minimal_ms, 1),
        "ratio": round(document_ms / minimal_ms, 2),
        "minimal_through_portal_median_ms": round(statistics.median(through_portal) * 1000, 1),
    }


def render_ratio_line(document: str, result: dict, rounds: int, target: float) -> str:
    return (
        f"Median of {rounds} alternating renders: {document} {result['median_ms']} ms, minimal one-page "
        f"WeasyPrint document {result['minimal_median_ms']} ms, ratio {result['ratio']} (target ≤ {target}). "
        f"The same minimal document through the portal's pipeline (PDF/A, fonts kept between documents): "
        f"{result['minimal_through_portal_median_ms']} ms."
    )
