"""Keeping the bank-holiday calendar: loading a newer GOV.UK copy, and warning before it ends.

Bank holidays are set by the Banking and Financial Dealings Act 1971 and by royal
proclamation, year by year and differently in each part of the UK; GOV.UK publishes them
a few years ahead. The portal counts deadlines with them (policy deadlines in England
and Wales working days; Freedom of Information in working days of the whole UK, FOIA
s10(6)), so a calendar that ran out would make every later weekday a working day. The
clock refuses to count past the end (portal.clock.calendar); this module makes sure
somebody loads a newer one first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from portal.access import PERMISSIONS
from portal.audit.service import record
from portal.clock import DIVISIONS, add_months, current_calendar
from portal.clock.calendar import day_text, names_of
from portal.clock.govuk import CalendarFileError, GovukCalendar
from portal.clock.loading import forget_held_calendars
from portal.clock.models import BankHoliday, BankHolidayDivision
from portal.db import utcnow
from portal.identity import Actor, Role

# How long before the data ends the administrator and the Town Clerk are told.
WARNING_MONTHS = 6
# Those told are those who may see the calendar's page (the administrator, the Town Clerk).
WARNED_ROLES: frozenset[Role] = PERMISSIONS["view_bank_holiday_calendar"]


@dataclass(frozen=True)
class Loaded:
    """What a load changed: the figures its audit event records."""

    version: int
    holidays: dict[str, int]  # held after the load, by division
    covers_until: dict[str, date]
    added: int
    removed: int


def _problems_with(parsed: GovukCalendar, held: dict[str, BankHolidayDivision]) -> list[str]:
    """A newer copy may not take away days the portal can already count, nor leave a gap
    between what is held and where the file begins."""
    problems = []
    for division in DIVISIONS:
        row = held.get(division)
        if row is None:
            continue
        name, until = names_of([division]), parsed.covers_until(division)
        if until < row.covers_until:
            problems.append(
                f"{name} would end on {day_text(until)}, before the {day_text(row.covers_until)} already held"
            )
        first = parsed.first_day(division)
        if first > row.covers_until + timedelta(days=1):
            problems.append(
                f"{name} starts on {day_text(first)}, "
                f"leaving a gap after the {day_text(row.covers_until)} already held"
            )
    return problems


def load_calendar(
    session: Session, parsed: GovukCalendar, *, source: str, sha256: str, actor: Actor | None = None
) -> Loaded:
    """Replace the calendar with a newer GOV.UK copy, all divisions at once or not at all.

    From each division's first date in the file, the file's holidays replace those held;
    older years the file no longer lists are kept (GOV.UK's file drops old years, and a
    deadline counted then must still count the same). Refused (CalendarFileError) if it
    would end any division sooner than now or leave a gap. One audit event with the
    counts; the file holds nothing personal, and only its name and hash are kept.
    Every process notices the new version on its next check (portal.clock.loading)."""
    held = {row.division: row for row in session.scalars(select(BankHolidayDivision).with_for_update())}
    problems = _problems_with(parsed, held)
    if problems:
        raise CalendarFileError(
            "The bank-holiday file was not loaded, and nothing was changed: " + "; ".join(problems) + "."
        )
    version = max((row.version for row in held.values()), default=0) + 1
    now = utcnow()
    for division in DIVISIONS:
        row = held.get(division) or BankHolidayDivision(division=division)
        row.covers_until, row.source, row.loaded_at, row.version = (
            parsed.covers_until(division),
            source[:300],
            now,
            version,
        )
        session.add(row)
    session.flush()  # the divisions exist before their holidays refer to them
    added = removed = 0
    for division, holidays in parsed.holidays.items():
        replaced = BankHoliday.division == division, BankHoliday.day >= parsed.first_day(division)
        before = {
            tuple(r)
            for r in session.execute(
                select(BankHoliday.day, BankHoliday.title, BankHoliday.notes).where(*replaced)
            )
        }
        after = {(h.day, h.title, h.notes) for h in holidays}
        added, removed = added + len(after - before), removed + len(before - after)
        session.execute(delete(BankHoliday).where(*replaced))
        session.execute(
            insert(BankHoliday),
            [{"division": division, "day": h.day, "title": h.title, "notes": h.notes} for h in holidays],
        )
    counts = {
        division: count
        for division, count in session.execute(
            select(BankHoliday.division, func.count()).group_by(BankHoliday.division)
        )
    }
    loaded = Loaded(
        version=version,
        holidays={division: counts.get(division, 0) for division in DIVISIONS},
        covers_until={division: parsed.covers_until(division) for division in DIVISIONS},
        added=added,
        removed=removed,
    )
    record(
        session,
        actor=actor,
        action="calendar.bank_holidays_loaded",
        object_type="bank_holiday_calendar",
        object_id=version,
        details={
            "source": source[:300],
            "sha256": sha256,
            "holidays": loaded.holidays,
            "covers_until": {division: day.isoformat() for division, day in loaded.covers_until.items()},
            "added": added,
            "removed": removed,
        },
    )
    session.flush()
    # This process's copies look again once the load is committed; others within a minute.
    event.listen(session, "after_commit", lambda _session: forget_held_calendars(), once=True)
    return loaded


@dataclass(frozen=True)
class RunningOut:
    """The calendar ends within WARNING_MONTHS (or has ended, or is missing a division)."""

    ends_on: date | None
    divisions: tuple[str, ...]  # those whose data ends first
    today: date

    @property
    def ended(self) -> bool:
        return self.ends_on is None or self.today > self.ends_on

    @property
    def title(self) -> str:
        where = names_of(self.divisions)
        if self.ends_on is None:
            return f"Load a bank-holiday calendar: none is held for {where}"
        verb = "ended" if self.ended else "ends"
        return (
            f"Load a newer bank-holiday calendar: the one held for {where} {verb} on {day_text(self.ends_on)}"
        )

    @property
    def sentence(self) -> str:
        """The digest's line."""
        return (
            f"Bank holidays: {self.title[0].lower()}{self.title[1:]}. Working days after it cannot be "
            "counted, so deadlines after it (Freedom of Information, policies, training) will be refused "
            "until someone runs `flask calendar update` with GOV.UK's latest bank-holidays.json."
        )


def running_out(today: date) -> RunningOut | None:
    """Whether the administrator and the Town Clerk must be told to load a newer calendar:
    from WARNING_MONTHS before the first division's data ends (all three count for
    Freedom of Information, FOIA s10(6))."""
    calendar = current_calendar()
    ends = calendar.ends_on(DIVISIONS)
    if ends is not None and today < add_months(ends, -WARNING_MONTHS):
        return None
    first = tuple(
        d for d in DIVISIONS if calendar.covers_until.get(d) is None or calendar.covers_until[d] == ends
    )
    return RunningOut(ends, first, today)


def warns(person: Actor) -> bool:
    return bool(person.roles & WARNED_ROLES)


@dataclass(frozen=True)
class DivisionSummary:
    division: str
    name: str
    holidays: int
    first_day: date | None
    covers_until: date
    source: str
    loaded_at: datetime
    version: int


def summary(session: Session) -> list[DivisionSummary]:
    """Each division as stored: what the calendar page shows."""
    counts = {
        division: (count, first)
        for division, count, first in session.execute(
            select(BankHoliday.division, func.count(), func.min(BankHoliday.day)).group_by(
                BankHoliday.division
            )
        )
    }
    rows = session.scalars(select(BankHolidayDivision)).all()
    order = {division: number for number, division in enumerate(DIVISIONS)}
    return [
        DivisionSummary(
            row.division,
            names_of([row.division]),
            counts.get(row.division, (0, None))[0],
            counts.get(row.division, (0, None))[1],
            row.covers_until,
            row.source,
            row.loaded_at,
            row.version,
        )
        for row in sorted(rows, key=lambda row: order.get(row.division, len(order)))
    ]
