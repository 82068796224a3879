from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base

DIGEST_FREQUENCIES = ("daily", "weekly", "monthly")


class NotificationPreference(Base):
    """What a person may choose: how often the digest comes. Mandatory notices (tasks,
    deadlines, authorisations, disciplinary notices) cannot be switched off."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        CheckConstraint("digest_frequency IN ('daily', 'weekly', 'monthly')", name="digest_frequency"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    digest_frequency: Mapped[str] = mapped_column(String(10), default="weekly")
