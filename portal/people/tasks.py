"""Home page tasks: privileged role changes this person may approve (separation of duties);
the people kinds of the retention schedule."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy.orm import Session

from portal.tasks import TASK_SOURCES, DailyJob, RetentionKind, Task, add_daily_job, add_retention_kind

from . import addresses, retention, roles  # noqa: F401 (retention registers its kind)
from .models import Person


def approval_tasks(session: Session, person: Person) -> list[Task]:
    return [
        Task(f"Approve or refuse: {roles.describe(change)}", url_for("people.roles"), due=change.lapses_on)
        for change in roles.awaiting_approval_by(session, person)
    ]


def role_changes_job(session: Session, today: date) -> str:
    """Lapse the proposals nobody approved in time; apply approved changes whose date has come."""
    done = roles.run_due(session, on=today)
    return f"{done.lapsed} role change(s) lapsed, {done.applied} applied"


def forget_addresses(session: Session, today: date) -> int:
    """Forget the addresses and browsers whose retention has ended: see addresses.run."""
    done = addresses.run(session, today, addresses.configured_months())
    return done.people + done.months


def _address_period() -> str:
    months = addresses.configured_months()
    return (
        f"{months['after_leaving']} months after the person leaves; for requests by nobody signed in, "
        f"{months['not_signed_in']} months after the month they were made"
    )


TASK_SOURCES.append(approval_tasks)
add_daily_job(DailyJob("role changes", role_changes_job))
add_retention_kind(
    RetentionKind(
        name="addresses",
        title="IP addresses and browsers recorded with sign-ins, signatures and other actions",
        period=_address_period,
        basis=(
            "Evidence of who signed and acted while a claim about their employment can be brought "
            "(Limitation Act 1980 s5); for nobody signed in, long enough to look into an attack on an account"
        ),
        how="Their key is deleted: the records and the audit chain stay and still verify",
        run=forget_addresses,
        order=20,
    )
)
