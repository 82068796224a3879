"""People in the demo council with something overdue, and the escalations that follow.

Why the council's setup is replayed in the past: a due date runs from when the council
put a policy version in the portal (20 working days for everyone already there, 10 from
their start for someone who started after it: portal/policies/status.py), and a quiz
never falls due before the policies it tests (portal/training/deadlines.py). A council
set up today has nothing overdue for weeks, and the lists of who is late would be empty
for anyone trying the demo. So, into a portal where nothing has happened yet, the demo's
setup (departments, the staff list, channels, the two policies and the quiz bank) is
done by the portal's own services with the clock moved back to the day it went live
(`went_live`): every record and audit event says that day, and every due date follows
from the council's rules. The rest happens today: the signatures (so that receipts are
sealed while the council's certificate is valid), the business cases, and the daily
run for the people below (`catch_up`).

The people, new starters who joined after the portal went live, counted back from the
day of loading so that they are late whenever the demo is loaded:
- Megan Doyle (Community and Events, line manager Sarah Collins) and Ryan Fletcher (an
  agency worker in the Town Clerk's Office, line manager the Town Clerk) have signed
  nothing and not taken the onboarding quiz, and are late by the council's
  PORTAL_ESCALATE_AFTER_OVERDUE_DAYS: the run escalates them to their line managers;
- Callum Reid (Parks and Open Spaces) signed both policies today, late, and his quiz is
  two working days overdue: an overdue notice, no escalation yet.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.clock import LONDON, is_working_day
from portal.config import Settings
from portal.people.models import EngagementType as E
from portal.people.models import Person, Role
from portal.policies.models import Policy
from portal.policies.status import NEW_STARTER_WORKING_DAYS

from .council import EVENTS, OFFICE, PARKS, DemoPerson, demo_email, demo_person
from .policies import sign_as

SIGNED_LATE = "callum.reid"
# How late Callum's quiz is, in working days: below the council's escalation threshold.
CALLUM_LATE_BY = 2


def _working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _escalated_start(on: date, late_by: int) -> date:
    """The start day of a new starter whose policies and quiz were due `late_by` working
    days before `on` (10 working days after their start)."""
    return _working_days_before(on, NEW_STARTER_WORKING_DAYS + late_by)


def went_live(on: date, late_by: int) -> date:
    """The working day before the overdue new starters started. Everyone already there
    then has 20 working days from it to sign (4 still to go today, with the default of
    5 for PORTAL_ESCALATE_AFTER_OVERDUE_DAYS), so only the new starters are late."""
    return _working_days_before(_escalated_start(on, late_by), 1)


def people(on: date, late_by: int) -> tuple[DemoPerson, ...]:
    """The overdue people for a demo loaded on `on` (their line managers come earlier in
    the demo's list)."""
    escalated = _escalated_start(on, late_by)
    late = _working_days_before(on, NEW_STARTER_WORKING_DAYS + CALLUM_LATE_BY)
    return (
        demo_person("Megan Doyle", "megan.doyle", E.EMPLOYEE, EVENTS, escalated, "events.manager"),
        demo_person("Ryan Fletcher", "ryan.fletcher", E.AGENCY, OFFICE, escalated, "clerk"),
        demo_person("Callum Reid", SIGNED_LATE, E.EMPLOYEE, PARKS, late, "parks.manager"),
    )


@contextmanager
def as_of(day: date | None) -> Iterator[None]:
    """Run the enclosed setup as of nine in the morning of `day` (London), the clock
    moving on from there; None: now."""
    if day is None:
        yield
        return
    try:
        import time_machine  # a test extra, which `make run` installs
    except ImportError as missing:
        raise RuntimeError(
            "Loading the demo council into an empty portal replays its setup in the past, which "
            "needs the time-machine package: pip install -e '.[test]' (make run does)."
        ) from missing
    with time_machine.travel(datetime.combine(day, time(9), tzinfo=LONDON), tick=True):
        yield


def catch_up(session: Session, created: Collection[str], on: date, settings: Settings) -> None:
    """For the overdue people created by this load (addresses in `created`): Callum's late
    signatures, then the daily reminders run for them, with the job's own code, so that
    their overdue notices and the escalations to their line managers are the messages
    the council's daily run sends."""
    # The reminders run's own steps, for these people only: its whole run would also
    # announce everyone else's tasks today, which the demo leaves to the daily run.
    from portal.jobs.reminders import deadlines_for
    from portal.people.service import active_holders
    from portal.policies.service import applies_to, current_version

    addresses = [demo_email(p.local_part) for p in people(on, settings.escalate_after_overdue_days)]
    found = list(
        session.scalars(
            select(Person)
            .options(selectinload(Person.role_grants), selectinload(Person.line_manager))
            .where(Person.email.in_([a for a in addresses if a in created]))
            .order_by(Person.id)
            # Created in this session, without their roles and line managers loaded.
            .execution_options(populate_existing=True)
        )
    )
    if not found:
        return
    for person in found:
        if person.email == demo_email(SIGNED_LATE):
            for policy in session.scalars(select(Policy).options(selectinload(Policy.versions))):
                version = current_version(policy)
                if version is not None and applies_to(version, person):
                    sign_as(session, person, policy, version)
    clerks = active_holders(session, Role.TOWN_CLERK)
    deadlines_for(session, found, clerks, settings, on)
    session.flush()
