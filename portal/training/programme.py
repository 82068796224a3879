"""The training programme: which quizzes each person must pass, by when, and how they stand.

- Automatic quizzes go to everyone in their audience: due a set number of England
  and Wales working days after the person's start (or after the quiz was added, for
  people who were already there).
- On-request quizzes (the authorised poster module) are due from when they were assigned.
- Either way, never before the policies the quiz tests (deadlines.py).
- A pass lasts until the refresher interval; a refresher falls due 30 days before it expires.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import TypeVarTuple

from sqlalchemy import Result, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from portal.access import can
from portal.audit.service import record
from portal.clock import LONDON, add_working_days
from portal.clock import today as clock_today
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person
from portal.people.service import active_people
from portal.training.deadlines import PolicyDeadlines, policy_deadlines
from portal.training.messages import quiz_to_take
from portal.training.models import Attempt, AttemptOverride, Completion, Quiz, QuizAssignment
from portal.training.standing import REFRESHER_WINDOW_DAYS, get_quiz, suits

# Whatever columns a query selects, `rows` keeps them.
Ts = TypeVarTuple("Ts")


class TrainingStatus(enum.StrEnum):
    PASSED = "passed"
    TO_DO = "to_do"
    IN_PROGRESS = "in_progress"
    REFRESHER_DUE = "refresher_due"
    OVERDUE = "overdue"
    LOCKED = "locked"  # attempts used up: the Town Clerk must allow another

    @property
    def label(self) -> str:
        return {
            "passed": "Passed",
            "to_do": "To do",
            "in_progress": "Started",
            "refresher_due": "Refresher due",
            "overdue": "Overdue",
            "locked": "Needs the Clerk",
        }[self.value]

    @property
    def needs_action(self) -> bool:
        return self not in (TrainingStatus.PASSED,)


@dataclass(frozen=True)
class QuizStatus:
    person_id: int
    quiz: Quiz
    status: TrainingStatus
    due: date
    passed_on: date | None = None
    expires_on: date | None = None
    attempts_used: int = 0


def statuses_for(
    session: Session, people: list[Person], *, today: date | None = None
) -> dict[int, list[QuizStatus]]:
    """Every person's standing on every quiz that applies to them, in a fixed number of queries."""
    today = today or clock_today()
    quizzes = list(session.scalars(select(Quiz).order_by(Quiz.quiz_key)))
    ids = [p.id for p in people]
    limited = len(ids) < 500  # a long IN (...) list costs more than reading everything

    def rows(query: Select[*Ts], person_id: InstrumentedAttribute[int]) -> Result[*Ts]:
        return session.execute(query.where(person_id.in_(ids)) if limited else query)

    assignments = {
        (r.person_id, r.quiz_id): r.due_on
        for r in rows(
            select(QuizAssignment.person_id, QuizAssignment.quiz_id, QuizAssignment.due_on),
            QuizAssignment.person_id,
        )
    }
    completions: dict[tuple[int, int], tuple[date, date]] = {}
    for r in rows(
        select(Completion.person_id, Completion.quiz_id, Completion.completed_at, Completion.expires_on),
        Completion.person_id,
    ):
        key = (r.person_id, r.quiz_id)
        if key not in completions or r.expires_on > completions[key][1]:
            completions[key] = (r.completed_at.astimezone(LONDON).date(), r.expires_on)
    # Counted in the database: a large council has hundreds of thousands of attempts.
    attempts: dict[tuple[int, int], list[str]] = {}
    for person_id, quiz_id, attempt_status, count in _attempt_counts(session, ids if limited else None):
        attempts.setdefault((person_id, quiz_id), []).extend([attempt_status] * count)
    overrides = _override_counts(session)
    deadlines = policy_deadlines(session, quizzes)
    result: dict[int, list[QuizStatus]] = {}
    for person in people:
        found = []
        for quiz in quizzes:
            status = _status(person, quiz, today, assignments, completions, attempts, overrides, deadlines)
            if status is not None:
                found.append(status)
        result[person.id] = found
    return result


def _attempt_counts(session: Session, ids: list[int] | None) -> Result[int, int, str, int]:
    query = select(Attempt.person_id, Attempt.quiz_id, Attempt.status, func.count().label("count")).group_by(
        Attempt.person_id, Attempt.quiz_id, Attempt.status
    )
    if ids is not None:
        query = query.where(Attempt.person_id.in_(ids))
    return session.execute(query)


def _override_counts(session: Session) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for r in session.execute(
        select(AttemptOverride.person_id, AttemptOverride.quiz_id, AttemptOverride.extra_attempts)
    ):
        counts[(r.person_id, r.quiz_id)] = counts.get((r.person_id, r.quiz_id), 0) + r.extra_attempts
    return counts


def _status(
    person: Person,
    quiz: Quiz,
    today: date,
    assignments: dict[tuple[int, int], date],
    completions: dict[tuple[int, int], tuple[date, date]],
    attempts: dict[tuple[int, int], list[str]],
    overrides: dict[tuple[int, int], int],
    deadlines: PolicyDeadlines,
) -> QuizStatus | None:
    """One person's standing on one quiz, by the rules in this module's docstring (the
    council's own deadlines); None when the quiz is not for them (Networking Policy, Scope)."""
    definition = quiz.definition
    audience = definition["audience"]
    if not person.is_active or not suits(audience["engagements"], audience.get("roles") or [], person):
        return None
    key = (person.id, quiz.id)
    if definition["assign"] == "automatic":
        begins = max(person.start_date, quiz.created_at.astimezone(LONDON).date())
        due = add_working_days(begins, int(definition["due_working_days"]))
    elif key in assignments:
        due = assignments[key]
    else:
        return None
    due = deadlines.not_before_policies(quiz, person, due)
    tried = attempts.get(key, [])
    used = len(tried)
    if key in completions:
        passed_on, expires_on = completions[key]
        if (expires_on - today).days > REFRESHER_WINDOW_DAYS:
            return QuizStatus(person.id, quiz, TrainingStatus.PASSED, expires_on, passed_on, expires_on, used)
        status = TrainingStatus.OVERDUE if today >= expires_on else TrainingStatus.REFRESHER_DUE
        return QuizStatus(person.id, quiz, status, expires_on, passed_on, expires_on, used)
    allowed = int(definition["attempts"]["max"]) + overrides.get(key, 0)
    if "in_progress" in tried:
        status = TrainingStatus.IN_PROGRESS
    elif used >= allowed:
        status = TrainingStatus.LOCKED
    elif today > due:
        status = TrainingStatus.OVERDUE
    else:
        status = TrainingStatus.TO_DO
    return QuizStatus(person.id, quiz, status, due, attempts_used=used)


def assign(session: Session, actor: Person, person: Person, quiz: Quiz, reason: str) -> QuizAssignment:
    """Ask someone to take an on-request quiz (such as the authorised poster module, which
    must be passed before a written authorisation to post, Networking Policy 3.2). Only a
    quiz meant for that person can be assigned; asking twice keeps the first request.
    It falls due when the quiz's own working days end, but never before the policies it
    tests (training/deadlines.py), so the date recorded and emailed is the one shown."""
    if quiz.definition["assign"] != "on_request":
        raise DomainError(f"Everyone it applies to takes the {quiz.title} already")
    audience = quiz.definition["audience"]
    if not suits(audience["engagements"], audience.get("roles") or [], person):
        raise DomainError(f"The {quiz.title} is not for {person.name}", field="person_email")
    existing = session.scalar(
        select(QuizAssignment).where(QuizAssignment.person_id == person.id, QuizAssignment.quiz_id == quiz.id)
    )
    if existing is not None:
        return existing
    now = utcnow()
    assignment = QuizAssignment(
        person_id=person.id,
        quiz_id=quiz.id,
        assigned_by_id=actor.id,
        assigned_at=now,
        reason=reason.strip(),
        due_on=policy_deadlines(session, [quiz]).not_before_policies(
            quiz,
            person,
            add_working_days(now.astimezone(LONDON).date(), int(quiz.definition["due_working_days"])),
        ),
    )
    session.add(assignment)
    session.flush()
    record(
        session,
        actor=actor,
        action="training.quiz_assigned",
        object_type="person",
        object_id=person.id,
        details={"quiz": quiz.quiz_key, "due_on": assignment.due_on.isoformat(), "reason": assignment.reason},
    )
    return assignment


def people_followed_by(session: Session, manager: Person | None) -> list[Person]:
    """The active people whose training a manager follows (their team), or everyone."""
    return active_people(session, manager=manager)


def assign_on_request(
    session: Session, actor: Person, person: Person, quiz_key: str, reason: str
) -> QuizAssignment:
    """Ask someone to take an on-request quiz and email them, in the same transaction. A
    manager may ask only their own team; those who see everyone's training may ask anyone
    (the council's own need-to-know rule). See `assign` for the rest."""
    if not can(actor, "view_everyones_training") and person.line_manager_id != actor.id:
        raise DomainError("You can only assign training to people in your team", field="person_email")
    quiz = get_quiz(session, quiz_key)
    assignment = assign(session, actor, person, quiz, reason)
    quiz_to_take(session, person, quiz.title, quiz.quiz_key, assignment.due_on)
    return assignment
