"""Policies: how long a receipt takes to render, and the status of a large council.

- Receipt rendering: the median time of a full receipt (evidence table and QR code)
  against a minimal one-page WeasyPrint document rendered in the same run,
  alternately. Target: at most 2x unsealed, and at most 3x sealed (signed with the
  council's certificate, as every issued receipt is).
- Status: every person's status on every policy for 5,000 people and 10 policies
  (about 25,000 signatures). Target: under 1 second, on each database.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, text

from bench.common import Report, databases, render_ratio, render_ratio_line

RENDER_ROUNDS = 41
RECEIPT_RATIO_TARGET = 2.0
SEALED_RATIO_TARGET = 3.0
PEOPLE = 5_000
POLICIES = 10
STATUS_TARGET_SECONDS = 1.0
STATUS_ROUNDS = 3


def _receipt_timings(*, sealed: bool) -> dict:
    from portal import create_app
    from portal.config import Settings
    from portal.people.breach_routes import ROUTE_WORDS, Route
    from portal.policies.models import Acknowledgement, Policy
    from portal.policies.receipts import render_receipt
    from portal.policies.signing import STATEMENT

    app = create_app(Settings.from_environment(database_url="sqlite://", secret_key="b" * 40))
    policy = Policy(slug="p", title="Social Media & Networking Policy")
    ack = Acknowledgement(
        id=1,
        person_id=1,
        version_id=1,
        record_number=1,
        kind="signed",
        method="self",
        person_name="Nina Foster",
        person_email="nina.foster@ashcombe-tc.example",
        version_label="2026.1",
        version_sha256="a" * 64,
        statement_text=STATEMENT.format(
            name="Nina Foster",
            title=policy.title,
            label="2026.1",
            route=ROUTE_WORDS[Route.DISCIPLINARY].statement,
        ),
        statement_sha256="b" * 64,
        typed_name="Nina Foster",
        actor_id=1,
        recorded_at=datetime.now(UTC),
        first_viewed_at=datetime.now(UTC),
        ip_address="192.0.2.10",
        reauthenticated=True,
        evidence_sha256="c" * 64,
    )
    with app.app_context():
        result = render_ratio(
            lambda: render_receipt(
                ack,
                policy,
                code="ABCD-EFGH-JKLM",
                actor_name="Nina Foster",
                adopted_minute="Full Council, 12 March 2026, minute 2026/041",
                sealed=sealed,
            ),
            RENDER_ROUNDS,
        )
    return {
        **result,
        "sealed": sealed,
        "target_ratio": SEALED_RATIO_TARGET if sealed else RECEIPT_RATIO_TARGET,
    }


def _populate(url: str) -> None:
    from tests.helpers import migrate

    migrate(url)
    engine = create_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO people (id, name, email, engagement_type, start_date, is_active, session_token, "
                "is_demo, created_at) VALUES (:id, :name, :email, :kind, :start, true, 't', false, :now)"
            ),
            [
                {
                    "id": n,
                    "name": f"Person {n}",
                    "email": f"p{n}@bench.example",
                    "kind": "volunteer" if n % 7 == 0 else "employee",
                    "start": date(2025, 1, 6),
                    "now": now,
                }
                for n in range(1, PEOPLE + 1)
            ],
        )
        for p in range(1, POLICIES + 1):
            connection.execute(
                text(
                    "INSERT INTO policies (id, slug, title, owner_role, created_at) "
                    "VALUES (:id, :slug, :title, 'town_clerk', :now)"
                ),
                {"id": p, "slug": f"policy-{p}", "title": f"Policy {p}", "now": now},
            )
            for v in range(1, 4):  # three versions each: two archived, one current
                connection.execute(
                    text(
                        "INSERT INTO policy_versions (id, policy_id, label, effective_date, body_markdown, "
                        "content_sha256, change_kind, change_summary, adopted_minute, review_due, status, "
                        "created_at, published_at, applies_to_engagements, applies_to_roles) VALUES (:id, "
                        ":policy, :label, '2026-01-05', '# P', 'sha', :kind, 's', 'm', '2027-01-05', :status, "
                        ":now, :published, '[\"employee\", \"volunteer\"]', '[]')"
                    ),
                    {
                        "id": (p - 1) * 3 + v,
                        "policy": p,
                        "label": str(v),
                        "kind": "material" if v < 3 else "minor",
                        "status": "published" if v == 3 else "archived",
                        "now": now,
                        "published": datetime(2026, v, 5, 9, 0),
                    },
                )
        connection.execute(
            text(
                "INSERT INTO acknowledgements (person_id, version_id, record_number, kind, method, person_name, "
                "person_email, version_label, version_sha256, statement_text, statement_sha256, actor_id, "
                "recorded_at, reauthenticated, evidence_sha256) VALUES (:person, :version, 1, 'signed', 'self', "
                "'n', 'e', 'l', 's', '', '', :person, :now, true, 'x')"
            ),
            [
                {"person": n, "version": (p - 1) * 3 + 1 + (n % 3), "now": now}
                for n in range(1, PEOPLE + 1)
                for p in range(1, POLICIES + 1)
                if (n + p) % 2 == 0
            ],
        )
    engine.dispose()


def _status_seconds(url: str) -> float:
    from sqlalchemy import select
    from sqlalchemy.orm import Session, selectinload

    from portal.db import make_engine
    from portal.people.models import Person
    from portal.policies.status import statuses_for_people

    engine = make_engine(url)
    timings = []
    for _ in range(STATUS_ROUNDS):
        with Session(engine) as session:
            started = time.perf_counter()
            people = list(session.scalars(select(Person).options(selectinload(Person.role_grants))))
            statuses = statuses_for_people(session, people, today=date(2026, 11, 21))
            timings.append(time.perf_counter() - started)
            assert sum(len(s) for s in statuses.values()) == PEOPLE * POLICIES
    engine.dispose()
    return min(timings)


def run() -> Report:
    report = Report("policies", "Policies benchmark")
    receipt = _receipt_timings(sealed=False)
    sealed = _receipt_timings(sealed=True)
    report.data.append({"receipt_rendering": receipt, "sealed_receipt_rendering": sealed})
    report.lines += [
        "## Receipt rendering",
        "",
        render_ratio_line("unsealed receipt", receipt, RENDER_ROUNDS, RECEIPT_RATIO_TARGET),
        "",
        render_ratio_line("sealed receipt (rendered and signed)", sealed, RENDER_ROUNDS, SEALED_RATIO_TARGET),
        "",
        f"## Status of {PEOPLE:,} people × {POLICIES} policies",
        "",
        "| database | seconds (best of 3, including loading people) | target |",
        "|---|---|---|",
    ]
    if receipt["ratio"] > RECEIPT_RATIO_TARGET:
        report.missed.append(f"receipt rendering ratio {receipt['ratio']} > {RECEIPT_RATIO_TARGET}")
    if sealed["ratio"] > SEALED_RATIO_TARGET:
        report.missed.append(f"sealed receipt ratio {sealed['ratio']} > {SEALED_RATIO_TARGET}")
    with databases() as found:
        for label, url in found:
            _populate(url)
            seconds = round(_status_seconds(url), 3)
            report.data.append(
                {"database": label, "status_seconds": seconds, "target_seconds": STATUS_TARGET_SECONDS}
            )
            report.lines.append(f"| {label} | {seconds} | < {STATUS_TARGET_SECONDS} |")
            if seconds >= STATUS_TARGET_SECONDS:
                report.missed.append(f"{label} status of {PEOPLE} × {POLICIES}: {seconds} s")
    return report
