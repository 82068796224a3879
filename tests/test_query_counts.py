"""Pages issue a fixed number of SQL queries, however many people the council has."""

from __future__ import annotations

from portal.audit.service import record
from portal.people.models import EngagementType, Role
from tests.conftest import empty_database
from tests.factories import make_department, make_person

ENGAGEMENTS = list(EngagementType)


def _council(session, size: int):
    departments = [make_department(session) for _ in range(4)]
    people = [
        make_person(
            session,
            engagement=ENGAGEMENTS[n % len(ENGAGEMENTS)],
            department=departments[n % 4],
            roles={Role.MANAGER} if n % 10 == 0 else set(),
            commit=False,
        )
        for n in range(size)
    ]
    for person in people:
        record(session, actor=person, action="test.activity", object_type="person", object_id=person.id)
    session.commit()
    return people


PAGES = [
    "/",
    "/account",
    "/people",
    "/people?status=all&q=person",
    "/people/{someone}",
    "/people/{someone}/edit",
    "/people/{someone}/leave",
    "/people/new",
    "/people/import",
    "/people/departments",
    "/audit",
    "/audit?action=test.activity",
    "/accessibility",
]


def _count_queries(client, session, queries, size: int) -> dict[str, int]:
    people = _council(session, size)
    admin = make_person(session, roles={Role.ADMINISTRATOR, Role.TOWN_CLERK}, manager=people[0])
    client.sign_in_as(admin)
    counts = {}
    for page in PAGES:
        url = page.format(someone=people[-1].id)
        client.get(url)  # warm up: first-request work is not the page's
        queries.reset()
        response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = queries.count
    return counts


def test_query_counts_do_not_grow_with_the_council(client, session, queries, database_url):
    small = _count_queries(client, session, queries, 5)
    session.close()
    empty_database(database_url)
    large = _count_queries(client, session, queries, 200)
    grew = {page: (small[page], large[page]) for page in PAGES if large[page] != small[page]}
    assert grew == {}, f"queries grew with the data (5 people, 200 people): {grew}"
