"""A person's quiz attempts for a subject access export: not only the scores but every
question as it was asked, the answers they chose and whether each was right (UK GDPR
Art. 15(1) and (3): a copy of the personal data, and an answer given in a test is the
candidate's personal data, as a score is).

The bank's right answers are not given: they are not the person's data, and the same
questions are asked again at each refresher.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.people.models import Person
from portal.training.models import Attempt, AttemptQuestion

from .values import iso


def _result(mark: float | None) -> str:
    if mark is None:
        return "not marked: the attempt was not submitted"
    if mark >= 1:
        return "right"
    if mark <= 0:
        return "wrong"
    return f"partly right ({mark:.0%})"


def _scenario(content: dict[str, Any], answer: list[str]) -> tuple[list[dict[str, str]], str | None]:
    """Each step of the story as they walked it, with the choice they made, and the ending
    they reached (None while unfinished): the same walk the marking makes
    (portal.training.scoring), read for the person rather than for a mark."""
    steps = content["steps"]
    walked: list[dict[str, str]] = []
    step: str | None = content["start"]
    for key in answer:
        if step is None:
            break
        choice = next((c for c in steps[step]["choices"] if str(c["key"]) == key), None)
        if choice is None:
            break
        walked.append({"asked": steps[step]["text"], "chosen": choice["text"]})
        if choice.get("ending"):
            return walked, content["endings"][choice["ending"]]["text"]
        step = choice.get("next")
    return walked, None


def _question(item: AttemptQuestion) -> dict[str, Any]:
    question = item.question
    content: dict[str, Any] = question.content
    entry: dict[str, Any] = {
        "position": item.position,
        "question": f"{question.question_key}, revision {question.revision}",
        "asked": str(content["stem"]).strip(),
    }
    if question.kind == "scenario":
        entry["answers_chosen"], entry["ending"] = _scenario(content, item.answer or [])
    else:
        options = {str(o["key"]): str(o["text"]) for o in content["options"]}
        entry["answers_chosen"] = [options.get(key, key) for key in item.answer or []]
    entry["answered_at"] = iso(item.answered_at)
    entry["result"] = _result(item.mark)
    return entry


def quiz_attempts(session: Session, person: Person) -> list[dict[str, Any]]:
    """Every attempt, with each question as it was shown (its exact version is kept with the
    attempt, so a later change to the bank does not change what is reported)."""
    attempts = session.scalars(
        select(Attempt)
        .options(
            selectinload(Attempt.quiz),
            selectinload(Attempt.questions).selectinload(AttemptQuestion.question),
        )
        .where(Attempt.person_id == person.id)
        .order_by(Attempt.started_at, Attempt.id)
    )
    return [
        {
            "quiz": a.quiz.title,
            "attempt": a.number,
            "started_at": iso(a.started_at),
            "submitted_at": iso(a.submitted_at),
            "score_percent": a.score_percent,
            "passed": a.passed,
            "questions": [_question(item) for item in a.questions],
        }
        for a in attempts
    ]
