"""Checking a quiz question's choices and a scenario's steps, paths and endings.

Split from bank.py along the seam between a question's shape and the bank as a whole:
a scenario must let every path reach an ending without going round, and every choice
must carry its feedback, so that nobody is left without an explanation of their mark.
"""

from __future__ import annotations

from typing import Any

from portal.training.bank_files import LineDict, Problem
from portal.training.bank_files import line_of as _line


def check_choice(file: str, choice: Any, where: str, problems: list[Problem]) -> bool:
    if not isinstance(choice, LineDict):
        problems.append(
            Problem(file, _line(choice), f"{where}: each option needs key, text, score and feedback")
        )
        return False
    for key in ("key", "text", "score", "feedback"):
        value = choice.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            message = (
                "every option must have feedback"
                if key == "feedback"
                else f"{where}: option is missing '{key}'"
            )
            problems.append(Problem(file, _line(choice), message))
    score = choice.get("score")
    if score is not None and (
        not isinstance(score, int | float) or isinstance(score, bool) or not 0 <= score <= 1
    ):
        problems.append(Problem(file, _line(choice, "score"), f"{where}: score must be a number from 0 to 1"))
    return True


def check_scenario(file: str, item: LineDict, problems: list[Problem]) -> None:
    steps, endings, start = item.get("steps"), item.get("endings"), item.get("start")
    if not isinstance(steps, dict) or not steps:
        problems.append(Problem(file, _line(item, "steps"), "a scenario needs steps"))
        return
    if not isinstance(endings, dict) or not endings:
        problems.append(Problem(file, _line(item, "endings"), "a scenario needs endings"))
        return
    for name, ending in endings.items():
        if (
            not isinstance(ending, dict)
            or "text" not in ending
            or not isinstance(ending.get("score"), int | float)
        ):
            problems.append(
                Problem(file, _line(endings, str(name)), f"ending '{name}' needs text and a score")
            )
    if start not in steps:
        problems.append(Problem(file, _line(item, "start"), f"the start step '{start}' does not exist"))
        return
    for name, step in steps.items():
        where = f"step '{name}'"
        if (
            not isinstance(step, LineDict)
            or not isinstance(step.get("choices"), list)
            or not step.get("choices")
        ):
            problems.append(Problem(file, _line(steps, str(name)), f"{where} needs text and choices"))
            continue
        keys = []
        for choice in step["choices"]:
            if not check_choice(file, choice, where, problems):
                continue
            keys.append(choice.get("key"))
            target_next, target_end = choice.get("next"), choice.get("ending")
            if (target_next is None) == (target_end is None):
                problems.append(
                    Problem(file, _line(choice), f"{where}: a choice leads to either 'next' or 'ending'")
                )
            elif target_next is not None and target_next not in steps:
                problems.append(
                    Problem(file, _line(choice, "next"), f"{where}: there is no step '{target_next}'")
                )
            elif target_end is not None and target_end not in endings:
                problems.append(
                    Problem(file, _line(choice, "ending"), f"{where}: there is no ending '{target_end}'")
                )
        if len(keys) != len(set(keys)):
            problems.append(
                Problem(file, _line(step), f"{where}: choice keys must be different from each other")
            )
    _check_paths(file, item, steps, str(start), problems)


def _check_paths(
    file: str, item: LineDict, steps: dict[str, Any], start: str, problems: list[Problem]
) -> None:
    """Every path from the start must reach an ending without visiting a step twice."""

    def walk(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            problems.append(
                Problem(
                    file, _line(steps, name), f"the path {' -> '.join((*path, name))} goes round in a loop"
                )
            )
            return
        step = steps.get(name)
        if not isinstance(step, dict):
            return
        for choice in step.get("choices") or []:
            if isinstance(choice, dict) and choice.get("next") in steps:
                walk(str(choice["next"]), (*path, name))

    walk(start, ())
    reachable: set[str] = set()
    frontier = [start]
    while frontier:
        name = frontier.pop()
        if name in reachable or name not in steps:
            continue
        reachable.add(name)
        frontier.extend(
            str(c["next"]) for c in steps[name].get("choices") or [] if isinstance(c, dict) and c.get("next")
        )
    for name in steps:
        if name not in reachable:
            problems.append(
                Problem(file, _line(steps, name), f"step '{name}' cannot be reached from the start")
            )
