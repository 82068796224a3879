"""The daily reminders run (flask --app wsgi reminders run).

It works out, in England and Wales working days, what is due and overdue for everyone,
and queues what should be said: the task itself (once), a reminder a few working days
before the due date, an overdue notice on the day after, and an escalation to the line
manager (or, without one, the Town Clerk) once it is a set number of working days
late. Posting authorisations ending within 30 days are announced to the person and
whoever asked for them, and the Town Clerk gets a digest at the frequency they chose.
Every message has a key that names its occasion, so running it twice sends nothing
twice, and a missed day is caught up on the next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.clock import working_days_between
from portal.config import Settings
from portal.outbox.service import Message, day_text, queue
from portal.people.models import Person, Role
from portal.policies.messages import policy_to_sign
from portal.training.messages import quiz_to_take

from .models import NotificationPreference

EXPIRY_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Task:
    """Something one person must do by a date: sign a policy or take a quiz."""

    person: Person
    what: str  # "read and sign the ...", "take the ..."
    link: str
    key: str  # names the task in dedupe keys
    due: date


def _deadline_messages(
    session: Session, task: Task, clerks: list[Person], today: date, settings: Settings, counts: Counter[str]
) -> None:
    """Reminder, overdue notice and escalation for one task, each at most once per due date."""
    person, what, due = task.person, task.what, task.due
    planned: list[tuple[str, Person, Message, str]] = []
    if today <= due and working_days_between(today, due) <= settings.reminder_days_before_due:
        message = Message(
            f"Reminder: {what} by {day_text(due)}",
            [f"Please {what} by {day_text(due)}."],
            "Do it now",
            task.link,
        )
        planned.append(("reminders", person, message, "reminder"))
    if today > due:
        message = Message(
            f"Overdue: {what}",
            [f"You were asked to {what} by {day_text(due)}. Please do it now."],
            "Do it now",
            task.link,
        )
        planned.append(("overdue", person, message, "overdue"))
    if today > due and working_days_between(due, today) >= settings.escalate_after_overdue_days:
        escalation = Message(
            f"{person.name} is overdue",
            [
                f"{person.name} was asked to {what} by {day_text(due)} and has not yet done so. "
                "Please remind them, or let the Town Clerk know if there is a reason.",
            ],
            "See your team's progress",
            url_for("policies.status"),
        )
        for recipient in [person.line_manager] if person.line_manager else clerks:
            if recipient is not None and recipient.id != person.id:
                planned.append(("escalations", recipient, escalation, f"escalation:{recipient.id}"))
    for counter, recipient, message, occasion in planned:
        kind = occasion.split(":")[0]
        if queue(session, recipient, kind, message, dedupe_key=f"{occasion}:{task.key}:{due.isoformat()}"):
            counts[counter] += 1


def _digest_period(frequency: str, today: date) -> str | None:
    """The period a digest covers, or None when none is due today."""
    if frequency == "daily":
        return today.isoformat()
    if frequency == "weekly":
        return None if today.weekday() != 0 else "week-" + today.strftime("%G-%V")
    return None if today.day != 1 else "month-" + today.strftime("%Y-%m")


def run(session: Session, settings: Settings, today: date) -> Counter[str]:
    from portal.authorisations.service import register
    from portal.business_cases.service import awaiting_review, reviews_due
    from portal.policies.status import statuses_for_people
    from portal.training.service import statuses_for

    counts: Counter[str] = Counter()
    people = list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants), selectinload(Person.line_manager))
            .where(Person.is_active.is_(True))
            .order_by(Person.id)
        )
    )
    clerks = [p for p in people if Role.TOWN_CLERK in p.roles]
    policy_statuses = statuses_for_people(session, people, today=today)
    quiz_statuses = statuses_for(session, people, today=today)
    tasks: list[Task] = []
    for person in people:
        for found in policy_statuses.get(person.id, []):
            if found.status.needs_action:
                policy = found.policy
                policy_to_sign(session, person, policy.title, policy.slug, found.version.id, found.due)
                link = url_for("policies.show", slug=policy.slug)
                key = f"policy:{person.id}:{found.version.id}"
                tasks.append(Task(person, f"read and sign the {policy.title}", link, key, found.due))
        for found in quiz_statuses.get(person.id, []):
            if found.status.needs_action:
                quiz = found.quiz
                quiz_to_take(session, person, quiz.title, quiz.quiz_key, found.due)
                link = url_for("training.quiz", key=quiz.quiz_key)
                tasks.append(
                    Task(
                        person, f"take the {quiz.title}", link, f"quiz:{person.id}:{quiz.quiz_key}", found.due
                    )
                )
    for task in tasks:
        _deadline_messages(session, task, clerks, today, settings, counts)
    overdue = sorted((t for t in tasks if today > t.due), key=lambda t: t.due)

    expiring = register(session, today, ending_by=today + timedelta(days=EXPIRY_NOTICE_DAYS))
    for request in expiring:
        for recipient in {
            request.person.id: request.person,
            request.requested_by.id: request.requested_by,
        }.values():
            if queue(
                session,
                recipient,
                "authorisation_expiring",
                Message(
                    f"Authorisation {request.issue.reference} ends on {day_text(request.ends_on)}",
                    [
                        f"The written authorisation for {request.person.name} to post for the council "
                        f"ends on {day_text(request.ends_on)}. Ask for a renewal in good time if needed.",
                    ],
                    "See the authorisation",
                    url_for("authorisations.show", request_id=request.id),
                ),
                dedupe_key=f"authorisation-expiring:{request.id}:{request.ends_on.isoformat()}:{recipient.id}",
            ):
                counts["expiring"] += 1

    preferences = dict(
        session.execute(
            select(NotificationPreference.person_id, NotificationPreference.digest_frequency)
        ).all()
    )
    waiting, due_reviews = awaiting_review(session), reviews_due(session, today)
    for clerk in clerks:
        period = _digest_period(preferences.get(clerk.id, "weekly"), today)
        if period is None:
            continue
        overdue_sorted = [f"{t.person.name}: {t.what}, due {day_text(t.due)}" for t in overdue]
        paragraphs = [
            f"Overdue: {len(overdue_sorted)}."
            + (
                ""
                if not overdue_sorted
                else " Longest first: "
                + "; ".join(overdue_sorted[:20])
                + ("; and more." if len(overdue_sorted) > 20 else ".")
            ),
            f"Posting authorisations ending within {EXPIRY_NOTICE_DAYS} days: {len(expiring)}."
            + "".join(f" {r.person.name} ({r.issue.reference}), {day_text(r.ends_on)}." for r in expiring),
            f"Business cases awaiting review: {len(waiting)}. Reviews due: {len(due_reviews)}.",
        ]
        if queue(
            session,
            clerk,
            "digest",
            Message("Staff portal digest", paragraphs, "Open the portal", url_for("home.index")),
            dedupe_key=f"digest:{clerk.id}:{period}",
        ):
            counts["digests"] += 1
    from portal.reports.history import take_snapshot

    take_snapshot(session, today)  # for the overview's chart of completion over time
    session.flush()
    return counts
