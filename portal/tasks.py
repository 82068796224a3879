"""What people need to do, and what must happen each day, gathered from every feature.

Three registries, in the kernel so that features add to them without depending on the
home page or the jobs, which sit above them:
- TASK_SOURCES: a person's open tasks (a policy to sign, a quiz to take...), which the
  home page shows, soonest due first;
- deadline sources: everyone's dated tasks, which the daily reminders run reminds of;
- NOTICE_SOURCES: other notices the reminders run sends (an authorisation ending soon);
- DAILY_JOBS: other daily work (lapsing role proposals, the retention schedule).
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
