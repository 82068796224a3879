"""After a database error, a signed-in person still gets the council's own error page.

A failed transaction expires everything its session loaded, the signed-in person
included. The error page used to read their roles for the navigation, which then
failed too, and people saw a bare "Internal Server Error".
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from portal.people.models import Department, Role
from portal.training import programme
from tests.factories import make_person


def _failed_flush(db, *_args, **_kwargs):  # type: ignore[no-untyped-def]
    db.add(Department(name=None))  # NOT NULL: the database refuses the flush
    db.flush()


def _database_went_away(db, *_args, **_kwargs):  # type: ignore[no-untyped-def]
    db.rollback()  # what the session does when its connection breaks mid-request
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.mark.parametrize("failure", [_failed_flush, _database_went_away])
def test_a_database_error_shows_the_styled_error_page(client, session, monkeypatch, failure):
    client.sign_in_as(make_person(session, roles={Role.HR, Role.MANAGER}))
    monkeypatch.setattr(programme, "statuses_for", failure)
    response = client.get("/training")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "Ashcombe Town Council" in page and "govuk-template" in page
    assert "Error code 500" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_other_error_pages_still_show_the_navigation(client, session):
    client.sign_in_as(make_person(session, roles={Role.HR}))
    page = client.get("/conduct/999999").get_data(as_text=True)
    assert "Page not found" in page and "Disciplinary records" in page and "Sign out" in page
