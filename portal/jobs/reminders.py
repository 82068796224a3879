"""The daily reminders run (`flask --app wsgi reminders run`, and part of `jobs run`).

Each feature says what is due (its deadline sources in portal.tasks: policies to sign,
quizzes to take) and what else to announce (its notice sources: authorisations ending
soon); this run treats them all alike. Counting in England and Wales working days, it
queues the task itself (once, by its source), a reminder a few working days before the
due date, an overdue notice on the day after, and an escalation to the line manager
(or, without one, the Town Clerk) once it is a set number of working days late. The
Town Clerk gets a digest at the frequency they chose (administrators too, with one line,
while the bank-holiday calendar is running out). Every message has a key that
names its occasion, so running it twice sends nothing twice, and a missed day is
caught up on the next.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.authorisations.models import AuthorisationRequest
from portal.authorisations.service import EXPIRY_NOTICE_DAYS, register
from portal.bank_holidays.service import running_out
from portal.business_cases.service import awaiting_review, reviews_due
from portal.clock import working_days_between
from portal.config import Settings
from portal.information_requests.service import due_for
from portal.notifications.models import NotificationPreference
from portal.outbox.service import Message, day_text, portal_path, queue
from portal.people.models import Person, Role
from portal.reports.service import take_snapshot
from portal.tasks import NOTICE_SOURCES, Deadline, deadline_sources


def _deadline_messages(
    session: Session,
    task: Deadline,
    clerks: list[Person],
    today: date,
    settings: Settings,
    counts: Counter[str],
) -> None:
    """Reminder, overdue notice and escalation for one task, each at most once per due date.

    Each policy version and quiz sets its own due date (the policies' own reading and
    signing deadlines, counted in England and Wales working days); how many working days
    before it a reminder comes, and after it an escalation to the line manager (or the
    Town Clerk), are the council's own settings (PORTAL_REMINDER_DAYS_BEFORE_DUE,
    PORTAL_ESCALATE_AFTER_OVERDUE_DAYS)."""
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
            portal_path("policies.status"),
        )
        fallback = [person.line_manager] if person.line_manager else clerks
        for recipient in fallback if task.escalate_to is None else task.escalate_to:
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


def _active_people(session: Session) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants), selectinload(Person.line_manager))
            .where(Person.is_active.is_(True))
            .order_by(Person.id)
        )
    )


def _deadlines(
    session: Session, tasks: list[Deadline], clerks: list[Person], today: date, settings: Settings
) -> Counter[str]:
    """Reminders, overdue notices and escalations for every task."""
    counts: Counter[str] = Counter()
    for task in tasks:
        _deadline_messages(session, task, clerks, today, settings, counts)
    return counts


def _clerks_digest(
    session: Session,
    clerks: list[Person],
    overdue: list[Deadline],
    expiring: list[AuthorisationRequest],
    today: date,
) -> Counter[str]:
    """The Town Clerk's digest, at the frequency each chose (weekly until they choose):
    what is overdue, longest first, authorisations ending soon, business cases waiting,
    and a bank-holiday calendar about to run out. Who gets it and how often are the
    council's own choices."""
    counts: Counter[str] = Counter()
    calendar = running_out(today)
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
        overdue_sorted = [
            f"{t.person.name}: {t.what}, due {day_text(t.due)}"
            for t in overdue
            if not t.confidential or t.person.id == clerk.id
        ]
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
            + "".join(f" {r.person.name} ({r.issued_reference}), {day_text(r.ends_on)}." for r in expiring),
            f"Business cases awaiting review: {len(waiting)}. Reviews due: {len(due_reviews)}.",
        ]
        if calendar is not None:
            paragraphs.append(calendar.sentence)
        paragraphs.append(_requests_paragraph(session, clerk, today))
        if queue(
            session,
            clerk,
            "digest",
            Message("Staff portal digest", paragraphs, "Open the portal", portal_path("home.index")),
            dedupe_key=f"digest:{clerk.id}:{period}",
        ):
            counts["digests"] += 1
    return counts


def _calendar_digest(session: Session, people: list[Person], today: date) -> Counter[str]:
    """Administrators who are not the Town Clerk get no digest of their own, but they too
    must hear that the bank-holiday calendar is running out (portal.bank_holidays): while
    it is, theirs carries that line alone, weekly until they choose."""
    counts: Counter[str] = Counter()
    calendar = running_out(today)
    administrators = [p for p in people if Role.ADMINISTRATOR in p.roles and Role.TOWN_CLERK not in p.roles]
    if calendar is None or not administrators:
        return counts
    preferences = dict(
        session.execute(
            select(NotificationPreference.person_id, NotificationPreference.digest_frequency).where(
                NotificationPreference.person_id.in_([p.id for p in administrators])
            )
        ).all()
    )
    message = Message(
        "Staff portal digest", [calendar.sentence], "See the calendar", portal_path("bank_holidays.index")
    )
    for person in administrators:
        period = _digest_period(preferences.get(person.id, "weekly"), today)
        if period is not None and queue(
            session, person, "digest", message, dedupe_key=f"digest:{person.id}:{period}"
        ):
            counts["digests"] += 1
    return counts


def _requests_paragraph(session: Session, person: Person, today: date) -> str:
    """The information requests the person answers, due and overdue (only theirs: each
    request is seen only by the holders of the role it went to)."""
    due = due_for(session, person)
    late = [r.reference for r, clock in due if clock.due is not None and clock.due < today]
    return f"Information requests to answer: {len(due)}, of which overdue: {len(late)}." + "".join(
        f" {r.reference} ({r.short_kind}), due {day_text(clock.due)}." for r, clock in due[:20] if clock.due
    )


def _hr_digest(session: Session, people: list[Person], today: date) -> Counter[str]:
    """HR officers who are not the Town Clerk get a digest while they have information
    requests to answer (subject access requests come to them), weekly until they choose."""
    counts: Counter[str] = Counter()
    officers = [p for p in people if Role.HR in p.roles and Role.TOWN_CLERK not in p.roles]
    preferences = dict(
        session.execute(
            select(NotificationPreference.person_id, NotificationPreference.digest_frequency).where(
                NotificationPreference.person_id.in_([p.id for p in officers])
            )
        ).all()
    )
    for person in officers:
        period = _digest_period(preferences.get(person.id, "weekly"), today)
        if period is None or not due_for(session, person):
            continue
        message = Message(
            "Staff portal digest",
            [_requests_paragraph(session, person, today)],
            "See the requests",
            portal_path("information_requests.index"),
        )
        if queue(session, person, "digest", message, dedupe_key=f"digest:{person.id}:{period}"):
            counts["digests"] += 1
    return counts


def _compliance_snapshot(session: Session, today: date) -> None:
    """Today's point on the overview's chart of completion over time."""
    take_snapshot(session, today)


def _deadlines_of(session: Session, people: list[Person], today: date) -> list[Deadline]:
    """Everyone's dated tasks from every feature, person by person, in the features'
    order (policies before quizzes); each source also announces its new ones."""
    by_source = [source(session, people, today) for source in deadline_sources()]
    return [deadline for person in people for found in by_source for deadline in found.get(person.id, [])]


def _notices(session: Session, today: date) -> Counter[str]:
    """The features' own notices for the day (an authorisation ending soon)."""
    counts: Counter[str] = Counter()
    for source in NOTICE_SOURCES:
        counts.update(source(session, today))
    return counts


def deadlines_for(
    session: Session, people: list[Person], clerks: list[Person], settings: Settings, today: date
) -> Counter[str]:
    """The day's reminders, overdue notices and escalations for these people only, as the
    daily run sends them: for someone added part-way through a day (the demo council's
    overdue people) without announcing everyone else's tasks again."""
    return _deadlines(session, _deadlines_of(session, people, today), clerks, today, settings)


def run(session: Session, settings: Settings, today: date) -> Counter[str]:
    """The day's run, source by source; how many messages of each kind were queued."""
    people = _active_people(session)
    clerks = [p for p in people if Role.TOWN_CLERK in p.roles]
    deadlines = _deadlines_of(session, people, today)
    counts = _deadlines(session, deadlines, clerks, today, settings)
    overdue = sorted((d for d in deadlines if today > d.due), key=lambda d: d.due)
    counts.update(_notices(session, today))
    expiring = register(session, today, ending_by=today + timedelta(days=EXPIRY_NOTICE_DAYS))
    counts.update(_clerks_digest(session, clerks, overdue, expiring, today))
    counts.update(_calendar_digest(session, people, today))
    counts.update(_hr_digest(session, people, today))
    _compliance_snapshot(session, today)
    session.flush()
    return counts
