"""The bank-holiday calendar as a process holds it: immutable, and counted from memory.

Bank holidays differ between the three parts of the UK (Banking and Financial Dealings
Act 1971, Schedule 1, and the proclamations under s1(3)): Scotland keeps 2 January, the
first Monday of August and St Andrew's Day; Northern Ireland St Patrick's Day and the
Battle of the Boyne. Policy and training deadlines count England and Wales; Freedom of
Information counts a bank holiday anywhere in the UK (FOIA s10(6)). A calendar knows
the last date its data covers for each part, and refuses to judge any day after it:
past the end, every weekday would silently count as a working day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache

from portal.errors import DomainError

ENGLAND_AND_WALES = "england-and-wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern-ireland"
DIVISIONS: tuple[str, ...] = (ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND)
DIVISION_NAMES = {
    ENGLAND_AND_WALES: "England and Wales",
    SCOTLAND: "Scotland",
    NORTHERN_IRELAND: "Northern Ireland",
}
# Which parts of the UK a count excludes the bank holidays of.
ENGLAND_AND_WALES_ONLY: tuple[str, ...] = (ENGLAND_AND_WALES,)
ANY_PART_OF_THE_UK: tuple[str, ...] = DIVISIONS


def day_text(day: date) -> str:
    return day.strftime("%-d %B %Y")


def names_of(divisions: Iterable[str]) -> str:
    names = [DIVISION_NAMES.get(division, division) for division in divisions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class CalendarExhausted(DomainError):
    """A day past the end of the bank-holiday data was to be counted. A DomainError, so
    that a form that led to it shows the message rather than a wrong date."""

    def __init__(self, day: date, ends_on: date | None, divisions: tuple[str, ...]) -> None:
        where = names_of(divisions)
        if ends_on is None:
            held = f"No bank-holiday calendar for {where} is loaded"
        else:
            held = f"The bank-holiday calendar for {where} ends on {day_text(ends_on)}"
        super().__init__(
            f"{held}: working days cannot be counted to {day_text(day)} or beyond. "
            "An administrator must load a newer calendar (flask calendar update) first."
        )
        self.day = day
        self.ends_on = ends_on
        self.divisions = divisions


class HolidayCalendar:
    """Bank holidays by division, with the last date each division's data covers.

    `token` identifies the stored calendar this copy was read from, so that a process
    can tell when another has loaded a newer one (portal.clock.loading)."""

    def __init__(
        self,
        holidays: Mapping[str, Mapping[date, str]],
        covers_until: Mapping[str, date],
        *,
        token: tuple[object, ...] = (),
    ) -> None:
        self.titles: dict[str, dict[date, str]] = {d: dict(days) for d, days in holidays.items()}
        self.covers_until: dict[str, date] = dict(covers_until)
        self.token = token
        self._closed: dict[tuple[str, ...], frozenset[date]] = {}
        # Per calendar, so that a newer calendar never answers from an older one's cache.
        # Sized for a council: its due dates come from a few start and publication dates,
        # and the status of thousands of people asks the same questions over and over.
        self._add = lru_cache(maxsize=8192)(self._add_uncached)

    def ends_on(self, divisions: tuple[str, ...]) -> date | None:
        """The last day every one of `divisions` is covered; None if one has no data."""
        if any(division not in self.covers_until for division in divisions):
            return None
        return min(self.covers_until[division] for division in divisions)

    def _closed_days(self, divisions: tuple[str, ...]) -> frozenset[date]:
        closed = self._closed.get(divisions)
        if closed is None:
            closed = frozenset(day for division in divisions for day in self.titles.get(division, {}))
            self._closed[divisions] = closed
        return closed

    def _refuse_after(self, day: date, divisions: tuple[str, ...]) -> None:
        ends = self.ends_on(divisions)
        if ends is None or day > ends:
            raise CalendarExhausted(day, ends, divisions)

    def is_working_day(self, day: date, divisions: tuple[str, ...]) -> bool:
        self._refuse_after(day, divisions)
        return day.weekday() < 5 and day not in self._closed_days(divisions)

    def add_working_days(self, start: date, days: int, divisions: tuple[str, ...]) -> date:
        """The date `days` working days after `start` (start itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        return self._add(start, days, divisions)

    def _add_uncached(self, start: date, days: int, divisions: tuple[str, ...]) -> date:
        ends, closed = self.ends_on(divisions), self._closed_days(divisions)
        current, remaining = start, days
        while remaining:
            current += timedelta(days=1)
            if ends is None or current > ends:
                raise CalendarExhausted(current, ends, divisions)
            if current.weekday() < 5 and current not in closed:
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date, divisions: tuple[str, ...]) -> int:
        """Working days after `start` up to and including `end` (negative if end is earlier)."""
        if end < start:
            return -self.working_days_between(end, start, divisions)
        if end > start:
            self._refuse_after(end, divisions)
        closed = self._closed_days(divisions)
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if current.weekday() < 5 and current not in closed:
                count += 1
        return count

    def holidays_between(self, start: date, end: date, division: str) -> list[tuple[date, str]]:
        """One division's bank holidays from `start` to `end` inclusive, with their names."""
        if end >= start:
            self._refuse_after(end, (division,))
        titles = self.titles.get(division, {})
        return sorted((day, title) for day, title in titles.items() if start <= day <= end)
