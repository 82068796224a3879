"""Pre-election periods: recording elections, whether one is on today, and what it asks
of those who post for the council.

Council publicity must never be party-political, at any time (Local Government Act 1986
s2). From the notice of election to polling day the Code of Recommended Practice on
Local Authority Publicity (2011), to which the council must have regard (LGA 1986 s4),
asks for more restraint: no publicity about candidates, councillors standing again
included, and care with controversial issues (the Code's principle of care in periods
of heightened sensitivity). Only the Town Clerk records elections (access.py,
"record_elections"); every change is audited. Other features ask this module whether a
period is on (`period_on`), and the authorisation pages, posters' home pages and the
business cases in review show it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.authorisations.service import holds_authorisation, register
from portal.clock import CalendarExhausted, is_working_day, today
from portal.db import Paged, paginate, utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person

from . import messages
from .models import KINDS, Election

# The notice of election is published no later than the 25th day before polling day,
# counting out weekends, Christmas Eve, Christmas Day, Good Friday and bank holidays
# (Local Elections (Parishes and Communities) (England and Wales) Rules 2006, Sch. 2
# rr. 1 and 2; the principal-area rules count the same way).
NOTICE_DAYS = 25
# Guards against a mistyped year, not rules of law: a council's term is four years, and a
# notice of election comes weeks, not months, before the poll.
FURTHEST_POLL = timedelta(days=5 * 366)
LONGEST_PERIOD = timedelta(days=183)
OBJECT_TYPE = "election"


def is_timetable_day(day: date) -> bool:
    """A day the election timetable counts: not a weekend, Christmas Eve, nor an England
    and Wales bank holiday (Christmas Day and Good Friday are among those)."""
    return not (day.month == 12 and day.day == 24) and is_working_day(day)


def notice_deadline(poll_on: date) -> date:
    """The last day the notice of election can be published: the 25th timetable day
    before polling day, polling day itself not counted (2006 Rules, Sch. 2 rr. 1-2).
    Raises CalendarExhausted past the end of the bank-holiday calendar."""
    day, counted = poll_on, 0
    while counted < NOTICE_DAYS:
        day -= timedelta(days=1)
        if is_timetable_day(day):
            counted += 1
    return day


@dataclass(frozen=True)
class ElectionDetails:
    kind: str
    title: str
    poll_on: date
    # None: the notice of election's last day (notice_deadline).
    period_starts_on: date | None = None


def check_details(session: Session, details: ElectionDetails, *, besides: int | None = None) -> date:
    """The period's first day, once the details make sense: a kind and a name, a poll that
    is still to come (and not years away), and a period that starts before polling day
    and no more than six months before it."""
    if details.kind not in KINDS:
        raise DomainError("Choose what kind of election it is", field="kind")
    if not details.title.strip():
        raise DomainError("Give the election a name, for example the ward for a by-election", field="title")
    on = today()
    if details.poll_on < on:
        raise DomainError("Polling day cannot be in the past", field="poll_on")
    if details.poll_on > on + FURTHEST_POLL:
        raise DomainError("Polling day must be within the next five years", field="poll_on")
    starts = details.period_starts_on
    if starts is None:
        try:
            starts = notice_deadline(details.poll_on)
        except CalendarExhausted as exhausted:
            raise DomainError(
                f"{exhausted} Or enter the date of the notice of election yourself.", field="period_starts_on"
            ) from None
    if starts >= details.poll_on:
        raise DomainError("The pre-election period must start before polling day", field="period_starts_on")
    if starts < details.poll_on - LONGEST_PERIOD:
        raise DomainError(
            "The pre-election period cannot start more than six months before polling day",
            field="period_starts_on",
        )
    same = select(func.count()).where(
        Election.status == "recorded",
        Election.poll_on == details.poll_on,
        func.lower(Election.title) == details.title.strip().lower(),
    )
    if besides is not None:
        same = same.where(Election.id != besides)
    if session.scalar(same):
        raise DomainError("This election is already recorded for that polling day", field="title")
    return starts


def _audit(session: Session, actor: Person, election: Election, what: str, details: dict[str, Any]) -> None:
    record(
        session,
        actor=actor,
        action=f"election.{what}",
        object_type=OBJECT_TYPE,
        object_id=election.id,
        details=details,
    )


def _facts(election: Election) -> dict[str, Any]:
    return {
        "kind": election.kind,
        "title": election.title,
        "poll_on": election.poll_on,
        "period_starts_on": election.period_starts_on,
        "start_given": election.start_given,
    }


def record_election(session: Session, actor: Person, details: ElectionDetails) -> Election:
    """The Town Clerk records an election. The period starts on the day given, or else on
    the last day the notice of election may be published (notice_deadline). If it has
    already started, posters are reminded at once rather than at the next daily run."""
    starts = check_details(session, details)
    election = Election(
        kind=details.kind,
        title=details.title.strip(),
        poll_on=details.poll_on,
        period_starts_on=starts,
        start_given=details.period_starts_on is not None,
        status="recorded",
        recorded_by_id=actor.id,
        recorded_at=utcnow(),
        cancel_reason="",
    )
    session.add(election)
    session.flush()
    _audit(session, actor, election, "recorded", _facts(election))
    if election.in_period(today()):
        remind_posters(session, today(), [election])
    return election


def correct_election(session: Session, actor: Person, election: Election, details: ElectionDetails) -> None:
    """Corrects a recorded election (a mistyped date, a poll moved); the audit event keeps
    what it said before. A period that now covers today reminds posters not yet told."""
    if election.status != "recorded":
        raise DomainError("A cancelled election cannot be corrected: record it again")
    if election.poll_on < today():
        raise DomainError("This poll has taken place, so its record is kept as it is")
    starts = check_details(session, details, besides=election.id)
    before = _facts(election)
    after = {
        "kind": details.kind,
        "title": details.title.strip(),
        "poll_on": details.poll_on,
        "period_starts_on": starts,
        "start_given": details.period_starts_on is not None,
    }
    changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    if not changed:
        raise DomainError("Nothing has changed")
    election.kind, election.title, election.poll_on = details.kind, details.title.strip(), details.poll_on
    election.period_starts_on, election.start_given = starts, details.period_starts_on is not None
    session.flush()
    _audit(session, actor, election, "corrected", changed)
    if election.in_period(today()):
        remind_posters(session, today(), [election])


def cancel_election(session: Session, actor: Person, election: Election, reason: str) -> None:
    """Cancels an election recorded in error, or whose poll will not happen (an
    uncontested election has no poll): its period ends at once and its banner goes."""
    if election.status != "recorded":
        raise DomainError("This election has already been cancelled")
    if election.poll_on < today():
        raise DomainError("This poll has taken place, so its record is kept as it is")
    if not reason.strip():
        raise DomainError("Say why it is cancelled", field="reason")
    election.status, election.cancel_reason = "cancelled", reason.strip()
    election.cancelled_by_id, election.cancelled_at = actor.id, utcnow()
    session.flush()
    _audit(session, actor, election, "cancelled", {"title": election.title, "poll_on": election.poll_on})


def get_election(session: Session, election_id: int) -> Election:
    found = session.scalar(
        select(Election)
        .options(selectinload(Election.recorded_by), selectinload(Election.cancelled_by))
        .where(Election.id == election_id)
    )
    if found is None:
        raise NotFound("No such election")
    return found


def elections_page(session: Session, page: int = 1) -> Paged:
    """Every election recorded, the latest polling day first, 50 a page."""
    query = select(Election).order_by(Election.poll_on.desc(), Election.id.desc())
    return paginate(session, query, page)


def current_elections(session: Session, on: date | None = None) -> list[Election]:
    """Elections whose pre-election period covers `on` (today), soonest poll first. A
    period runs from its first day to polling day, both included."""
    on = on or today()
    query = select(Election).where(
        Election.status == "recorded", Election.period_starts_on <= on, Election.poll_on >= on
    )
    return list(session.scalars(query.order_by(Election.poll_on, Election.id)))


def period_on(session: Session, on: date | None = None) -> Election | None:
    """The election whose period is on today, the soonest poll if two overlap."""
    found = current_elections(session, on)
    return found[0] if found else None


@dataclass(frozen=True)
class Restraint:
    """What a period asks of anyone posting for the council, for a banner or an email."""

    heading: str
    paragraphs: tuple[str, ...]
    poll_on: date


def restraint(election: Election) -> Restraint:
    """The banner's words: the law (LGA 1986 s2; the 2011 Code) and the poll date."""
    poll = election.poll_on.strftime("%-d %B %Y")
    return Restraint(
        heading=f"Pre-election period: polling day is {poll}",
        paragraphs=(
            f"{election.title}: the pre-election period runs until polling day. Council publicity "
            "must never support or oppose a political party (Local Government Act 1986, section 2).",
            "Until the poll, the Code of Recommended Practice on Local Authority Publicity asks for "
            "more care: publish nothing about candidates, including councillors standing again, "
            "and take care with controversial issues. Normal council business and the notices the "
            "law requires carry on. If you are not sure about a post, ask the Town Clerk first.",
        ),
        poll_on=election.poll_on,
    )


def remind_posters(session: Session, on: date, elections: list[Election] | None = None) -> Counter[str]:
    """Emails everyone who may post for the council on `on` once per election whose
    period covers that day: on its first day, or the first run after it while it lasts,
    and to anyone authorised part-way through. The dedupe key makes it once."""
    counts: Counter[str] = Counter()
    running = [e for e in (elections or current_elections(session, on)) if e.in_period(on)]
    if not running:
        return counts
    posters = {item.person.id: item.person for item in register(session, on)}
    for election in running:
        for person in posters.values():
            if messages.period_reminder(session, person, election, restraint(election)):
                counts["election_period"] += 1
    return counts


def poster_restraint(session: Session, person: Any) -> Restraint | None:
    """The banner for a poster's home page: only during a period, only for someone who
    holds a posting authorisation today (Networking Policy 3.2)."""
    election = period_on(session)
    if election is None or not holds_authorisation(session, person.id):
        return None
    return restraint(election)


__all__ = [
    "ElectionDetails",
    "Restraint",
    "cancel_election",
    "check_details",
    "correct_election",
    "current_elections",
    "elections_page",
    "get_election",
    "is_timetable_day",
    "notice_deadline",
    "period_on",
    "poster_restraint",
    "record_election",
    "remind_posters",
    "restraint",
]
