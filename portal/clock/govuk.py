"""Reading GOV.UK's bank-holidays file (https://www.gov.uk/bank-holidays.json).

The file has one entry per part of the UK, each with its `events`: a title, an ISO date,
notes ("Substitute day") and whether to put the bunting out. The same reader takes the
offline copy that govuk-bank-holidays ships (the calendar a new database starts with)
and a newer copy an administrator loads, and refuses anything it cannot trust whole:
one bad date would otherwise become a working day that is not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import metadata, resources
from typing import Any

from portal.errors import DomainError

from .calendar import DIVISION_NAMES, DIVISIONS, HolidayCalendar, day_text

TEXT_LIMIT = 200  # the columns' length
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PROBLEMS_SHOWN = 10


class CalendarFileError(DomainError):
    """The file is not a complete, well-formed GOV.UK bank-holidays file."""


@dataclass(frozen=True)
class Holiday:
    day: date
    title: str
    notes: str


@dataclass(frozen=True)
class GovukCalendar:
    """Every division's holidays, sorted by date, as read from one file."""

    holidays: dict[str, tuple[Holiday, ...]]

    def first_day(self, division: str) -> date:
        return self.holidays[division][0].day

    def covers_until(self, division: str) -> date:
        """The last day the division's data speaks for.

        GOV.UK publishes whole years. A year whose Christmas holidays are listed (the last
        possible one is a substitute on 28 December) is known to the end of December;
        otherwise only as far as its last holiday, in case the year was cut short."""
        last = self.holidays[division][-1].day
        if last.month == 12 and last.day >= 25:
            return date(last.year, 12, 31)
        return last

    def counts(self) -> dict[str, int]:
        return {division: len(events) for division, events in self.holidays.items()}

    def to_calendar(self) -> HolidayCalendar:
        return HolidayCalendar(
            {d: {h.day: h.title for h in events} for d, events in self.holidays.items()},
            {d: self.covers_until(d) for d in self.holidays},
            token=("shipped",),
        )


def _refuse(problems: list[str]) -> CalendarFileError:
    shown = problems[:PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    listing = "; ".join(shown) + (f"; and {more} more" if more else "")
    return CalendarFileError(f"The bank-holiday file was not loaded, and nothing was changed: {listing}.")


def _events(division: str, entry: Any, problems: list[str]) -> tuple[Holiday, ...]:
    name = DIVISION_NAMES[division]
    if not isinstance(entry, dict) or not isinstance(entry.get("events"), list):
        problems.append(f"{name} has no list of events")
        return ()
    if entry.get("division") != division:
        problems.append(f"the entry for {name} names its division {entry.get('division')!r}")
    found: dict[date, Holiday] = {}
    for number, event in enumerate(entry["events"], start=1):
        where = f"{name}, event {number}"
        if not isinstance(event, dict):
            problems.append(f"{where} is not an object")
            continue
        title, notes, raw = event.get("title"), event.get("notes", ""), event.get("date")
        if not isinstance(title, str) or not title.strip() or len(title) > TEXT_LIMIT:
            problems.append(f"{where} has no title, or one longer than {TEXT_LIMIT} characters")
            continue
        if not isinstance(notes, str) or len(notes) > TEXT_LIMIT:
            problems.append(
                f"{where} ({title}) has notes that are not text of at most {TEXT_LIMIT} characters"
            )
            continue
        try:
            if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw):
                raise ValueError
            day = date.fromisoformat(raw)
        except ValueError:
            problems.append(f"{where} ({title}) has the date {raw!r}, not a real date written YYYY-MM-DD")
            continue
        if day in found:
            problems.append(f"{name} lists {day_text(day)} twice")
            continue
        found[day] = Holiday(day, title.strip(), notes.strip())
    if not found and not any(p.startswith(name) for p in problems):
        problems.append(f"{name} lists no bank holidays")
    return tuple(sorted(found.values(), key=lambda holiday: holiday.day))


def parse(content: bytes | str) -> GovukCalendar:
    """The file's holidays, or CalendarFileError listing everything wrong with it."""
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise _refuse([f"it is not JSON ({error})"]) from None
    if not isinstance(document, dict):
        raise _refuse(["it is not a JSON object with an entry for each part of the UK"])
    problems: list[str] = []
    holidays: dict[str, tuple[Holiday, ...]] = {}
    for division in DIVISIONS:
        if division not in document:
            problems.append(
                f"it has no entry {division!r} ({DIVISION_NAMES[division]}): all three parts are needed"
            )
            continue
        holidays[division] = _events(division, document[division], problems)
    if problems:
        raise _refuse(problems)
    return GovukCalendar(holidays)


def shipped_source() -> str:
    return f"govuk-bank-holidays {metadata.version('govuk-bank-holidays')} (its offline copy)"


@cache
def shipped() -> GovukCalendar:
    """The copy shipped with govuk-bank-holidays: what a new database starts with, and
    what the clock counts with outside an application (a script, a unit test)."""
    content = resources.files("govuk_bank_holidays").joinpath("bank-holidays.json").read_bytes()
    return parse(content)


@cache
def shipped_calendar() -> HolidayCalendar:
    return shipped().to_calendar()
