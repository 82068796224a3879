"""Working days: England and Wales for the policies, any part of the UK for FOI (s10(6)),
and never a count past the end of the calendar's data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from portal import clock
from portal.clock import (
    CalendarExhausted,
    add_uk_working_days,
    add_working_days,
    bank_holidays_between,
    is_uk_working_day,
    is_working_day,
    uk_working_days_between,
    working_days_between,
)
from portal.clock.calendar import ENGLAND_AND_WALES, NORTHERN_IRELAND, SCOTLAND, HolidayCalendar
from portal.errors import DomainError

ST_ANDREWS_DAY = date(2026, 11, 30)  # a Monday: Scotland only
SECOND_JANUARY = date(2026, 1, 2)  # a Friday: Scotland only
SCOTTISH_SUMMER = date(2026, 8, 3)  # the first Monday of August: Scotland only
ST_PATRICKS_DAY = date(2026, 3, 17)  # a Tuesday: Northern Ireland only
BOYNE = date(2026, 7, 13)  # 12 July is a Sunday, so Monday the 13th: Northern Ireland only


@pytest.mark.parametrize("day", [ST_ANDREWS_DAY, SECOND_JANUARY, SCOTTISH_SUMMER, ST_PATRICKS_DAY, BOYNE])
def test_a_holiday_in_scotland_or_northern_ireland_only_is_a_working_day_in_england_but_not_for_foi(day):
    assert is_working_day(day)
    assert not is_uk_working_day(day)


@pytest.mark.parametrize(
    ("received", "england_and_wales", "uk", "why"),
    [
        (date(2026, 11, 16), date(2026, 12, 14), date(2026, 12, 15), "St Andrew's Day"),
        (date(2025, 12, 19), date(2026, 1, 21), date(2026, 1, 22), "2 January"),
        (date(2026, 7, 27), date(2026, 8, 24), date(2026, 8, 25), "Scotland's August holiday"),
        (date(2026, 3, 2), date(2026, 3, 30), date(2026, 3, 31), "St Patrick's Day"),
        (date(2026, 7, 1), date(2026, 7, 29), date(2026, 7, 30), "the Battle of the Boyne"),
    ],
)
def test_twenty_foi_working_days_skip_a_bank_holiday_in_any_part_of_the_uk(
    received, england_and_wales, uk, why
):
    assert add_working_days(received, 20) == england_and_wales
    assert add_uk_working_days(received, 20) == uk, why
    assert uk_working_days_between(received, uk) == 20
    assert working_days_between(received, uk) == 21


def test_a_holiday_everywhere_counts_once():
    # Christmas week 2026: 25 and 28 December are holidays in all three parts.
    assert add_uk_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert uk_working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1


def test_england_and_wales_counting_is_unchanged():
    assert add_working_days(date(2026, 12, 21), 20) == date(2027, 1, 21)
    assert bank_holidays_between(date(2026, 11, 1), date(2026, 12, 31)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day"),
    ]


def test_counting_up_to_the_last_covered_day_works_and_a_day_past_it_is_refused():
    # 25 and 26 December 2028 are holidays; the year's data reaches 31 December.
    assert add_working_days(date(2028, 12, 22), 3) == date(2028, 12, 29)
    assert add_uk_working_days(date(2028, 12, 22), 3) == date(2028, 12, 29)
    with pytest.raises(CalendarExhausted) as refused:
        add_working_days(date(2028, 12, 22), 5)
    assert "ends on 31 December 2028" in refused.value.message
    assert "counted to 1 January 2029" in refused.value.message  # the first day past the end
    assert "flask calendar update" in refused.value.message
    assert isinstance(refused.value, DomainError)  # shown on a form like any refusal


@pytest.mark.parametrize(
    "count",
    [
        lambda: is_working_day(date(2029, 1, 2)),
        lambda: is_uk_working_day(date(2029, 1, 2)),
        lambda: add_uk_working_days(date(2028, 12, 1), 40),
        lambda: working_days_between(date(2028, 12, 1), date(2029, 1, 5)),
        lambda: uk_working_days_between(date(2029, 1, 5), date(2028, 12, 1)),
        lambda: bank_holidays_between(date(2028, 12, 1), date(2029, 6, 1)),
    ],
)
def test_every_count_past_the_end_is_refused(count):
    with pytest.raises(CalendarExhausted):
        count()


def test_a_uk_count_is_refused_where_any_part_of_the_uk_ends_first():
    calendar = HolidayCalendar(
        {ENGLAND_AND_WALES: {}, SCOTLAND: {}, NORTHERN_IRELAND: {}},
        {
            ENGLAND_AND_WALES: date(2029, 12, 31),
            SCOTLAND: date(2028, 12, 31),
            NORTHERN_IRELAND: date(2029, 12, 31),
        },
    )
    assert calendar.add_working_days(date(2028, 12, 29), 1, (ENGLAND_AND_WALES,)) == date(2029, 1, 1)
    with pytest.raises(CalendarExhausted) as refused:
        calendar.add_working_days(date(2028, 12, 29), 1, clock.ANY_PART_OF_THE_UK)
    assert (
        "England and Wales, Scotland and Northern Ireland ends on 31 December 2028" in refused.value.message
    )
    missing = HolidayCalendar({ENGLAND_AND_WALES: {}}, {ENGLAND_AND_WALES: date(2029, 12, 31)})
    with pytest.raises(CalendarExhausted, match="No bank-holiday calendar"):
        missing.is_working_day(date(2026, 1, 5), clock.ANY_PART_OF_THE_UK)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


# The calendar the application holds -------------------------------------------------


def _add_stored_holiday(database_url: str, day: date, *, version: int) -> None:
    """What another process's `calendar update` leaves behind: a new holiday, a new version."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO bank_holidays (division, day, title, notes) "
                "VALUES ('england-and-wales', :d, 'Extra', '')"
            ),
            {"d": day},
        )
        connection.execute(text("UPDATE bank_holiday_divisions SET version = :v"), {"v": version})
    engine.dispose()


def test_the_application_counts_with_the_stored_calendar_and_sees_another_servers_change(app, database_url):
    extra = date(2026, 6, 15)  # a Monday, no bank holiday anywhere
    with app.test_request_context():
        assert is_working_day(extra)
    _add_stored_holiday(database_url, extra, version=2)
    with app.test_request_context():  # the next request looks again
        assert not is_working_day(extra)
        assert add_working_days(date(2026, 6, 12), 1) == date(2026, 6, 16)
    assert is_working_day(extra)  # outside an application: the shipped copy


def test_counting_is_done_in_memory_with_at_most_one_small_query_per_request(app, queries):
    with app.test_request_context():
        add_working_days(date(2026, 1, 5), 1)  # the first load of this process, if not done yet
    queries.reset()
    with app.test_request_context():
        for offset in range(300):
            add_working_days(date(2026, 1, 5), offset % 40)
            uk_working_days_between(date(2026, 1, 5), date(2026, 3, 1))
    assert queries.count == 1, queries.statements
    queries.reset()
    with app.app_context():  # a command or a job: at most once a minute
        for offset in range(300):
            add_uk_working_days(date(2026, 1, 5), offset % 40)
        checks = queries.count
        for offset in range(300):
            add_uk_working_days(date(2026, 1, 5), offset % 40)
    assert checks <= 1 and queries.count == checks, queries.statements
