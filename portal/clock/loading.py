"""How the stored calendar reaches the clock: read once per process, refreshed cheaply.

Counting working days is hot (the status of thousands of people asks for due dates over
and over), so the clock counts from a copy in memory, never with a query per call. Each
application holds the copy of its own database. Whether another process has loaded a
newer calendar (`flask calendar update`) is checked with one small query: at most once
per request that counts working days, and outside requests (commands, jobs) at most once
a minute. A load in this process is noticed at once, when its transaction commits.
"""

from __future__ import annotations

import math
import threading
from datetime import date
from time import monotonic

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import Connection, Engine, func, select

from portal.db import READ_ONLY_OPTION, database

from .calendar import HolidayCalendar
from .govuk import shipped_calendar
from .models import BankHoliday, BankHolidayDivision

EXTENSION = "portal_bank_holidays"
RECHECK_SECONDS = 60.0
_CHECKED_THIS_REQUEST = "_portal_bank_holidays"

# Bumped when this process changes or replaces a stored calendar, so that every copy
# held in the process looks again instead of waiting for its next check.
_generation = 0


def forget_held_calendars() -> None:
    global _generation
    _generation += 1


def _token(connection: Connection) -> tuple[object, ...]:
    return tuple(
        connection.execute(
            select(
                func.max(BankHolidayDivision.version),
                func.max(BankHolidayDivision.loaded_at),
                func.count(),
            )
        ).one()
    )


def read_calendar(connection: Connection, token: tuple[object, ...] = ()) -> HolidayCalendar:
    holidays: dict[str, dict[date, str]] = {}
    for division, day, title in connection.execute(
        select(BankHoliday.division, BankHoliday.day, BankHoliday.title)
    ):
        holidays.setdefault(division, {})[day] = title
    covers_until = {
        division: until
        for division, until in connection.execute(
            select(BankHolidayDivision.division, BankHolidayDivision.covers_until)
        )
    }
    return HolidayCalendar(holidays, covers_until, token=token)


class HeldCalendar:
    """One database's calendar as this process holds it."""

    def __init__(self, engine: Engine) -> None:
        # Reads only: on SQLite it must not take the write lock (portal.db).
        self._engine = engine.execution_options(**{READ_ONLY_OPTION: True})
        self._calendar: HolidayCalendar | None = None
        self._checked_at = -math.inf
        self._generation = -1
        self._lock = threading.Lock()

    def current(self) -> HolidayCalendar:
        if has_request_context():
            checked: tuple[HolidayCalendar, int] | None = g.get(_CHECKED_THIS_REQUEST)
            if checked is None or checked[1] != _generation:
                checked = self._check(), self._generation
                setattr(g, _CHECKED_THIS_REQUEST, checked)
            return checked[0]
        held = self._calendar
        if (
            held is None
            or self._generation != _generation
            or monotonic() - self._checked_at > RECHECK_SECONDS
        ):
            return self._check()
        return held

    def _check(self) -> HolidayCalendar:
        generation = _generation
        with self._engine.connect() as connection:
            token = _token(connection)
            held = self._calendar
            if held is None or held.token != token:
                with self._lock:  # one worker thread reads the newer calendar; the others wait for it
                    held = self._calendar
                    if held is None or held.token != token:
                        held = self._calendar = read_calendar(connection, token)
        self._checked_at, self._generation = monotonic(), generation
        return held


def held_calendar(app: Flask) -> HeldCalendar:
    held: HeldCalendar | None = app.extensions.get(EXTENSION)
    if held is None:
        held = app.extensions.setdefault(EXTENSION, HeldCalendar(database(app).engine))
    return held


def current_calendar() -> HolidayCalendar:
    """The calendar to count with: the application's stored one; outside an application
    (a script, a unit test) the copy shipped with govuk-bank-holidays, which is what a
    new database starts with."""
    if not has_app_context():
        return shipped_calendar()
    return held_calendar(current_app).current()
