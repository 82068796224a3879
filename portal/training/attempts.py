"""Taking a quiz: drawing questions, saving answers, scoring on the server, remedial retakes.

Scoring never trusts the browser: the page sends option keys only, and only keys
that the attempt showed are accepted.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.audit.service import record
from portal.clock import LONDON, add_months
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person
from portal.training.models import (
    Attempt,
    AttemptOverride,
    AttemptQuestion,
    Completion,
    QuestionVersion,
    Quiz,
)
from portal.training.scoring import is_answered, mark, scenario_path
from portal.training.standing import (
    REFRESHER_WINDOW_DAYS,
    Standing,
    allowed_attempts,
    attempts_of,
    failed_topics,
    get_attempt,
    get_quiz,
    is_on_request,
    is_open_to,
    list_quizzes,
    one_question,
    standing,
    suits,
    valid_completion,
)

# The pages and tests take a quiz through this module alone: what it reads from the
# standing and the scoring is reachable here too (AuditEvent, Person and QuestionVersion
# are what the tests count and look up through it).
__all__ = [
    "REFRESHER_WINDOW_DAYS",
    "AuditEvent",
    "InvalidAnswer",
    "NotOpen",
    "Person",
    "QuestionVersion",
    "Standing",
    "allowed_attempts",
    "attempts_of",
    "failed_topics",
    "get_attempt",
    "get_quiz",
    "grant_extra_attempt",
    "one_question",
    "is_answered",
    "is_on_request",
    "is_open_to",
    "list_quizzes",
    "mark",
    "save_answer",
    "scenario_path",
    "standing",
    "start_attempt",
    "submit",
    "suits",
    "valid_completion",
]


class NotOpen(DomainError):
    """The quiz is not assigned or not open to this person (403)."""


class InvalidAnswer(DomainError):
    """The form sent an option the attempt never showed (400)."""


def _draw(
    session: Session, quiz: Quiz, person: Person, topics: list[str], rng: random.Random
) -> list[QuestionVersion]:
    rules = [rule for rule in quiz.definition["draw"] if not topics or rule["topic"] in topics]
    candidates = list(
        session.scalars(
            select(QuestionVersion)
            .where(
                QuestionVersion.is_latest.is_(True),
                QuestionVersion.status == "ready",
                QuestionVersion.topic.in_([rule["topic"] for rule in rules]),
            )
            .order_by(QuestionVersion.question_key)
        )
    )
    drawn: list[QuestionVersion] = []
    for rule in rules:
        pool = [
            q
            for q in candidates
            if q.topic == rule["topic"] and suits(q.audience_engagements, q.audience_roles, person)
        ]
        drawn.extend(rng.sample(pool, min(rule["count"], len(pool))))
    if quiz.definition.get("shuffle"):
        rng.shuffle(drawn)
    return drawn


def _option_order(question: QuestionVersion, shuffle: bool, rng: random.Random) -> list[str]:
    if question.kind == "scenario":
        return [c["key"] for step in question.content["steps"].values() for c in step["choices"]]
    keys = [str(option["key"]) for option in question.content["options"]]
    if shuffle and question.kind != "true_false":
        rng.shuffle(keys)
    return keys


def start_attempt(
    session: Session, person: Person, quiz: Quiz, *, rng: random.Random | None = None
) -> Attempt:
    """Start (or resume) an attempt: questions are drawn and shuffled here, on the server.

    Refused if the quiz is not open to the person, if their pass is still good for more
    than the refresher window, if their attempts are used up, or during the cooldown
    after a failure: the council's own rules for its training.
    One attempt at a time: a second start (another tab, a double click) resumes the
    attempt the first one began rather than failing on its attempt number.
    """
    if not is_open_to(session, quiz, person):
        raise NotOpen("This quiz is not open to you")
    # Starts by the same person queue here (PostgreSQL row lock; SQLite writers are
    # already serialised), so the second one sees the first's attempt and resumes it.
    session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    state = standing(session, person, quiz)
    if state.in_progress is not None:
        return get_attempt(session, state.in_progress.id, person)
    today = utcnow().astimezone(LONDON).date()
    if state.completion is not None and state.completion.expires_on > today + timedelta(
        days=REFRESHER_WINDOW_DAYS
    ):
        raise DomainError(
            f"You have passed this quiz. Your pass is valid until {state.completion.expires_on:%d %B %Y}"
        )
    if state.out_of_attempts:
        raise DomainError(
            f"You have used all {state.allowed} attempts at this quiz. The Town Clerk can allow another"
        )
    if state.next_try_at is not None:
        local = state.next_try_at.astimezone(LONDON)
        raise DomainError(f"You can try again from {local:%H:%M on %d %B %Y}")
    rng = rng or random.SystemRandom()
    questions = _draw(session, quiz, person, state.remedial_topics, rng)
    if not questions:
        raise DomainError("There are no questions for you in this quiz yet. Tell the Town Clerk")
    attempt = Attempt(
        person_id=person.id,
        quiz_id=quiz.id,
        number=state.used + 1,
        status="in_progress",
        pass_mark=quiz.pass_mark,
        remedial_topics=state.remedial_topics,
        started_at=utcnow(),
    )
    session.add(attempt)
    session.flush()  # the unique (person, quiz, number) is the last guard against a parallel attempt
    for position, question in enumerate(questions, start=1):
        session.add(
            AttemptQuestion(
                attempt_id=attempt.id,
                position=position,
                question_version_id=question.id,
                option_order=_option_order(question, bool(quiz.definition.get("shuffle")), rng),
            )
        )
    session.flush()
    record(
        session,
        actor=person,
        action="training.attempt_started",
        object_type="attempt",
        object_id=attempt.id,
        details={
            "quiz": quiz.quiz_key,
            "number": attempt.number,
            "remedial_topics": state.remedial_topics,
            "questions": [f"{q.question_key} r{q.revision}" for q in questions],
        },
    )
    return get_attempt(session, attempt.id, person)


def save_answer(
    session: Session, person: Person, attempt: Attempt, position: int, keys: list[str]
) -> AttemptQuestion:
    """Save one question's answer, from the options the attempt showed. After submission
    nothing can change, so the scored attempt stays as evidence (the council's own rule)."""
    if attempt.status == "submitted":
        raise DomainError("This attempt has been submitted, so its answers can no longer change")
    item = next((q for q in attempt.questions if q.position == position), None)
    if item is None:
        raise NotFound("No such question in this attempt")
    shown = set(item.option_order)
    if any(key not in shown for key in keys):
        raise InvalidAnswer("That answer was not one of the options shown")
    kind = item.question.kind
    if kind in ("single", "true_false") and len(keys) != 1:
        raise DomainError("Choose one answer", field="answer")
    if kind == "multiple" and not keys:
        raise DomainError("Choose at least one answer", field="answer")
    if kind == "scenario":
        keys = _extend_scenario(item, keys)
    item.answer = keys
    item.answered_at = utcnow()
    session.flush()
    record(
        session,
        actor=person,
        action="training.answer_saved",
        object_type="attempt",
        object_id=attempt.id,
        details={"position": position},
        personal_details={"answer": keys},
        personal_of=person.id,
    )
    return item


def _extend_scenario(item: AttemptQuestion, keys: list[str]) -> list[str]:
    """A scenario is answered one choice at a time; `keys` holds the newest choice."""
    if len(keys) != 1:
        raise DomainError("Choose one answer", field="answer")
    path = list(item.answer or [])
    step, ending = scenario_path(item.question, path)
    if ending is not None:  # answered already: choosing again starts the story over
        path, step = [], item.question.content["start"]
    assert step is not None
    if keys[0] not in {c["key"] for c in item.question.content["steps"][step]["choices"]}:
        raise InvalidAnswer("That choice was not offered at this point of the story")
    return [*path, keys[0]]


def submit(session: Session, person: Person, attempt: Attempt) -> Attempt:
    """Score the attempt once, on the server, when every question is answered; a pass at
    the quiz's mark is recorded until its refresher is due (the council's own rules).
    A second submission shows the same result and changes nothing."""
    # Lock the row (PostgreSQL): a second submit waits here and then finds it submitted.
    session.execute(select(Attempt.id).where(Attempt.id == attempt.id).with_for_update())
    session.refresh(attempt, attribute_names=["status", "submitted_at", "score_percent", "passed"])
    if attempt.status == "submitted":
        return attempt
    missing = [item.position for item in attempt.questions if not is_answered(item)]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise DomainError(f"Answer every question before submitting. Still to answer: {listed}")
    for item in attempt.questions:
        item.mark = mark(item.question, item.answer)
    total = sum(item.mark or 0.0 for item in attempt.questions) / len(attempt.questions)
    now = utcnow()
    attempt.score_percent = round(100 * total, 1)
    attempt.passed = attempt.score_percent >= attempt.pass_mark
    attempt.status = "submitted"
    attempt.submitted_at = now
    session.flush()
    if attempt.passed:
        months = int(attempt.quiz.definition["refresher_months"])
        session.add(
            Completion(
                person_id=person.id,
                quiz_id=attempt.quiz_id,
                attempt_id=attempt.id,
                completed_at=now,
                expires_on=add_months(now.astimezone(LONDON).date(), months),
            )
        )
    session.flush()
    record(
        session,
        actor=person,
        action="training.attempt_submitted",
        object_type="attempt",
        object_id=attempt.id,
        details={"quiz": attempt.quiz.quiz_key, "score": attempt.score_percent, "passed": attempt.passed},
    )
    return attempt


def grant_extra_attempt(
    session: Session, clerk: Person, person: Person, quiz: Quiz, reason: str
) -> AttemptOverride:
    """The Town Clerk lifts the attempt limit by one, with the reason on record, only for
    someone who has used all their attempts (the council's own rule; the access rule
    `override_attempt_limit` keeps it to the Clerk)."""
    if not reason.strip():
        raise DomainError("Write the reason for allowing another attempt", field="reason")
    state = standing(session, person, quiz)
    if not state.out_of_attempts:
        raise DomainError(f"{person.name} has not used all their attempts at this quiz")
    override = AttemptOverride(
        person_id=person.id,
        quiz_id=quiz.id,
        extra_attempts=1,
        reason=reason.strip(),
        granted_by_id=clerk.id,
        granted_at=utcnow(),
    )
    session.add(override)
    session.flush()
    record(
        session,
        actor=clerk,
        action="training.attempt_limit_overridden",
        object_type="person",
        object_id=person.id,
        details={"quiz": quiz.quiz_key},
        personal_details={"reason": reason.strip()},
        personal_of=person.id,
    )
    return override
