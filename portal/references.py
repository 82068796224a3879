"""Readable references such as PA-2026-0007: a prefix, the UK year, a running number.

A number is never given twice, even after the retention schedule removes the record that
had it: an old letter or receipt quoting DC-2026-0003 must never come to mean another
case. So each series (prefix and year) keeps its last number in `reference_counters`
rather than counting the rows that remain. The reference column is unique too, so two
requests that pick the same number at once cannot both commit: one fails and nothing is
half-written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from portal.clock import LONDON
from portal.db import Base


class ReferenceCounter(Base):
    __tablename__ = "reference_counters"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)  # "DC-2026"
    last_number: Mapped[int] = mapped_column(Integer)


def next_reference(session: Session, column: InstrumentedAttribute[str], prefix: str, at: datetime) -> str:
    series = f"{prefix}-{at.astimezone(LONDON).year}"
    # Locked until the transaction ends, so two requests take two numbers (PostgreSQL;
    # SQLite's writers already take turns).
    counter = session.get(ReferenceCounter, series, with_for_update=True)
    if counter is None:
        # A series first used since revision 0025 goes on from the highest reference still
        # held (the numbers are zero-padded, so the highest string is the highest number).
        highest = session.scalar(select(func.max(column)).where(column.like(series + "-%")))
        last = int(highest.rsplit("-", 1)[1]) if highest else 0
        counter = ReferenceCounter(series=series, last_number=last)
        session.add(counter)
    counter.last_number += 1
    return f"{series}-{counter.last_number:04d}"
