"""The calendar every new database starts with (migration 0027), put back between tests."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select

from portal.clock.govuk import shipped, shipped_source
from portal.clock.loading import forget_held_calendars
from portal.clock.models import BankHoliday, BankHolidayDivision
from portal.db import utcnow

CALENDAR_TABLES = frozenset({BankHoliday.__tablename__, BankHolidayDivision.__tablename__})


def restore_shipped_calendar(connection: Connection) -> None:
    """Only when a test changed it: a few hundred rows are not rewritten after every test."""
    calendar = shipped()
    expected = (1, 1, len(calendar.holidays), sum(calendar.counts().values()))
    found = connection.execute(
        select(
            func.min(BankHolidayDivision.version),
            func.max(BankHolidayDivision.version),
            select(func.count()).select_from(BankHolidayDivision).scalar_subquery(),
            select(func.count()).select_from(BankHoliday).scalar_subquery(),
        )
    ).one()
    if tuple(found) == expected:
        return
    connection.execute(delete(BankHoliday))
    connection.execute(delete(BankHolidayDivision))
    now = utcnow()
    connection.execute(
        insert(BankHolidayDivision),
        [
            {
                "division": division,
                "covers_until": calendar.covers_until(division),
                "source": shipped_source(),
                "loaded_at": now,
                "version": 1,
            }
            for division in calendar.holidays
        ],
    )
    connection.execute(
        insert(BankHoliday),
        [
            {"division": division, "day": h.day, "title": h.title, "notes": h.notes}
            for division, holidays in calendar.holidays.items()
            for h in holidays
        ],
    )
    forget_held_calendars()
