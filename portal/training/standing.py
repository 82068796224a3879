"""Where a person stands on a quiz: whether it is open to them, their attempts, their
pass, and what they may do next.

Read by attempts.py (before it lets anyone start), by programme.py (everyone's status)
and by the pages; it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.clock import LONDON
from portal.db import utcnow
from portal.errors import NotFound
from portal.people.models import Person
from portal.training.models import Attempt, AttemptOverride, AttemptQuestion, Completion, Quiz, QuizAssignment

REFRESHER_WINDOW_DAYS = 30  # a refresher can be taken this long before a pass expires


def suits(audience_engagements: list[str], audience_roles: list[str], person: Person) -> bool:
    """Whether the person is in an audience (engagement types, and roles if any are named):
    the training follows whom each policy binds (Networking Policy, Scope)."""
    if person.engagement_type not in audience_engagements:
        return False
    return not audience_roles or bool({r.value for r in person.roles} & set(audience_roles))


def is_open_to(session: Session, quiz: Quiz, person: Person) -> bool:
    """Automatic quizzes are open to their audience; others (such as the module for
    people authorised to post for the council, Networking Policy 3.2) only once assigned."""
    audience = quiz.definition["audience"]
    if not person.is_active or not suits(audience["engagements"], audience.get("roles") or [], person):
        return False
    if quiz.definition["assign"] == "automatic":
        return True
    return (
        session.scalar(
            select(QuizAssignment.id).where(
                QuizAssignment.person_id == person.id, QuizAssignment.quiz_id == quiz.id
            )
        )
        is not None
    )


def get_quiz(session: Session, key: str) -> Quiz:
    quiz = session.scalar(select(Quiz).where(Quiz.quiz_key == key))
    if quiz is None:
        raise NotFound("No such quiz")
    return quiz


def list_quizzes(session: Session, *, by_title: bool = False) -> list[Quiz]:
    """Every quiz in the bank, by key (or by title, for a list to choose from)."""
    return list(session.scalars(select(Quiz).order_by(Quiz.title if by_title else Quiz.quiz_key)))


def is_on_request(session: Session, key: str) -> bool:
    """Whether the quiz is one that people take only when asked (see `is_open_to`)."""
    found = session.scalar(select(Quiz).where(Quiz.quiz_key == key))
    return found is not None and found.definition["assign"] == "on_request"


def get_attempt(session: Session, attempt_id: int, person: Person) -> Attempt:
    """An attempt of the person's own; anyone else's is simply not found."""
    attempt = session.scalar(
        select(Attempt)
        .options(
            selectinload(Attempt.quiz),
            selectinload(Attempt.questions).selectinload(AttemptQuestion.question),
        )
        .where(Attempt.id == attempt_id, Attempt.person_id == person.id)
    )
    if attempt is None:
        raise NotFound("No such attempt")
    return attempt


@dataclass(frozen=True)
class OneQuestion:
    attempt: Attempt  # with its quiz; its questions are not loaded
    item: AttemptQuestion | None  # the one at the position asked for, with its question
    total: int  # questions in the attempt


def one_question(session: Session, attempt_id: int, person: Person, position: int) -> OneQuestion:
    """An attempt of the person's own and the one question a page shows: a question page
    is opened once per answer, so it loads that question alone, not all of them."""
    attempt = session.scalar(
        select(Attempt)
        .options(joinedload(Attempt.quiz))
        .where(Attempt.id == attempt_id, Attempt.person_id == person.id)
    )
    if attempt is None:
        raise NotFound("No such attempt")
    item = session.scalar(
        select(AttemptQuestion)
        .options(joinedload(AttemptQuestion.question))
        .where(AttemptQuestion.attempt_id == attempt.id, AttemptQuestion.position == position)
    )
    total = session.scalar(select(func.count()).where(AttemptQuestion.attempt_id == attempt.id)) or 0
    return OneQuestion(attempt, item, total)


def attempts_of(session: Session, person: Person, quiz: Quiz) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt)
            .where(Attempt.person_id == person.id, Attempt.quiz_id == quiz.id)
            .order_by(Attempt.number)
        )
    )


def allowed_attempts(session: Session, person: Person, quiz: Quiz) -> int:
    """The quiz's attempt limit plus any the Town Clerk has allowed (the council's own rule)."""
    extra = session.scalar(
        select(func.coalesce(func.sum(AttemptOverride.extra_attempts), 0)).where(
            AttemptOverride.person_id == person.id, AttemptOverride.quiz_id == quiz.id
        )
    )
    return int(quiz.definition["attempts"]["max"]) + int(extra or 0)


def valid_completion(session: Session, person: Person, quiz: Quiz, today: date) -> Completion | None:
    """The person's pass that has not yet expired: a pass lasts until its refresher is
    due (the council's own rule); the authorised poster module must be passed before an
    authorisation to post is issued (Networking Policy 3.2)."""
    return session.scalar(
        select(Completion)
        .where(
            Completion.person_id == person.id, Completion.quiz_id == quiz.id, Completion.expires_on > today
        )
        .order_by(Completion.expires_on.desc())
        .limit(1)
    )


def failed_topics(attempt: Attempt) -> list[str]:
    """Topics where the attempt scored below the pass mark: what a remedial retake covers."""
    by_topic: dict[str, list[float]] = {}
    for item in attempt.questions:
        by_topic.setdefault(item.question.topic, []).append(item.mark or 0.0)
    return sorted(t for t, marks in by_topic.items() if 100 * sum(marks) / len(marks) < attempt.pass_mark)


@dataclass(frozen=True)
class Standing:
    """Where a person stands on a quiz right now, and what they can do next."""

    attempts: list[Attempt]
    allowed: int
    completion: Completion | None
    in_progress: Attempt | None
    next_try_at: datetime | None
    remedial_topics: list[str]

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def out_of_attempts(self) -> bool:
        return self.in_progress is None and self.used >= self.allowed


def standing(session: Session, person: Person, quiz: Quiz, *, now: datetime | None = None) -> Standing:
    """Where the person stands now: after a failed attempt they wait the quiz's cooldown
    and retake only the topics they failed (the council's own rules for its training)."""
    now = now or utcnow()
    attempts = attempts_of(session, person, quiz)
    in_progress = next((a for a in attempts if a.status == "in_progress"), None)
    last = next((a for a in reversed(attempts) if a.status == "submitted"), None)
    next_try_at = None
    remedial: list[str] = []
    completion = valid_completion(session, person, quiz, now.astimezone(LONDON).date())
    if last is not None and last.passed is False and completion is None:
        cooldown = timedelta(hours=float(quiz.definition["attempts"]["cooldown_hours"]))
        assert last.submitted_at is not None
        if last.submitted_at + cooldown > now:
            next_try_at = last.submitted_at + cooldown
        full = get_attempt(session, last.id, person)
        remedial = failed_topics(full)
    return Standing(
        attempts, allowed_attempts(session, person, quiz), completion, in_progress, next_try_at, remedial
    )
