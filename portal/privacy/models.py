from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.audit.need_to_know import new_audit_reference
from portal.db import Base, UTCDateTime


class SubjectAccessReference(Base):
    """The name under which a person's subject access exports appear in the audit trail
    for those who may not see them (portal.audit.need_to_know): random, so that the
    trail never says whose personal data was exported, and the same for every export
    about the same person."""

    __tablename__ = "subject_access_references"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    audit_reference: Mapped[str] = mapped_column(String(32), unique=True, default=new_audit_reference)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
