"""The portal's clock: London time, today's date, and England and Wales working days.

The council works on London time, so "today" and every date shown or counted is
London's, whatever the server's own zone. Working days come from govuk-bank-holidays'
offline copy.

Deadlines in the policies (10 working days for a new starter, 20 for a material
change) count working days, as FOI deadlines do: weekends and bank holidays in
England and Wales do not count.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from govuk_bank_holidays.bank_holidays import BankHolidays

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Today's date in London."""
    return datetime.now(LONDON).date()


def london_date(moment: datetime) -> date:
    """The London date of a moment (stored times are UTC)."""
    return moment.astimezone(LONDON).date()


@cache
def _bank_holiday_titles() -> dict[date, str]:
    # use_cached_holidays: the copy shipped with the package, so no network is needed.
    calendar = BankHolidays(use_cached_holidays=True)
    return {h["date"]: h["title"] for h in calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)}


@cache
def _bank_holidays() -> frozenset[date]:
    return frozenset(_bank_holiday_titles())


def bank_holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """England and Wales bank holidays from `start` to `end` inclusive, with their names."""
    return sorted((day, title) for day, title in _bank_holiday_titles().items() if start <= day <= end)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays()


@lru_cache(maxsize=8192)
def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count).

    Cached: a council's due dates come from a few start and publication dates, and
    the status of thousands of people asks the same questions over and over."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if end is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


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
