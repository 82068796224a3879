from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, UTCDateTime, widened


class AuditEvent(Base):
    """One state change. Rows are append-only; on PostgreSQL triggers enforce it.

    `hash` is SHA-256 over the previous row's hash and the canonical JSON of this
    row's content, so an edited, deleted or reordered row breaks the chain. `seal` is
    HMAC-SHA-256 of that hash under a key the database does not hold (portal/audit/seal.py),
    so someone who can write to the database cannot rewrite the chain and remake it;
    NULL only on events written before keys were introduced (migration 0013).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    ip_address: Mapped[str | None] = mapped_column(widened(String(200), String(45)))  # sealed: audit.personal
    details: Mapped[str] = mapped_column(Text)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    seal: Mapped[str | None] = mapped_column(String(64))
    seal_key_id: Mapped[str | None] = mapped_column(String(40))
