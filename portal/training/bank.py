"""Checking the quiz bank before anything is loaded.

`check_bank` finds every problem (read from the files by bank_files.py) as
`file:line: message`, so that `quizzes sync` can be all or nothing. The reading is
re-exported here, so the bank stays one place to import from.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from portal.people.models import EngagementType, Role
from portal.training.bank_files import Bank, LineDict, Problem, content_hash, plain, read_file
from portal.training.bank_files import line_of as _line
from portal.training.bank_files import read_bank as read_files
from portal.training.bank_scenarios import check_choice, check_scenario
from portal.training.rules import RuledBank, check_rules, with_rules

__all__ = [
    "Bank",
    "LineDict",
    "Problem",
    "check_bank",
    "check_question",
    "check_quiz",
    "content_hash",
    "plain",
    "read_bank",
    "read_file",
]


def read_bank(folder: Path) -> RuledBank:
    """The question and quiz files, and the table of the policies' rules (rules.py)."""
    return with_rules(read_files(folder), folder)


# The rules the training covers, by where they come from: Networking Policy 3.2
# (private use, holidays, posting for the council), 3.2 and 3.3 (confidentiality),
# 3.0 (social engineering), 3.4 (council channels), the Communication Policy (email).
# Each with the name people read on the quiz and result pages.
TOPIC_NAMES = {
    "private-use": "Private use of social media",
    "confidentiality": "Confidential and personal information",
    "social-engineering": "Social engineering",
    "holiday-status": "Saying you are away from home",
    "posting-for-council": "Posting for the council",
    "council-channels": "The council's own channels",
    "email-and-messaging": "Email and messaging",
    # Council publicity before an election (LGA 1986 s2; the 2011 Publicity Code).
    "election-publicity": "Publicity before an election",
}
TOPICS = tuple(TOPIC_NAMES)
KINDS = ("single", "multiple", "true_false", "scenario")
STATUSES = ("draft", "ready", "retired")
ENGAGEMENTS = {e.value for e in EngagementType}
ROLES = {r.value for r in Role}
QUESTION_FIELDS = {
    "id",
    "version",
    "status",
    "topic",
    "audience",
    "type",
    "stem",
    "options",
    "explanation",
    "citations",
    "review_due",
    "rules",
    "duty_of",
    "start",
    "steps",
    "endings",
}
QUIZ_FIELDS = {
    "id",
    "title",
    "pass_mark",
    "draw",
    "shuffle",
    "attempts",
    "audience",
    "due_working_days",
    "refresher_months",
    "assign",
    "description",
}


# Checking -------------------------------------------------------------------------


def _check_audience(file: str, item: LineDict, problems: list[Problem]) -> None:
    audience = item.get("audience")
    if not isinstance(audience, dict):
        problems.append(Problem(file, _line(item, "audience"), "audience must list engagements and roles"))
        return
    engagements = audience.get("engagements")
    if not isinstance(engagements, list) or not engagements:
        problems.append(
            Problem(file, _line(audience), "audience.engagements must list at least one engagement type")
        )
    else:
        for value in engagements:
            if value not in ENGAGEMENTS:
                problems.append(Problem(file, _line(audience), f"unknown engagement type '{value}'"))
    roles = audience.get("roles", [])
    if not isinstance(roles, list):
        problems.append(Problem(file, _line(audience), "audience.roles must be a list (it may be empty: [])"))
    else:
        for value in roles:
            if value not in ROLES:
                problems.append(Problem(file, _line(audience), f"unknown role '{value}'"))


def _check_options(file: str, item: LineDict, kind: str, problems: list[Problem]) -> None:
    options = item.get("options")
    if not isinstance(options, list) or len(options) < 2:
        problems.append(Problem(file, _line(item, "options"), "a question needs at least two options"))
        return
    keys = []
    for option in options:
        if check_choice(file, option, "options", problems):
            keys.append(str(option.get("key")))
    if len(keys) != len(set(keys)):
        problems.append(Problem(file, _line(options), "option keys must be different from each other"))
    right = [o for o in options if isinstance(o, dict) and o.get("score") == 1]
    if kind == "single" and len(right) != 1:
        problems.append(
            Problem(file, _line(options), "a single-answer question needs exactly one option scoring 1")
        )
    if kind == "multiple" and not right:
        problems.append(
            Problem(file, _line(options), "a multiple-answer question needs at least one right option")
        )
    if kind == "true_false" and sorted(keys) != ["false", "true"]:
        problems.append(
            Problem(file, _line(options), "a true/false question needs exactly the keys true and false")
        )


def check_question(file: str, item: LineDict, problems: list[Problem]) -> None:
    """A question must be complete and cite the policy section it teaches, so that every
    answer can be traced back to the policy text (the council's own rule for its bank)."""
    for key in sorted(set(item) - QUESTION_FIELDS):
        problems.append(Problem(file, _line(item, key), f"unknown field '{key}'"))
    question_id = item.get("id")
    if not isinstance(question_id, str) or not question_id.strip():
        problems.append(Problem(file, _line(item), "every question needs an id"))
    if (
        not isinstance(item.get("version"), int)
        or isinstance(item.get("version"), bool)
        or item["version"] < 1
    ):
        problems.append(Problem(file, _line(item, "version"), "version must be a whole number, 1 or more"))
    if item.get("status") not in STATUSES:
        problems.append(Problem(file, _line(item, "status"), "status must be draft, ready or retired"))
    if item.get("topic") not in TOPICS:
        problems.append(Problem(file, _line(item, "topic"), f"topic must be one of: {', '.join(TOPICS)}"))
    kind = item.get("type")
    if kind not in KINDS:
        problems.append(
            Problem(file, _line(item, "type"), "type must be single, multiple, true_false or scenario")
        )
    for text_field in ("stem", "explanation"):
        if not isinstance(item.get(text_field), str) or not item[text_field].strip():
            problems.append(Problem(file, _line(item, text_field), f"the question needs a {text_field}"))
    if not isinstance(item.get("review_due"), date):
        problems.append(Problem(file, _line(item, "review_due"), "review_due must be a date like 2027-11-30"))
    _check_audience(file, item, problems)
    citations = item.get("citations")
    if not isinstance(citations, list) or not citations:
        problems.append(Problem(file, _line(item, "citations"), "a question needs at least one citation"))
    else:
        for citation in citations:
            if (
                not isinstance(citation, dict)
                or not citation.get("policy")
                or citation.get("section") is None
            ):
                problems.append(Problem(file, _line(citation), "a citation needs a policy and a section"))
    if kind == "scenario":
        check_scenario(file, item, problems)
    elif kind in KINDS:
        _check_options(file, item, kind, problems)


def check_quiz(file: str, quiz: LineDict, questions: list[LineDict], problems: list[Problem]) -> None:
    """A quiz must say its pass mark, attempts, deadlines and audience, and have enough
    ready questions suited to that audience for each topic it draws (the council's own rules)."""
    for key in sorted(set(quiz) - QUIZ_FIELDS):
        problems.append(Problem(file, _line(quiz, key), f"unknown field '{key}'"))
    if not isinstance(quiz.get("id"), str) or not isinstance(quiz.get("title"), str):
        problems.append(Problem(file, _line(quiz), "a quiz needs an id and a title"))
    pass_mark = quiz.get("pass_mark")
    if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        problems.append(
            Problem(file, _line(quiz, "pass_mark"), "pass_mark must be a percentage from 1 to 100")
        )
    attempts = quiz.get("attempts")
    if (
        not isinstance(attempts, dict)
        or not isinstance(attempts.get("max"), int)
        or attempts["max"] < 1
        or not isinstance(attempts.get("cooldown_hours"), int | float)
        or attempts["cooldown_hours"] < 0
    ):
        problems.append(
            Problem(file, _line(quiz, "attempts"), "attempts needs max (1 or more) and cooldown_hours")
        )
    for number_field in ("due_working_days", "refresher_months"):
        if not isinstance(quiz.get(number_field), int) or quiz[number_field] < 1:
            problems.append(
                Problem(file, _line(quiz, number_field), f"{number_field} must be a whole number, 1 or more")
            )
    if quiz.get("assign") not in ("automatic", "on_request"):
        problems.append(Problem(file, _line(quiz, "assign"), "assign must be automatic or on_request"))
    if not isinstance(quiz.get("shuffle"), bool):
        problems.append(Problem(file, _line(quiz, "shuffle"), "shuffle must be true or false"))
    _check_audience(file, quiz, problems)
    draw = quiz.get("draw")
    if not isinstance(draw, list) or not draw:
        problems.append(
            Problem(file, _line(quiz, "draw"), "draw must list topics and how many questions from each")
        )
        return
    given = quiz.get("audience")
    audience: dict[str, Any] = given if isinstance(given, dict) else {}
    for rule in draw:
        if (
            not isinstance(rule, dict)
            or rule.get("topic") not in TOPICS
            or not isinstance(rule.get("count"), int)
        ):
            problems.append(Problem(file, _line(rule), "each draw rule needs a known topic and a count"))
            continue
        available = [
            q
            for q in questions
            if q.get("topic") == rule["topic"]
            and q.get("status") == "ready"
            and _audience_overlaps(q.get("audience") or {}, audience)
        ]
        if len(available) < rule["count"]:
            problems.append(
                Problem(
                    file,
                    _line(rule),
                    f"topic {rule['topic']} has {len(available)} ready questions for this "
                    f"audience, fewer than the {rule['count']} to draw",
                )
            )


def _audience_overlaps(question: dict[str, Any], quiz: dict[str, Any]) -> bool:
    """A question may appear in a quiz only if it suits everyone the quiz is for."""
    if not set(quiz.get("engagements") or []) <= set(question.get("engagements") or []):
        return False
    question_roles = set(question.get("roles") or [])
    quiz_roles = set(quiz.get("roles") or [])
    return not question_roles or (bool(quiz_roles) and quiz_roles <= question_roles)


def check_bank(bank: Bank, sections: dict[str, set[str]] | None = None) -> list[Problem]:
    """Every problem in the bank. `sections` maps each published policy to its section
    ids; when given (a database is there), citations must point at one of them, so a
    question never cites a section (such as Networking Policy 3.2) that is not in force."""
    problems = list(bank.problems)
    seen: dict[str, str] = {}
    for file, item in bank.questions:
        check_question(file, item, problems)
        key = item.get("id")
        if isinstance(key, str):
            if key in seen:
                problems.append(
                    Problem(file, _line(item, "id"), f"the id {key} is already used in {seen[key]}")
                )
            else:
                seen[key] = f"{file}:{_line(item, 'id')}"
        if sections is not None:
            for citation in item.get("citations") or []:
                if not isinstance(citation, dict):
                    continue
                policy, section = citation.get("policy"), str(citation.get("section"))
                if policy not in sections:
                    problems.append(Problem(file, _line(citation), f"no published policy '{policy}'"))
                elif section not in sections[policy]:
                    problems.append(
                        Problem(file, _line(citation), f"policy '{policy}' has no section '{section}'")
                    )
    quiz_ids: set[str] = set()
    questions = [item for _, item in bank.questions]
    for file, quiz in bank.quizzes:
        check_quiz(file, quiz, questions, problems)
        if quiz.get("id") in quiz_ids:
            problems.append(Problem(file, _line(quiz, "id"), f"the quiz id {quiz.get('id')} is used twice"))
        quiz_ids.add(str(quiz.get("id")))
    if isinstance(bank, RuledBank):  # every rule trained or enforced (issue 18)
        problems.extend(check_rules(bank, sections))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
