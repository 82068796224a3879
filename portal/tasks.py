"""What people need to do, and what must happen each day, gathered from every feature.

Registries, in the kernel so that features add to them without depending on the
home page or the jobs, which sit above them:
- TASK_SOURCES: a person's open tasks (a policy to sign, a quiz to take...), which the
  home page shows, soonest due first;
- deadline sources: everyone's dated tasks, which the daily reminders run reminds of;
- NOTICE_SOURCES: other notices the reminders run sends (an authorisation ending soon);
- BANNER_SOURCES: notices at the top of a person's home page (a pre-election period);
- DAILY_JOBS: other daily work (lapsing role proposals, the audit anchor);
- retention kinds: every kind of personal record, how long it is kept and how it is
  removed, which the retention schedule (portal.retention) applies and lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from portal.identity import Actor


@dataclass(frozen=True)
class Task:
    title: str
    href: str
    due: date | None = None
    overdue: bool = False


TaskSource = Callable[[Session, Any], list[Task]]
TASK_SOURCES: list[TaskSource] = []


def tasks_for(session: Session, person: Actor) -> list[Task]:
    tasks = [task for source in TASK_SOURCES for task in source(session, person)]
    return sorted(tasks, key=lambda task: (task.due is None, task.due or date.max, task.title))


@dataclass(frozen=True)
class Banner:
    """Something a person must keep in mind today, shown above their tasks: a title, a
    heading, plain paragraphs, and where to read more."""

    title: str
    heading: str
    paragraphs: tuple[str, ...]
    link_text: str = ""
    href: str = ""


BannerSource = Callable[[Session, Any], list[Banner]]
BANNER_SOURCES: list[BannerSource] = []


def banners_for(session: Session, person: Actor) -> list[Banner]:
    return [banner for source in BANNER_SOURCES for banner in source(session, person)]


# Deadlines for the daily reminders run (portal.jobs) ------------------------------


@dataclass(frozen=True)
class Deadline:
    """Something one person must do by a date: the reminders run reminds them before it,
    tells them when it is overdue, and tells their line manager if it stays so."""

    person: Any  # portal.people.models.Person: its name, line manager and address
    what: str  # "read and sign the ...", "take the ..."
    link: str  # a path in the portal (portal.outbox.service.portal_path)
    key: str  # names the deadline in the messages' dedupe keys
    due: date
    # A need-to-know task (an information request): listed in nobody else's digest, and
    # escalated only to `escalate_to` (None: the line manager, or the Town Clerk).
    confidential: bool = False
    escalate_to: tuple[Any, ...] | None = None


# people still with the council, today -> each person's deadlines, by person id. A source
# also announces a new deadline (the task itself, once) in the same transaction.
DeadlineSource = Callable[[Session, list[Any], date], dict[int, list[Deadline]]]
_DEADLINE_SOURCES: list[tuple[int, DeadlineSource]] = []


def add_deadline_source(source: DeadlineSource, *, order: int) -> None:
    """Register a feature's deadlines; `order` fixes whose reminders go first."""
    if all(existing is not source for _, existing in _DEADLINE_SOURCES):
        _DEADLINE_SOURCES.append((order, source))
        _DEADLINE_SOURCES.sort(key=lambda entry: entry[0])


def deadline_sources() -> list[DeadlineSource]:
    return [source for _, source in _DEADLINE_SOURCES]


# Notices the reminders run sends for a feature (an authorisation about to end): each
# queues its messages for the day, once, and says how many of each kind.
NoticeSource = Callable[[Session, date], Counter[str]]
NOTICE_SOURCES: list[NoticeSource] = []


# Daily jobs (portal.jobs) ------------------------------------------------------------


@dataclass(frozen=True)
class DailyJob:
    """Work a feature needs done once a day (lapsing proposals, retention, notices).

    `run(session, today)` returns what it did, in a few words, for the log; it runs in
    its own transaction, so one job's failure does not undo another's work."""

    name: str
    run: Callable[[Session, date], str]
    # The audit anchor runs after every other job, so that it records their events too.
    runs_last: bool = False


DAILY_JOBS: list[DailyJob] = []


def add_daily_job(job: DailyJob) -> None:
    if all(existing.name != job.name for existing in DAILY_JOBS):
        DAILY_JOBS.append(job)
        DAILY_JOBS.sort(key=lambda each: each.runs_last)  # stable: otherwise in the order added


# The retention schedule (portal.retention) -------------------------------------------


@dataclass(frozen=True)
class RetentionKind:
    """One kind of personal record and how long the portal keeps it (UK GDPR Art.
    5(1)(e), storage limitation; Art. 30(1)(f), the time limits for erasure).

    `run(session, today)` removes (or blanks, or forgets the key of) what is due and
    returns how many (a dry run calls it inside a savepoint that portal.retention rolls
    back). Anything under a legal hold is never due. `period()` says how long, from the
    settings, in words for the schedule."""

    name: str  # the kind's name in the audit event and the command's output
    title: str  # what the records are, for the schedule page
    period: Callable[[], str]
    basis: str  # why that long: the law or the claim it must outlast
    how: str  # what removal does to the record
    run: Callable[[Session, date], int]
    order: int


_RETENTION_KINDS: list[RetentionKind] = []


def add_retention_kind(kind: RetentionKind) -> None:
    if all(existing.name != kind.name for existing in _RETENTION_KINDS):
        _RETENTION_KINDS.append(kind)
        _RETENTION_KINDS.sort(key=lambda each: each.order)


def retention_kinds() -> list[RetentionKind]:
    return list(_RETENTION_KINDS)


# The people whose records every after-leaving kind keeps, whatever their leaving date:
# the subjects of disciplinary cases and breach records still held, which go on their
# own schedules and whose evidence names them. (PostgreSQL's owner functions judge the
# same from the tables: migration 0029.)
PersonKeeper = Callable[[Session], set[int]]
PEOPLE_KEPT: list[PersonKeeper] = []


def kept_months(kind: str) -> int:
    """PORTAL_PERSONAL_RETENTION_MONTHS' period for one kind (config.PERSONAL_RETENTION_KINDS)."""
    from flask import current_app

    return int(current_app.config["PORTAL_SETTINGS"].personal_retention()[kind])


def owner_purge(session: Session, function: str, months: int) -> int | None:
    """On PostgreSQL, a kind held in append-only tables goes only through the owner's
    function for it (migration 0029), which judges what is due itself and returns how
    many went. None on SQLite, which has no roles: the application applies the rule."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    from sqlalchemy import text

    return int(session.execute(text(f"SELECT {function}(:months, false)"), {"months": months}).scalar_one())
