"""The bank-holiday calendar, kept in the database so that every server counts alike."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime

from .calendar import DIVISIONS

_DIVISION_LIST = ", ".join(f"'{division}'" for division in DIVISIONS)


class BankHolidayDivision(Base):
    """One part of the UK's calendar: how far its data goes, where it came from and when.

    `version` goes up with every load (all divisions together), so that each process
    notices a newer calendar with one small query (portal.clock.loading)."""

    __tablename__ = "bank_holiday_divisions"
    __table_args__ = (CheckConstraint(f"division IN ({_DIVISION_LIST})", name="division"),)

    division: Mapped[str] = mapped_column(String(20), primary_key=True)
    covers_until: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)


class BankHoliday(Base):
    __tablename__ = "bank_holidays"
    __table_args__ = (UniqueConstraint("division", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    division: Mapped[str] = mapped_column(String(20), ForeignKey("bank_holiday_divisions.division"))
    day: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(String(200), default="")
