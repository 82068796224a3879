from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime
from portal.people.models import Person


class QuestionVersion(Base):
    """One exact wording of a question, as loaded from a quiz bank file.

    A question that changes in any way is stored again as a new version; attempts keep
    pointing at the version they showed, so a result can always be explained.
    """

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_key", "revision"),
        UniqueConstraint("question_key", "content_sha256"),
        CheckConstraint("status IN ('draft', 'ready', 'retired')", name="status"),
        CheckConstraint("kind IN ('single', 'multiple', 'true_false', 'scenario')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_key: Mapped[str] = mapped_column(String(40), index=True)
    revision: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... in the order the portal saw them
    declared_version: Mapped[int] = mapped_column(Integer)  # what the file says
    content_sha256: Mapped[str] = mapped_column(String(64))
    is_latest: Mapped[bool] = mapped_column(Boolean, index=True)
    status: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    audience_engagements: Mapped[list[str]] = mapped_column(JSON)
    audience_roles: Mapped[list[str]] = mapped_column(JSON)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # stem, options or steps, explanation, citations
    review_due: Mapped[date] = mapped_column(Date)
    source_file: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Quiz(Base):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)  # pass mark, draw rules, attempts, audience...
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # due dates never start before this
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def pass_mark(self) -> int:
        return int(self.definition["pass_mark"])


class Attempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("person_id", "quiz_id", "number"),
        CheckConstraint("status IN ('in_progress', 'submitted')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    pass_mark: Mapped[int] = mapped_column(Integer)
    remedial_topics: Mapped[list[str]] = mapped_column(JSON)  # empty: a full attempt
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)

    quiz: Mapped[Quiz] = relationship(lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", lazy="raise", order_by="AttemptQuestion.position"
    )


class AttemptQuestion(Base):
    """A question as shown in one attempt: its exact version, its option order, the answer."""

    __tablename__ = "quiz_attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    option_order: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[list[str] | None] = mapped_column(JSON)  # option keys, or a scenario's choices in order
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mark: Mapped[float | None] = mapped_column(Float)  # 0 to 1, set at submission

    attempt: Mapped[Attempt] = relationship(back_populates="questions", lazy="raise")
    question: Mapped[QuestionVersion] = relationship(lazy="raise")


class Completion(Base):
    """A pass. It counts until it expires at the quiz's refresher interval."""

    __tablename__ = "quiz_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), unique=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_on: Mapped[date] = mapped_column(Date)


class AttemptOverride(Base):
    """The Town Clerk allowing more attempts after the limit was reached, with a reason."""

    __tablename__ = "quiz_attempt_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    extra_attempts: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuizAssignment(Base):
    """A quiz someone was asked to take (quizzes whose `assign` is on_request)."""

    __tablename__ = "quiz_assignments"
    __table_args__ = (UniqueConstraint("person_id", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
