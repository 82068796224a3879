"""Every page of the overview issues a fixed number of SQL queries: 10 people against 500."""

from __future__ import annotations

from datetime import date, timedelta

from portal.authorisations.service import RequestDetails, add_channel, request_authorisation
from portal.people.models import EngagementType, Role
from portal.reports.overview import clear_cache
from portal.training.sync import sync
from tests.conftest import empty_database
from tests.factories import make_department, make_person, make_policy
from tests.training.conftest import TEST_BANK

PAGES = [
    "/reports",
    "/reports?status=overdue",
    "/reports?department=1&engagement=employee",
    "/reports?page=2",
    "/reports/overview.csv",
    "/reports/overview.csv?status=incomplete",
]
ENGAGEMENTS = list(EngagementType)


def _council(session, size: int):
    departments = [make_department(session) for _ in range(3)]
    clerk = make_person(session, roles={Role.TOWN_CLERK})
    manager = make_person(session, roles={Role.MANAGER})
    people = [
        make_person(
            session,
            engagement=ENGAGEMENTS[n % len(ENGAGEMENTS)],
            department=departments[n % 3],
            manager=manager if n % 2 else None,
            start_date=date.today() - timedelta(days=n % 60),
            commit=False,
        )
        for n in range(size)
    ]
    session.commit()
    make_policy(session, clerk=clerk)
    make_policy(session, clerk=clerk, slug="second", title="Second Policy")
    sync(session, TEST_BANK)
    channel = add_channel(
        session, clerk, platform="x", name="@c", url="https://x.example", basis="Minute 24/001"
    )
    for person in people[::5]:
        request_authorisation(
            session,
            clerk,
            RequestDetails(
                person, [channel.id], "Events", "", date.today(), date.today() + timedelta(days=20), "x"
            ),
        )
    session.commit()
    return clerk, manager


def _counts(client, session, queries, size: int) -> dict[str, int]:
    found = {}
    with client.app.app_context():  # a request emails the Mayor and the Town Clerk
        clerk, manager = _council(session, size)
    for who in (clerk, manager):
        client.sign_in_as(who)
        for page in PAGES:
            client.get(page)
            clear_cache()  # measure the work, not the cache
            queries.reset()
            assert client.get(page).status_code == 200, page
            found[f"{who.roles and sorted(who.roles)[0]} {page}"] = queries.count
    return found


def test_overview_pages_issue_the_same_queries_for_10_and_500_people(client, session, queries, database_url):
    small = _counts(client, session, queries, 10)
    session.close()
    empty_database(database_url)
    large = _counts(client, session, queries, 500)
    assert {k: (small[k], large[k]) for k in small if small[k] != large[k]} == {}
