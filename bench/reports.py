"""A large council: the compliance overview under load, and its exports.

5,000 people, 10 policies with 3 versions each, 50,000 acknowledgements, 100,000 quiz
attempts and 2,000 posting authorisations, in SQLite and in PostgreSQL. gunicorn
serves the portal; locust drives the Town Clerk's overview pages together with a bare
endpoint (/healthz) in the same run, so the figures are ratios on the same machine at
the same moment. The CSV and PDF exports are timed in-process, from a cold cache.
"""

from __future__ import annotations

import csv
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.common import Report, databases

PEOPLE = 5_000
POLICIES = 10
ACKNOWLEDGEMENTS = 50_000
ATTEMPTS = 100_000
AUTHORISATIONS = 2_000
USERS, RUN_SECONDS = 8, 40
WORKERS = 4  # bench.training starts gunicorn with this many
OVERVIEW_P95_TARGET_MS = 150.0  # on PostgreSQL
CSV_TARGET_SECONDS = 2.0
ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/reports", "/reports?status=overdue", "/reports?department&page"]


def _populate(url: str, first: Callable[[Flask, Session], None] | None = None) -> None:
    """The bench council; `first(app, session)` adds to the empty database before the
    demo council and the bulk rows go in (bench/pages.py: one record of every kind, made
    through the services, before the council's own policies would be due from them)."""
    from portal import create_app
    from portal.config import Settings
    from portal.db import database
    from portal.demo import load_demo_council
    from tests.helpers import migrate

    migrate(url)
    app = create_app(Settings.from_environment(database_url=url, secret_key="b" * 40))
    with app.app_context(), database(app).session_scope() as session:
        if first is not None:
            first(app, session)
            session.commit()
        load_demo_council(session)  # the Clerk, 2 policies, the quiz bank, 3 channels
    engine = create_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    long_ago = now - timedelta(days=400)
    with engine.begin() as db:
        first_person = 100_000
        db.execute(
            text(
                "INSERT INTO departments (id, name) VALUES "
                + ", ".join(f"({900 + d}, 'Bench {d}')" for d in range(8))
            )
        )
        db.execute(
            text(
                "INSERT INTO people (id, name, email, engagement_type, department_id, start_date, is_active, "
                "session_token, is_demo, created_at) VALUES (:id, :name, :email, :kind, :dept, :start, true, :token, "
                "false, :now)"
            ),
            [
                {
                    "id": first_person + n,
                    "name": f"Bench Person {n}",
                    "email": f"bench{n}@bench.example",
                    "kind": "volunteer" if n % 10 == 0 else "employee",
                    "dept": 900 + n % 8,
                    "start": date(2025, 1, 6),
                    "token": f"bench-{n}",
                    "now": now,
                }
                for n in range(PEOPLE)
            ],
        )
        # Eight more policies with three versions each (the demo council has two).
        for p in range(POLICIES - 2):
            policy_id = 900 + p
            db.execute(
                text(
                    "INSERT INTO policies (id, slug, title, owner_role, created_at) "
                    "VALUES (:id, :slug, :title, 'town_clerk', :at)"
                ),
                {"id": policy_id, "slug": f"bench-{p}", "title": f"Bench Policy {p}", "at": long_ago},
            )
            for v in range(3):
                db.execute(
                    text(
                        "INSERT INTO policy_versions (id, policy_id, label, effective_date, body_markdown, "
                        "content_sha256, change_kind, change_summary, adopted_minute, review_due, status, created_at, "
                        "published_at, archived_at, applies_to_engagements, applies_to_roles) VALUES (:id, :policy, "
                        ":label, :effective, '# Bench', :sha, 'material', 'x', 'minute', :review, :status, :at, "
                        ":published, :archived, '[\"employee\", \"volunteer\"]', '[]')"
                    ),
                    {
                        "id": 9000 + p * 3 + v,
                        "policy": policy_id,
                        "label": str(v + 1),
                        "effective": (long_ago + timedelta(days=100 * v)).date(),
                        "sha": f"{p}-{v}".ljust(64, "0"),
                        "review": date(2027, 1, 1),
                        "status": "published" if v == 2 else "archived",
                        "at": long_ago,
                        "published": long_ago + timedelta(days=100 * v),
                        "archived": long_ago + timedelta(days=100 * (v + 1)) if v < 2 else None,
                    },
                )
        latest = [
            row[0]
            for row in db.execute(
                text("SELECT max(id) FROM policy_versions GROUP BY policy_id ORDER BY policy_id")
            )
        ]
        per_person = ACKNOWLEDGEMENTS // PEOPLE
        db.execute(
            text(
                "INSERT INTO acknowledgements (person_id, version_id, record_number, kind, method, person_name, "
                "person_email, version_label, version_sha256, statement_text, statement_sha256, actor_id, "
                "recorded_at, reauthenticated, evidence_sha256) VALUES (:person, :version, 1, 'signed', 'self', "
                "'Bench', 'bench@bench.example', '3', 'sha', 'I agree', 'ssha', :person, :at, true, 'esha')"
            ),
            [
                # Most have signed the newest version; every seventh signed the one before it.
                {
                    "person": first_person + n,
                    "version": latest[k] - (1 if n % 7 == 0 and latest[k] >= 9000 else 0),
                    "at": now,
                }
                for n in range(PEOPLE)
                for k in range(min(per_person, len(latest)))
            ],
        )
        quiz_id = db.execute(text("SELECT id FROM quizzes WHERE quiz_key = 'onboarding'")).scalar_one()
        attempts_each = ATTEMPTS // PEOPLE
        db.execute(
            text(
                "INSERT INTO quiz_attempts (person_id, quiz_id, number, status, pass_mark, remedial_topics, "
                "started_at, submitted_at, score_percent, passed) VALUES (:person, :quiz, :number, 'submitted', 80, "
                "'[]', :at, :at, :score, :passed)"
            ),
            [
                {
                    "person": first_person + n,
                    "quiz": quiz_id,
                    "number": k + 1,
                    "at": now - timedelta(days=30),
                    "score": 90 if k == attempts_each - 1 else 40,
                    "passed": k == attempts_each - 1 and n % 3 != 0,
                }
                for n in range(PEOPLE)
                for k in range(attempts_each)
            ],
        )
        db.execute(
            text(
                "INSERT INTO quiz_completions (person_id, quiz_id, attempt_id, completed_at, expires_on) "
                "SELECT person_id, quiz_id, id, submitted_at, :expires FROM quiz_attempts "
                "WHERE passed = :yes AND person_id >= :first"
            ),
            {"expires": date.today() + timedelta(days=300), "yes": True, "first": first_person},
        )
        clerk = db.execute(
            text("SELECT id FROM people WHERE email = 'clerk@ashcombe-tc.example'")
        ).scalar_one()
        channel = db.execute(text("SELECT min(id) FROM channels")).scalar_one()
        for n in range(AUTHORISATIONS):
            request_id = 50_000 + n
            db.execute(
                text(
                    "INSERT INTO authorisation_requests (id, person_id, requested_by_id, requested_at, scope, "
                    "conditions, starts_on, ends_on, justification) VALUES (:id, :person, :clerk, :at, 'Events', '', "
                    ":starts, :ends, 'x')"
                ),
                {
                    "id": request_id,
                    "person": first_person + n * 2,
                    "clerk": clerk,
                    "at": now,
                    "starts": date.today() - timedelta(days=100),
                    "ends": date.today() + timedelta(days=n % 300),
                },
            )
        db.execute(
            text("INSERT INTO authorisation_request_channels (request_id, channel_id) VALUES (:r, :c)"),
            [{"r": 50_000 + n, "c": channel} for n in range(AUTHORISATIONS)],
        )
        db.execute(
            text(
                "INSERT INTO authorisation_issues (request_id, reference, verification_code, signed_by_id, "
                "signer_name, signer_role, typed_name, signed_at, ip_address, letter_pdf, letter_sha256) VALUES "
                "(:r, :ref, :code, :clerk, 'Helen Marsh', 'town_clerk', 'Helen Marsh', :at, NULL, :pdf, 'sha')"
            ),
            [
                {
                    "r": 50_000 + n,
                    "ref": f"PA-2026-{n:05d}",
                    "code": f"code-{n}",
                    "clerk": clerk,
                    "at": now,
                    "pdf": b"%PDF",
                }
                for n in range(AUTHORISATIONS)
            ],
        )
        # Every change writes an audit event; the overview's cache keys on the newest one.
        db.execute(
            text(
                "INSERT INTO audit_events (occurred_at, action, object_type, details, previous_hash, hash) "
                "VALUES (:at, 'bench.loaded', 'council', '{}', 'p', 'h')"
            ),
            {"at": now},
        )
        if engine.dialect.name == "postgresql":
            db.execute(text("ANALYZE"))  # fresh statistics after the bulk load, as autovacuum would give
    engine.dispose()


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    from bench.training import _serve as serve

    return serve(url, port)


def _locust(port: int, folder: str) -> dict[str, dict[str, float]]:
    from portal.demo import DEMO_PASSWORD

    environment = {**os.environ, "BENCH_EMAIL": "clerk@ashcombe-tc.example", "BENCH_PASSWORD": DEMO_PASSWORD}
    subprocess.run(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{RUN_SECONDS}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            f"{folder}/run",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        check=True,
        env=environment,
        cwd=ROOT,
        capture_output=True,
    )
    with open(f"{folder}/run_stats.csv", newline="") as stats:
        return {
            row["Name"]: {
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
            }
            for row in csv.DictReader(stats)
        }


def _exports(url: str) -> dict[str, float]:
    """Cold CSV and PDF of everyone, timed in-process."""
    from portal import create_app
    from portal.config import Settings
    from portal.db import database
    from portal.documents.render import render_pdf
    from portal.downloads import csv_text
    from portal.reports import overview as reports
    from portal.reports.views import _export_rows

    app = create_app(Settings.from_environment(database_url=url, secret_key="b" * 40))
    with app.app_context(), database(app).session_scope() as session:
        cold = []
        for _ in range(3):  # best of three: the database may still be settling after the bulk load
            reports.clear_cache()
            started = time.perf_counter()
            found = reports.overview_for(session, manager_id=None)
            header, lines = _export_rows(found, found.rows)
            text_csv = csv_text(header, lines)
            cold.append(time.perf_counter() - started)
        csv_seconds = min(cold)
        started = time.perf_counter()  # again, as the next export after no change is served
        again = reports.overview_for(session, manager_id=None)
        csv_text(*_export_rows(again, again.rows))
        warm_csv_seconds = time.perf_counter() - started
        started = time.perf_counter()
        summary = reports.summarise(found.requirements, found.rows)
        pdf = render_pdf(
            "documents/compliance_report.html",
            header=header,
            lines=lines,
            summary=summary,
            overdue=reports.overdue_items(found.requirements, found.rows),
            by_department=reports.percent_by_department(found.rows),
            filters=type("F", (), {"department_id": None, "engagement": "", "status": ""})(),
            departments={},
            everyone=True,
            on=date.today(),
        )
        pdf_seconds = time.perf_counter() - started
    return {
        "csv_seconds": round(csv_seconds, 2),
        "warm_csv_seconds": round(warm_csv_seconds, 2),
        "csv_rows": len(lines),
        "csv_columns": len(header),
        "csv_bytes": len(text_csv.encode()),
        "pdf_seconds": round(pdf_seconds, 2),
        "pdf_bytes": len(pdf),
    }


def run() -> Report:
    from bench.training import _free_port

    report = Report("reports", "Compliance overview of a large council")
    report.lines += [
        f"{PEOPLE:,} people, {POLICIES} policies × 3 versions, {ACKNOWLEDGEMENTS:,} acknowledgements, "
        f"{ATTEMPTS:,} quiz attempts, {AUTHORISATIONS:,} authorisations. gunicorn {WORKERS} workers × 4 threads; "
        f"locust {USERS} users for {RUN_SECONDS} s, every page and /healthz in the same task set.",
        "",
        "| database | page | p50 ms | p95 ms | p95 ÷ bare p95 | requests |",
        "|---|---|---|---|---|---|",
    ]
    with databases() as found:
        for label, url in found:
            _populate(url)
            port = _free_port()
            server = _serve(url, port)
            try:
                with tempfile.TemporaryDirectory() as folder:
                    stats = _locust(port, folder)
            finally:
                server.terminate()
                server.wait(timeout=30)
            bare = stats["/healthz"]
            entry = {"database": label, "bare": bare, "pages": {}}
            for page in PAGES:
                page_stats = stats[page]
                ratio = round(page_stats["p95_ms"] / max(bare["p95_ms"], 1), 2)
                entry["pages"][page] = {**page_stats, "p95_ratio": ratio}
                report.lines.append(
                    f"| {label} | {page} | {page_stats['p50_ms']:.0f} | {page_stats['p95_ms']:.0f} | {ratio} | {page_stats['requests']} |"
                )
                if page_stats["failures"]:
                    report.missed.append(f"{label} {page}: {page_stats['failures']} failed requests")
            report.lines.append(
                f"| {label} | /healthz (bare) | {bare['p50_ms']:.0f} | {bare['p95_ms']:.0f} | 1.0 | {bare['requests']} |"
            )
            exports = _exports(url)
            entry["exports"] = exports
            report.data.append(entry)
            report.lines.append("")
            report.lines.append(
                f"{label}: CSV of {exports['csv_rows']:,} people × {exports['csv_columns']} columns from a cold cache (best of 3) "
                f"in {exports['csv_seconds']} s (target ≤ {CSV_TARGET_SECONDS} s), {exports['warm_csv_seconds']} s when "
                f"the overview is already cached; PDF report of everyone in "
                f"{exports['pdf_seconds']} s ({exports['pdf_bytes'] // 1024:,} KB)."
            )
            report.lines.append("")
            if exports["csv_seconds"] > CSV_TARGET_SECONDS:
                report.missed.append(f"{label} CSV export took {exports['csv_seconds']} s")
            if label == "postgresql" and entry["pages"]["/reports"]["p95_ms"] > OVERVIEW_P95_TARGET_MS:
                report.missed.append(
                    f"overview p95 {entry['pages']['/reports']['p95_ms']} ms > {OVERVIEW_P95_TARGET_MS} ms"
                )
    return report


if __name__ == "__main__":
    result = run()
    result.write()
    print("\n".join(result.lines))
    print("missed:", result.missed)
