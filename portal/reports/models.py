from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class ComplianceSnapshot(Base):
    """How many people had everything done, per department, on one day: written by the
    daily reminders run, so the overview can chart completion over time."""

    __tablename__ = "compliance_snapshots"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: no department
    people: Mapped[int] = mapped_column(Integer)
    complete: Mapped[int] = mapped_column(Integer)
