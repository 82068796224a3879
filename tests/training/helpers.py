"""Helpers for the training tests."""

from __future__ import annotations

from portal.training import attempts


def answer_all(session, person, attempt, *, right: bool) -> None:
    """Answer every question of an attempt, all right or all wrong."""
    for item in attempt.questions:
        question = item.question
        if question.kind == "scenario":
            step = question.content["start"]
            while step:
                choices = question.content["steps"][step]["choices"]
                choice = (
                    max(choices, key=lambda c: c["score"])
                    if right
                    else min(choices, key=lambda c: c["score"])
                )
                attempts.save_answer(session, person, attempt, item.position, [choice["key"]])
                step = choice.get("next")
            continue
        options = question.content["options"]
        if question.kind == "multiple":
            keys = [str(o["key"]) for o in options if (o["score"] > 0) == right]
        else:
            keys = [str(next(o["key"] for o in options if (o["score"] > 0) == right))]
        attempts.save_answer(session, person, attempt, item.position, keys)
    session.commit()
