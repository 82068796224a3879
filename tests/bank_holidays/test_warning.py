"""Six months before the calendar ends, the administrator and the Town Clerk are told:
on their home page and in their digest. A page that would count past the end says why."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from portal.jobs import reminders
from portal.outbox.models import OutboxMessage
from portal.people.models import Role
from portal.tasks import tasks_for
from tests.bank_holidays.files import with_2029, write
from tests.factories import make_person, make_policy
from tests.notifications.conftest import smtp_settings

LAST_DAY_WITHOUT = date(2028, 6, 29)  # the calendar ends on 31 December 2028
FIRST_DAY_WITH = date(2028, 6, 30)
TITLE = (
    "Load a newer bank-holiday calendar: the one held for England and Wales, Scotland and Northern Ireland"
)


def _at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC), tick=False)


def _calendar_tasks(app, session, person, day: date):
    with _at(day), app.test_request_context():
        found = [task for task in tasks_for(session, person) if "bank-holiday calendar" in task.title]
    session.commit()
    return found


@pytest.fixture
def people(session):
    return {
        "administrator": make_person(session, roles={Role.ADMINISTRATOR}),
        "clerk": make_person(session, roles={Role.TOWN_CLERK}),
        "deputy": make_person(session, roles={Role.DEPUTY_CLERK}),
        "hr": make_person(session, roles={Role.HR}),
        "manager": make_person(session, roles={Role.MANAGER}),
        "staff": make_person(session),
    }


def test_the_administrator_and_the_clerk_are_told_from_six_months_before_the_end(app, session, people):
    for who in ("administrator", "clerk"):
        assert _calendar_tasks(app, session, people[who], LAST_DAY_WITHOUT) == []
        (task,) = _calendar_tasks(app, session, people[who], FIRST_DAY_WITH)
        assert task.title == f"{TITLE} ends on 31 December 2028"
        assert (task.href, task.due, task.overdue) == ("/bank-holidays", date(2028, 12, 31), False)
    for who in ("deputy", "hr", "manager", "staff"):
        assert _calendar_tasks(app, session, people[who], FIRST_DAY_WITH) == []


def test_once_it_has_ended_the_task_is_overdue(app, session, people):
    (task,) = _calendar_tasks(app, session, people["clerk"], date(2029, 1, 2))
    assert task.title == f"{TITLE} ended on 31 December 2028"
    assert task.overdue


def test_a_newer_calendar_ends_the_warning(app, session, people, tmp_path):
    result = app.test_cli_runner().invoke(args=["calendar", "update", str(write(tmp_path, with_2029()))])
    assert result.exit_code == 0, result.output
    assert _calendar_tasks(app, session, people["administrator"], FIRST_DAY_WITH) == []
    assert len(_calendar_tasks(app, session, people["administrator"], date(2029, 6, 30))) == 1


def test_the_home_page_shows_it_and_links_to_the_calendar_page(app, client, session, people):
    with _at(FIRST_DAY_WITH):
        client.sign_in_as(people["administrator"])
        home = client.get("/").get_data(as_text=True)
        assert f"{TITLE} ends on 31 December 2028" in home
        assert 'href="/bank-holidays"' in home
        page = client.get("/bank-holidays")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert (
        text.count("2 January 2012 to 31 December 2028") == 3
    )  # each part: its first holiday held, and the end
    assert "flask --app wsgi calendar update bank-holidays.json" in text
    assert "Warning" in text


def test_the_calendar_page_has_no_warning_while_the_end_is_far(app, client, session, people):
    with _at(LAST_DAY_WITHOUT):
        client.sign_in_as(people["clerk"])
        text = client.get("/bank-holidays").get_data(as_text=True)
    assert "2 January 2012 to 31 December 2028" in text
    assert "govuk-warning-text" not in text


def _digests(session) -> dict[str, str]:
    rows = session.execute(
        select(OutboxMessage.to_address, OutboxMessage.text_body).where(OutboxMessage.kind == "digest")
    )
    found = {address: body for address, body in rows}
    session.commit()
    return found


def _run(app, session, database_url, day: date) -> None:
    with app.test_request_context():
        reminders.run(session, smtp_settings(database_url, 25), day)
    session.commit()


def test_the_digest_carries_the_warning_to_the_clerk_and_the_administrator(
    app, session, database_url, people
):
    _run(app, session, database_url, date(2028, 6, 26))  # a Monday before the six months
    before = _digests(session)
    assert set(before) == {people["clerk"].email}  # the administrator gets no digest then
    assert "Bank holidays" not in before[people["clerk"].email]
    _run(app, session, database_url, date(2028, 7, 3))  # the next Monday: within six months
    after = _digests(session)
    assert set(after) == {people["clerk"].email, people["administrator"].email}
    line = f"Bank holidays: {TITLE[0].lower()}{TITLE[1:]} ends on 31 December 2028."
    assert line in after[people["clerk"].email]
    assert "Overdue: 0." in after[people["clerk"].email]  # the rest of the clerk's digest is still there
    assert line in after[people["administrator"].email]
    assert "Overdue" not in after[people["administrator"].email]  # the administrator's holds that alone
    assert "flask calendar update" in after[people["administrator"].email]


def test_a_page_that_must_count_past_the_end_says_why(app, client, session):
    clerk = make_person(session, roles={Role.TOWN_CLERK})
    make_policy(session, clerk=clerk)
    make_person(session, start_date=date(2029, 1, 8))  # 10 working days from then cannot be counted
    client.sign_in_as(clerk)
    page = client.get("/policies/status")
    assert page.status_code == 503
    text = page.get_data(as_text=True)
    assert "Working days cannot be counted that far ahead" in text
    assert "ends on 31 December 2028" in text and "flask calendar update" in text
