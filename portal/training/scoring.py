"""Marking a quiz's questions: the path through a scenario, whether a question is
answered, and its mark. Pure functions of a question and an answer, so that the
mark is worked out in one place only, on the server.
"""

from __future__ import annotations

from typing import Any

from portal.training.models import AttemptQuestion, QuestionVersion


def scenario_path(question: QuestionVersion, answer: list[str]) -> tuple[str | None, str | None]:
    """Walk the chosen keys: (the step now waiting for a choice, or the ending reached)."""
    steps = question.content["steps"]
    step: str | None = question.content["start"]
    for key in answer:
        if step is None:
            return None, None
        choice = next((c for c in steps[step]["choices"] if c["key"] == key), None)
        if choice is None:
            return None, None
        if choice.get("ending"):
            return None, choice["ending"]
        step = choice.get("next")
    return step, None


def is_answered(item: AttemptQuestion) -> bool:
    if not item.answer:
        return False
    if item.question.kind == "scenario":
        return scenario_path(item.question, item.answer)[1] is not None
    return True


def mark(question: QuestionVersion, answer: list[str] | None) -> float:
    """The question's mark from 0 to 1, worked out here and only here."""
    if not answer:
        return 0.0
    content: dict[str, Any] = question.content
    if question.kind == "scenario":
        _, ending = scenario_path(question, answer)
        return float(content["endings"][ending]["score"]) if ending else 0.0
    scores = {str(o["key"]): float(o["score"]) for o in content["options"]}
    if question.kind == "multiple":
        judged_right = sum(1 for key, score in scores.items() if (key in answer) == (score > 0))
        return judged_right / len(scores)
    return scores.get(answer[0], 0.0)
