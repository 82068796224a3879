"""Readable references such as PA-2026-0007: a prefix, the UK year, a running number.

The column is unique, so two requests that pick the same number at once cannot both
commit: one fails and nothing is half-written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from portal.clock import LONDON


def next_reference(session: Session, column: InstrumentedAttribute[str], prefix: str, at: datetime) -> str:
    start = f"{prefix}-{at.astimezone(LONDON).year}-"
    count = session.scalar(select(func.count()).where(column.like(start + "%"))) or 0
    return f"{start}{count + 1:04d}"
