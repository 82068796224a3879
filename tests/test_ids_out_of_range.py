"""An id no column can hold is simply not found: every `<int:...>` route answers 404.

Before the fix a number past 2**63 - 1 reached the query and failed there (500).
"""

from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from portal.db import LARGEST_ID
from portal.forms import posted_id
from portal.people.models import PersonRole, Role
from tests.factories import make_person

OUT_OF_RANGE = [LARGEST_ID + 1, 2**63]


def _int_rules(app):  # type: ignore[no-untyped-def]
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints


def _other(rule, name):  # type: ignore[no-untyped-def]
    converter = rule._converters.get(name)
    return sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "x"


def test_there_are_int_routes_to_check(app):
    assert len(list(_int_rules(app))) > 30


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_every_int_route_answers_404_to_an_id_out_of_range(app, client, session, value):
    person = make_person(session)
    # Every role, granted directly: the point is to get past each route's access rule.
    session.add_all(PersonRole(person_id=person.id, role=role.value) for role in Role)
    session.commit()
    client.sign_in_as(person)
    adapter = app.url_map.bind("portal.test")
    wrong = []
    for rule, ints in _int_rules(app):
        values = {name: value if name in ints else _other(rule, name) for name in rule.arguments}
        url = adapter.build(rule.endpoint, values, force_external=False)
        response = client.get(url) if "GET" in rule.methods else client.post(url, {})
        if response.status_code != 404:
            wrong.append((rule.rule, response.status_code))
    assert wrong == []


def test_the_largest_id_is_still_routed(client, session):
    person = make_person(session, roles={Role.HR})
    client.sign_in_as(person)
    assert client.get(f"/conduct/{LARGEST_ID}").status_code == 404  # no such case, but routed


@pytest.mark.parametrize("value", ["7", " 7 "])
def test_a_posted_id_is_read_when_it_is_plain_digits(value):
    assert posted_id(value) == 7


@pytest.mark.parametrize("value", ["²", "١", "-1", "1e3", "", None, "99999999999", str(2**31), "NaN"])
def test_a_posted_id_is_refused_unless_it_is_plain_digits_in_range(value):
    assert posted_id(value) is None


def test_declining_with_a_version_id_that_is_not_a_number_is_a_message_not_a_crash(client, session):
    from tests.factories import make_clerk, make_person, make_policy

    clerk = make_clerk(session)
    policy, _version = make_policy(session, clerk=clerk)
    someone = make_person(session)
    client.sign_in_as(someone)
    for value in ["²", "not-a-number", "\x00"]:
        response = client.post(f"/policies/{policy.slug}/decline", {"version_id": value, "reason": "No."})
        assert response.status_code < 500, value
