"""The portal's clock: London time, today's date, and working days.

The council works on London time, so "today" and every date shown or counted is
London's, whatever the server's own zone.

Deadlines in the policies (10 working days for a new starter, 20 for a material change)
count England and Wales working days: weekends and that division's bank holidays do not
count. Freedom of Information counts 20 working days where a bank holiday in ANY part of
the UK is not a working day (FOIA s10(6)): the `uk_` functions.

Bank holidays come from the calendar kept in the database (models.py, seeded from
govuk-bank-holidays' offline copy and updated with `flask calendar update`), held in
memory by each process (loading.py). A day after the end of that calendar's data is
refused with CalendarExhausted, never counted as if it had no bank holidays.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from .calendar import (
    ANY_PART_OF_THE_UK,
    DIVISION_NAMES,
    DIVISIONS,
    ENGLAND_AND_WALES,
    ENGLAND_AND_WALES_ONLY,
    NORTHERN_IRELAND,
    SCOTLAND,
    CalendarExhausted,
    HolidayCalendar,
)
from .loading import current_calendar

LONDON = ZoneInfo("Europe/London")

__all__ = [
    "ANY_PART_OF_THE_UK",
    "DIVISIONS",
    "DIVISION_NAMES",
    "ENGLAND_AND_WALES",
    "ENGLAND_AND_WALES_ONLY",
    "LONDON",
    "NORTHERN_IRELAND",
    "SCOTLAND",
    "CalendarExhausted",
    "HolidayCalendar",
    "add_months",
    "add_uk_working_days",
    "add_working_days",
    "bank_holidays_between",
    "calendar_ends_on",
    "current_calendar",
    "is_uk_working_day",
    "is_working_day",
    "london_date",
    "today",
    "uk_working_days_between",
    "working_days_between",
]


def today() -> date:
    """Today's date in London."""
    return datetime.now(LONDON).date()


def london_date(moment: datetime) -> date:
    """The London date of a moment (stored times are UTC)."""
    return moment.astimezone(LONDON).date()


# England and Wales: the policies' own deadlines ------------------------------------


def bank_holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """England and Wales bank holidays from `start` to `end` inclusive, with their names."""
    return current_calendar().holidays_between(start, end, ENGLAND_AND_WALES)


def is_working_day(day: date) -> bool:
    return current_calendar().is_working_day(day, ENGLAND_AND_WALES_ONLY)


def add_working_days(start: date, days: int) -> date:
    """The date `days` England and Wales working days after `start` (start itself does
    not count). Cached by the calendar it counts with (calendar.py)."""
    return current_calendar().add_working_days(start, days, ENGLAND_AND_WALES_ONLY)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if end is earlier)."""
    return current_calendar().working_days_between(start, end, ENGLAND_AND_WALES_ONLY)


# Any part of the UK: Freedom of Information (FOIA s10(6)) ----------------------------


def is_uk_working_day(day: date) -> bool:
    """Not a weekend, nor a bank holiday in any part of the UK (FOIA s10(6))."""
    return current_calendar().is_working_day(day, ANY_PART_OF_THE_UK)


def add_uk_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` where a bank holiday anywhere in the UK
    does not count (FOIA s10(6): 20 of them for an answer, s10(1))."""
    return current_calendar().add_working_days(start, days, ANY_PART_OF_THE_UK)


def uk_working_days_between(start: date, end: date) -> int:
    """UK-wide working days after `start` up to and including `end` (FOIA s10(6))."""
    return current_calendar().working_days_between(start, end, ANY_PART_OF_THE_UK)


def calendar_ends_on(divisions: tuple[str, ...] = ANY_PART_OF_THE_UK) -> date | None:
    """The last day the calendar can count for all of `divisions`; None if one has none."""
    return current_calendar().ends_on(divisions)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError("unreachable")
