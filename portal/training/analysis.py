"""Item analysis for the Town Clerk: how each question performs, and mastery by topic.

Definitions follow Moodle's quiz statistics:
- facility index: the mean mark on the question, as a percentage;
- discrimination index: the Pearson correlation between the question's mark and the
  rest of the test (the attempt's total without this question), times 100.
Fewer than 30 attempts at a question is "insufficient data".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.downloads import csv_text
from portal.people.models import Department, Person
from portal.training.models import Attempt, AttemptQuestion, QuestionVersion

MINIMUM_ATTEMPTS = 30


@dataclass
class ItemStatistics:
    question_key: str
    revision: int
    topic: str
    kind: str
    stem: str
    attempts: int = 0
    facility: float | None = None
    discrimination: float | None = None
    choices: Counter[str] = field(default_factory=Counter)
    option_labels: dict[str, str] = field(default_factory=dict)

    @property
    def enough_data(self) -> bool:
        return self.attempts >= MINIMUM_ATTEMPTS


@dataclass
class Mastery:
    topics: dict[str, float]  # topic -> mean mark %
    by_department: dict[str, dict[str, float]]  # department -> topic -> mean mark %


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return None  # everyone scored the same: the question cannot discriminate
    return cov / math.sqrt(var_x * var_y)


def _labels(question: QuestionVersion) -> dict[str, str]:
    if question.kind == "scenario":
        return {c["key"]: c["text"] for step in question.content["steps"].values() for c in step["choices"]}
    return {str(o["key"]): o["text"] for o in question.content["options"]}


def analyse(session: Session) -> tuple[list[ItemStatistics], Mastery]:
    rows = session.execute(
        select(
            AttemptQuestion.attempt_id,
            AttemptQuestion.question_version_id,
            AttemptQuestion.mark,
            AttemptQuestion.answer,
            Attempt.person_id,
        )
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.status == "submitted")
    ).all()
    questions = {q.id: q for q in session.scalars(select(QuestionVersion))}
    departments = dict(
        session.execute(
            select(Person.id, Department.name).join(Department, Department.id == Person.department_id)
        ).all()
    )
    totals: dict[int, float] = defaultdict(float)
    for row in rows:
        totals[row.attempt_id] += row.mark or 0.0
    items: dict[int, ItemStatistics] = {}
    marks: dict[int, list[tuple[float, float]]] = defaultdict(list)
    topic_marks: dict[str, list[float]] = defaultdict(list)
    department_marks: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        question = questions[row.question_version_id]
        item = items.get(question.id)
        if item is None:
            item = items[question.id] = ItemStatistics(
                question.question_key,
                question.revision,
                question.topic,
                question.kind,
                question.content["stem"].strip().split("\n")[0][:140],
                option_labels=_labels(question),
            )
        mark = row.mark or 0.0
        item.attempts += 1
        item.choices.update(row.answer or [])
        marks[question.id].append((mark, totals[row.attempt_id] - mark))
        topic_marks[question.topic].append(mark)
        if row.person_id in departments:
            department_marks[departments[row.person_id]][question.topic].append(mark)
    for question_id, item in items.items():
        pairs = marks[question_id]
        item.facility = round(100 * sum(m for m, _ in pairs) / len(pairs), 1)
        correlation = pearson([m for m, _ in pairs], [rest for _, rest in pairs])
        item.discrimination = None if correlation is None else round(100 * correlation, 1)
    mastery = Mastery(
        {topic: round(100 * sum(v) / len(v), 1) for topic, v in sorted(topic_marks.items())},
        {
            name: {topic: round(100 * sum(v) / len(v), 1) for topic, v in sorted(by_topic.items())}
            for name, by_topic in sorted(department_marks.items())
        },
    )
    ordered = sorted(items.values(), key=lambda i: (i.topic, i.question_key, i.revision))
    return ordered, mastery


def as_csv(items: list[ItemStatistics]) -> str:
    """The item statistics as CSV, through the portal's formula-safe writer: question keys,
    topics and option labels come from quiz files that staff write."""
    header = [
        "question",
        "revision",
        "topic",
        "type",
        "attempts",
        "facility_index",
        "discrimination_index",
        "enough_data",
        "option_choices",
    ]
    rows: list[list[object]] = [
        [
            item.question_key,
            item.revision,
            item.topic,
            item.kind,
            item.attempts,
            item.facility,
            item.discrimination if item.discrimination is not None else "",
            "yes" if item.enough_data else "no",
            "; ".join(f"{key}={item.choices.get(key, 0)}" for key in item.option_labels),
        ]
        for item in items
    ]
    return csv_text(header, rows)
