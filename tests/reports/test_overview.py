"""The compliance overview: matrix, filters, counts, overdue list, charts, scoping, exports."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader

from portal.authorisations.models import (
    AuthorisationDecline,
    AuthorisationIssue,
    AuthorisationRequest,
    AuthorisationRevocation,
)
from portal.clock import add_working_days
from portal.people.models import Role
from portal.reports import history
from portal.reports.models import ComplianceSnapshot
from portal.templating import format_date
from tests.business_cases.helpers import pdf_text
from tests.factories import make_person


def _page(client, query: str = "") -> str:
    response = client.get(f"/reports{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_clerk_sees_everyone_with_counts_and_the_matrix(client, session, council):
    client.sign_in_as(council.clerk)
    page = _page(client)
    for person in (council.member, council.late, council.outsider, council.clerk):
        assert person.name in page
    # Everyone but Amy still has to sign: 1 of 5 (the clerk, the manager and three staff).
    assert "1 of 5 people (20%) have everything done." in page
    assert 'role="img"' in page and "Completion by department" in page and "Parks: 33% (1 of 3)" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?department={library}", ["Cat Outsider"], ["Amy Member", "Ben Late"]),
        ("?engagement=volunteer", ["Cat Outsider"], ["Amy Member"]),
        ("?status=complete", ["Amy Member"], ["Ben Late", "Cat Outsider"]),
        ("?status=incomplete", ["Ben Late"], ["Amy Member"]),
    ],
)
def test_filters(client, session, council, query, shown, hidden):
    client.sign_in_as(council.clerk)
    page = _page(client, query.format(library=council.library.id))
    matrix = page.split("Everyone and what is required of them")[1]
    assert all(name in matrix for name in shown) and not any(name in matrix for name in hidden)


def test_a_manager_sees_only_their_team(client, session, council):
    client.sign_in_as(council.manager)
    page = _page(client)
    assert "your team" in page and "Amy Member" in page and "Ben Late" in page
    assert "Cat Outsider" not in page and "Clara Clerk" not in page
    assert "1 of 2 people (50%)" in page
    assert "Business cases" not in page.split("Everyone and what is required")[0].split("</h1>")[1]
    csv = client.get("/reports/overview.csv").get_data(as_text=True)
    assert "Cat Outsider" not in csv and "Amy Member" in csv


def test_the_overdue_list_is_longest_first(client, session, council):
    later = make_person(session, name="Dee Later", start_date=date.today() - timedelta(days=3))
    due = add_working_days(date.today(), 20)
    with time_machine.travel(due + timedelta(days=10), tick=True):
        client.sign_in_as(council.clerk)
        page = _page(client, "?status=overdue")
    overdue = page.split("Overdue, longest first")[1].split("Posting authorisations ending")[0]
    assert "Ben Late" in overdue and "Amy Member" not in overdue
    assert later.name in overdue


def test_the_chart_of_completion_over_time_uses_the_daily_snapshots(app, client, session, council):
    with app.app_context():
        for days_ago in (14, 7):
            history.take_snapshot(session, date.today() - timedelta(days=days_ago))
    session.commit()
    assert session.query(ComplianceSnapshot).count() >= 4  # per department, per day
    client.sign_in_as(council.clerk)
    page = _page(client)
    chart = page.split("Completion over time</h2>")[1].split("</details>")[0]
    assert "polyline" in chart and chart.count("<circle") == 3  # two snapshots and today
    assert "Share of people with everything done" in chart


def test_a_chart_with_one_point_names_its_date_once(app):
    from portal.reports.history import Point

    with app.test_request_context():
        charts = app.jinja_env.get_template("reports/_charts.html").module
        one = str(charts.completion_over_time([Point(date(2026, 11, 2), 3, 4)]))
        points = [Point(date(2026, 11, 2), 3, 4), Point(date(2026, 11, 9), 4, 4)]
        two = str(charts.completion_over_time(points))
    assert one.count("2 November 2026") == 2  # the axis label and the description, once each
    assert "from 75%" not in one and "75% on 2 November 2026" in one
    assert two.count("2 November 2026") == 2 and two.count("9 November 2026") == 2


def test_the_csv_export_follows_the_filter_has_a_bom_and_is_safe_from_formulas(client, session, council):
    make_person(session, name='=HYPERLINK("http://evil.example")', department=council.library)
    make_person(session, name="@SUM(1+1)", department=council.library)
    client.sign_in_as(council.clerk)
    response = client.get(f"/reports/overview.csv?department={council.library.id}")
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text
    assert "Cat Outsider" in text and "Amy Member" not in text
    lines = text.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Name,Department,How they work,Test Policy")


def test_the_pdf_report_follows_the_filter(client, session, council):
    client.sign_in_as(council.clerk)
    response = client.get("/reports/overview.pdf?status=complete")
    assert response.data.startswith(b"%PDF")
    words = pdf_text(response.data)
    assert "Compliance report" in words and "Amy Member" in words and "Ben Late" not in words
    # The report's own landscape page wins over the shared document stylesheet's A4.
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert page.mediabox.width > page.mediabox.height


def test_a_change_shows_at_once(client, session, council, sign_as):
    client.sign_in_as(council.clerk)
    assert "1 of 5 people" in _page(client)
    from portal.policies.service import get_policy

    sign_as(council.late, get_policy(session, "test-policy"))
    assert "2 of 5 people" in _page(client)  # the cache follows the audit trail


def _authorisation(session, person, clerk, *, ends_in_days, outcome, starts_in_days=-30):  # type: ignore[no-untyped-def]
    """A posting authorisation as it stands after `outcome`: issued, revoked or declined."""
    now = datetime.now(UTC)
    request = AuthorisationRequest(
        person_id=person.id,
        requested_by_id=clerk.id,
        requested_at=now,
        scope="Event notices",
        conditions="",
        starts_on=date.today() + timedelta(days=starts_in_days),
        ends_on=date.today() + timedelta(days=ends_in_days),
        justification="Runs the events page",
    )
    session.add(request)
    session.flush()
    if outcome == "declined":
        session.add(
            AuthorisationDecline(request_id=request.id, declined_by_id=clerk.id, declined_at=now, reason="x")
        )
    else:
        session.add(
            AuthorisationIssue(
                request_id=request.id,
                reference=f"PA-TEST-{request.id:04d}",
                verification_code=f"code-{request.id}",
                signed_by_id=clerk.id,
                signer_name=clerk.name,
                signer_role="town_clerk",
                typed_name=clerk.name,
                signed_at=now,
                letter_pdf=b"%PDF",
                letter_sha256="0" * 64,
            )
        )
    if outcome == "revoked":
        session.add(
            AuthorisationRevocation(request_id=request.id, revoked_by_id=clerk.id, revoked_at=now, reason="x")
        )
    session.commit()


def test_posting_authorisations_in_the_matrix_and_those_ending_within_30_days(client, session, council):
    _authorisation(session, council.member, council.clerk, ends_in_days=10, outcome="issued")
    _authorisation(session, council.late, council.clerk, ends_in_days=10, outcome="revoked")
    _authorisation(session, council.outsider, council.clerk, ends_in_days=10, outcome="declined")
    _authorisation(session, council.manager, council.clerk, ends_in_days=60, outcome="issued")
    client.sign_in_as(council.clerk)
    page = _page(client)
    ending = page.split("ending in the next 30 days", 1)[1].split("</ul>", 1)[0]
    assert "Amy Member (PA-TEST-" in ending
    assert "Ben Late" not in ending and "Cat Outsider" not in ending and "Mo Manager" not in ending
    for name, shown in (
        ("Amy Member", "Authorised"),
        ("Ben Late", "Revoked"),
        ("Cat Outsider", "Declined"),
        ("Mo Manager", "Authorised"),
        ("Clara Clerk", "None"),
    ):
        row = page.split(f'<th scope="row" class="govuk-table__header">{name}', 1)[1].split("</tr>", 1)[0]
        assert row.rstrip().endswith(f'<td class="govuk-table__cell">{shown}</td>'), name


def test_an_authorisation_that_has_not_started_is_not_yet_in_force(client, session, council):
    # Issued today for a term that begins in a week: nobody may post under it yet
    # (Networking Policy 3.2, with the dates the letter states).
    _authorisation(
        session, council.member, council.clerk, ends_in_days=90, outcome="issued", starts_in_days=7
    )
    client.sign_in_as(council.clerk)
    row = (
        _page(client)
        .split('<th scope="row" class="govuk-table__header">Amy Member', 1)[1]
        .split("</tr>", 1)[0]
    )
    starts = format_date(date.today() + timedelta(days=7))
    assert row.rstrip().endswith(f'<td class="govuk-table__cell">Not yet in force: starts {starts}</td>')
    exported = client.get("/reports/overview.csv").get_data(as_text=True)
    assert f"Not yet in force: starts {starts}" in next(
        line for line in exported.splitlines() if "Amy Member" in line
    )


@pytest.mark.parametrize("roles", [set(), {Role.ADMINISTRATOR}, {Role.MAYOR}])
def test_who_cannot_see_the_overview(client, session, council, roles):
    client.sign_in_as(make_person(session, roles=roles))
    for url in ("/reports", "/reports/overview.csv", "/reports/overview.pdf"):
        assert client.get(url).status_code == 403
