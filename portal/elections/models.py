"""Elections the Town Clerk records, for the restraint their pre-election periods ask.

Council publicity must never be party-political (Local Government Act 1986 s2). From
the notice of election to the poll, the Code of Recommended Practice on Local Authority
Publicity (2011), to which the council must have regard (LGA 1986 s4), asks for more
care still: no publicity about candidates, and care with controversial issues. An
election is recorded with its poll date and the day its period starts; a correction or
a cancellation changes the row and is told in the audit trail, which keeps the old
values (service.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime
from portal.people.models import Person

KINDS = {
    "ordinary": "Ordinary election of the town council",
    "by_election": "By-election to the town council",
    "other": "Another election or referendum in the town",
}
STATUSES = ("recorded", "cancelled")


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Election(Base):
    __tablename__ = "elections"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_one_of(tuple(KINDS))})", name="kind"),
        CheckConstraint(f"status IN ({_one_of(STATUSES)})", name="status"),
        # The period runs up to the poll, so it must start before it (service.check_dates
        # says so in words; this keeps a direct write from storing a period that ends first).
        CheckConstraint("period_starts_on < poll_on", name="period_before_poll"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    poll_on: Mapped[date] = mapped_column(Date, index=True)
    period_starts_on: Mapped[date] = mapped_column(Date)
    # False when the Clerk left the start blank and the portal took the last day the
    # notice of election may be published (service.notice_deadline).
    start_given: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="recorded")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    recorded_by: Mapped[Person] = relationship(foreign_keys=[recorded_by_id], lazy="raise")
    cancelled_by: Mapped[Person | None] = relationship(foreign_keys=[cancelled_by_id], lazy="raise")

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def in_period(self, on: date) -> bool:
        """The period runs from its first day to polling day, both included."""
        return self.status == "recorded" and self.period_starts_on <= on <= self.poll_on
