"""Training tasks: quizzes to take (the home page, and deadlines for the daily reminders run)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy.orm import Session

from portal.outbox.service import portal_path
from portal.people.models import Person
from portal.tasks import TASK_SOURCES, Deadline, Task, add_deadline_source

from .messages import quiz_to_take
from .programme import TrainingStatus, statuses_for


def quiz_tasks(session: Session, person: Person) -> list[Task]:
    tasks = []
    for found in statuses_for(session, [person])[person.id]:
        if not found.status.needs_action:
            continue
        verb = (
            "Take the refresher:"
            if found.status == TrainingStatus.REFRESHER_DUE or found.passed_on
            else "Take the quiz:"
        )
        if found.status == TrainingStatus.LOCKED:
            verb = "Ask the Town Clerk about the quiz:"
        tasks.append(
            Task(
                f"{verb} {found.quiz.title}",
                url_for("training.quiz", key=found.quiz.quiz_key),
                found.due,
                overdue=found.status == TrainingStatus.OVERDUE,
            )
        )
    return tasks


def quiz_deadlines(session: Session, people: list[Person], today: date) -> dict[int, list[Deadline]]:
    """Every quiz each person must still take or retake, by its due date (the onboarding
    quiz within the working days the quiz sets; a refresher before the pass expires: the
    council's programme). Each is announced once, when it first appears."""
    found: dict[int, list[Deadline]] = {}
    statuses = statuses_for(session, people, today=today)
    for person in people:
        mine = found.setdefault(person.id, [])
        for status in statuses.get(person.id, []):
            if not status.status.needs_action:
                continue
            quiz = status.quiz
            quiz_to_take(session, person, quiz.title, quiz.quiz_key, status.due)
            link = portal_path("training.quiz", key=quiz.quiz_key)
            mine.append(
                Deadline(
                    person, f"take the {quiz.title}", link, f"quiz:{person.id}:{quiz.quiz_key}", status.due
                )
            )
    return found


TASK_SOURCES.append(quiz_tasks)
add_deadline_source(quiz_deadlines, order=20)
