"""Page speed of the foundation pages with a council of 2,000 people.

Every page is measured as a ratio against a bare endpoint (/healthz: one
`SELECT 1`) timed in the same run, interleaved request by request.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, text

from bench.common import Report, databases, percentile

PEOPLE = 2_000
ROUNDS = 150
# p95 of each page may be at most this many times the bare endpoint's p95.
TARGET_RATIO = {"/": 4.0, "/people": 10.0, "/people?q=person+1": 10.0, "/audit": 8.0, "/people/{id}": 6.0}
AUDIT_EVENTS = 20_000


def _populate(url: str) -> None:
    from portal.auth.passwords import hash_password

    engine = create_engine(url)
    password = hash_password("benchmark password for everyone")
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO departments (id, name) VALUES (1, 'A'), (2, 'B'), (3, 'C'), (4, 'D')")
        )
        connection.execute(
            text(
                "INSERT INTO people (id, name, email, engagement_type, department_id, start_date, is_active, "
                "password_hash, session_token, is_demo, created_at) VALUES (:id, :name, :email, 'employee', "
                ":dept, :start, true, :hash, :token, false, :now)"
            ),
            [
                {
                    "id": n,
                    "name": f"Person {n}",
                    "email": f"person{n}@bench.example",
                    "dept": n % 4 + 1,
                    "start": date(2026, 1, 5),
                    "hash": password,
                    "token": f"t{n}",
                    "now": now,
                }
                for n in range(1, PEOPLE + 1)
            ],
        )
        connection.execute(text("INSERT INTO person_roles (person_id, role) VALUES (1, 'administrator')"))
        connection.execute(text("INSERT INTO person_roles (person_id, role) VALUES (1, 'town_clerk')"))
        # The viewer never re-hashes, so placeholder hashes are enough to fill the table.
        connection.execute(
            text(
                "INSERT INTO audit_events (occurred_at, actor_id, action, object_type, object_id, details, "
                "previous_hash, hash) "
                "VALUES (:now, :actor, 'bench.event', 'person', :actor, '{}', 'p', :hash)"
            ),
            [{"now": now, "actor": n % PEOPLE + 1, "hash": f"h{n}"} for n in range(AUDIT_EVENTS)],
        )
    engine.dispose()


def measure(url: str, label: str) -> dict:
    from portal import create_app
    from portal.config import Settings
    from tests.helpers import Client, migrate

    migrate(url)
    _populate(url)
    app = create_app(Settings.from_environment(database_url=url, secret_key="b" * 40))
    client = Client(app)
    with client.http.session_transaction() as session:
        session["_user_id"] = f"1.t1.{int(time.time())}"
    pages = [page.replace("{id}", str(PEOPLE // 2)) for page in TARGET_RATIO]
    timings: dict[str, list[float]] = {page: [] for page in ["/healthz", *pages]}
    for page in timings:  # warm-up
        assert client.get(page).status_code == 200, page
    for _ in range(ROUNDS):
        for page in timings:
            started = time.perf_counter()
            client.get(page)
            timings[page].append(time.perf_counter() - started)
    baseline = percentile(timings["/healthz"], 0.95)
    results = {}
    for template, page in zip(["/healthz", *TARGET_RATIO], timings, strict=True):
        p50, p95 = statistics.median(timings[page]), percentile(timings[page], 0.95)
        results[template] = {
            "p50_ms": round(p50 * 1000, 2),
            "p95_ms": round(p95 * 1000, 2),
            "p95_ratio_to_bare": round(p95 / baseline, 2),
            "target_ratio": TARGET_RATIO.get(template),
        }
    return {"database": label, "people": PEOPLE, "rounds": ROUNDS, "pages": results}


def run() -> Report:
    report = Report(
        "foundation",
        "Foundation pages benchmark",
        lines=[
            f"{PEOPLE} people and {AUDIT_EVENTS} audit events; {ROUNDS} interleaved rounds through the "
            "Flask test client. Each page's p95 is compared with the bare `/healthz` endpoint's p95 "
            "from the same run.",
            "",
        ],
    )
    with databases() as found:
        for label, url in found:
            report.data.append(measure(url, label))
    for result in report.data:
        report.lines += [
            f"## {result['database']}",
            "",
            "| page | p50 ms | p95 ms | p95 / bare | target |",
            "|---|---|---|---|---|",
        ]
        for page, row in result["pages"].items():
            target = row["target_ratio"]
            report.lines.append(
                f"| `{page}` | {row['p50_ms']} | {row['p95_ms']} | {row['p95_ratio_to_bare']} | "
                f"{'≤ ' + str(target) if target else 'baseline'} |"
            )
            if target and row["p95_ratio_to_bare"] > target:
                report.missed.append(f"{result['database']} {page}: {row['p95_ratio_to_bare']} > {target}")
        report.lines.append("")
    return report
