"""The public check of a letter reads what was sealed when it was signed, not the
request's editable columns (issue: evidence against insiders)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from portal.audit.seal import verify_records
from portal.authorisations import service
from tests.authorisations.test_authorisations import _issued
from tests.factories import PASSWORD
from tests.helpers import as_superuser


def _issue(app, session, council, sign_as):
    clerk = council[0]
    request = _issued(app, session, council, sign_as)
    with app.app_context():
        service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    return request


def test_an_insider_extending_a_request_does_not_extend_the_letter(
    app, client, session, database_url, council, sign_as
):
    request = _issue(app, session, council, sign_as)
    code, member = request.issue.verification_code, council[3]
    # Someone with write access to the database moves the end date five years on and
    # puts another person on the request: the request's table is not append-only.
    stranger = council[1]
    as_superuser(
        database_url,
        f"UPDATE authorisation_requests SET ends_on = '2031-12-31', person_id = {stranger.id} "
        f"WHERE id = {request.id}",
    )
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Valid" in page and member.name in page and stranger.name not in page and "2031" not in page
    with time_machine.travel(datetime.now(UTC) + timedelta(days=40)):
        assert "Expired" in client.get(f"/verify/{code}").get_data(as_text=True)


def test_edited_terms_cannot_be_confirmed_and_verify_names_them(
    app, client, session, database_url, council, sign_as
):
    request = _issue(app, session, council, sign_as)
    code = request.issue.verification_code
    as_superuser(database_url, "UPDATE authorisation_terms SET ends_on = '2031-12-31'")
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Cannot be confirmed" in page and "Valid" not in page
    session.expire_all()
    problems = verify_records(session, keys_came_later=False).problems
    assert [p.table for p in problems] == ["authorisation_terms"]
