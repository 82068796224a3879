"""The disciplinary hearing: who hears it, and the written invitation to it.

ACAS Code of Practice on disciplinary and grievance procedures:
- paragraph 6: in misconduct cases, where practicable, different people carry out the
  investigation and the disciplinary hearing;
- paragraphs 9-10: the employee is told in writing of the allegation and its possible
  consequences, with copies of the written evidence, the time and place of the hearing,
  and their right to be accompanied;
- paragraphs 11-12: the hearing comes without unreasonable delay, but with time to prepare;
- paragraphs 13-17 and the Employment Relations Act 1999, s10: the right to be
  accompanied by a trade union representative or a worker colleague, and to propose
  another time within five working days if the companion cannot come (s10(4)-(5)).

A town council often hears a case by a panel of councillors, its staffing committee;
either way, who hears it is recorded apart from the investigating officer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy.orm import Session

from portal.clock import today
from portal.errors import DomainError
from portal.people.models import EngagementType, Person

from . import messages
from .letters import issue_letter, letter_facts
from .models import FORMAL_STAGES, HEARD_BY, CaseHearer, CaseLetter, DisciplinaryCase
from .records import audit_case, live_warnings, skips_a_stage

# A panel is a committee: one councillor alone is a hearing officer.
SMALLEST_PANEL = 2


@dataclass
class Hearers:
    """Who hears the case or its appeal: one officer, or a panel of councillors. `reason`
    says why someone involved before hears it anyway (a council too small for anyone else)."""

    by: str
    people: list[Person] = field(default_factory=list)
    reason: str = ""


def check_hearers(hearers: Hearers, subject: Person, involved: dict[int, str], *, sitting: str) -> str:
    """Refuses an unfit choice of who hears, and returns the reason to keep: "" when nobody
    involved before sits. Someone who took part earlier (the investigating officer; for an
    appeal, also whoever heard the case) may sit only with a recorded reason: ACAS Code
    paragraph 6 (a hearing, "where practicable") and paragraph 26 (an appeal, "wherever
    possible"). A panel is of councillors, at least two; nobody hears their own case, and
    nobody who has left hears anything."""
    if hearers.by not in HEARD_BY:
        raise DomainError(f"Choose who hears the {sitting}", field="heard_by")
    distinct = list({person.id: person for person in hearers.people}.values())
    if hearers.by == "officer" and len(distinct) != 1:
        raise DomainError(f"Give the email address of who hears the {sitting}", field="officer_email")
    if hearers.by == "panel":
        if len(distinct) < SMALLEST_PANEL:
            raise DomainError(
                "A panel needs at least two councillors: give their email addresses, one on each line",
                field="panel_emails",
            )
        outsider = next((p for p in distinct if p.engagement is not EngagementType.COUNCILLOR), None)
        if outsider is not None:
            raise DomainError(
                f"{outsider.name} is not a councillor: a panel is of councillors (the staffing committee)",
                field="panel_emails",
            )
    where = "officer_email" if hearers.by == "officer" else "panel_emails"
    if any(person.id == subject.id for person in distinct):
        raise DomainError("The employee cannot hear their own case", field=where)
    gone = next((p for p in distinct if p.has_left), None)
    if gone is not None:
        raise DomainError(f"{gone.name} has left the council", field=where)
    clash = next((p for p in distinct if p.id in involved), None)
    if clash is None:
        return ""
    if not hearers.reason.strip():
        raise DomainError(
            f"{clash.name} is {involved[clash.id]}: the {sitting} should be heard by someone else. "
            "If the council is too small for that, record why",
            field="independence_reason",
        )
    return hearers.reason.strip()


def seat(case: DisciplinaryCase, sitting: str, people: list[Person]) -> None:
    """Records who hears, replacing an earlier choice for the same sitting. Someone chosen
    again keeps their row: the flush inserts before it deletes, and a second row for the
    same person would break the table's uniqueness."""
    chosen = {person.id: person for person in people}
    kept = [h for h in case.hearers if h.sitting != sitting or h.person_id in chosen]
    seated = {h.person_id for h in kept if h.sitting == sitting}
    case.hearers[:] = kept + [
        CaseHearer(sitting=sitting, person=person, person_id=person.id)
        for person_id, person in chosen.items()
        if person_id not in seated
    ]


def heard_by_words(case: DisciplinaryCase, sitting: str) -> str:
    """Who hears, for pages and letters: "Jo Bloggs", or "a panel of councillors: A, B and C"."""
    names = [person.name for person in case.heard_by(sitting)]
    by = case.hearing_by if sitting == "hearing" else case.appeal_by
    if by != "panel":
        return names[0] if names else ""
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    return f"a panel of councillors: {listed}"


@dataclass
class Hearing:
    on: date
    at: time
    place: str
    evidence: str
    possible_outcome: str
    hearers: Hearers


def arrange_hearing(session: Session, actor: Person, case: DisciplinaryCase, hearing: Hearing) -> CaseLetter:
    """Arranges the disciplinary hearing and issues the written invitation (ACAS Code
    paragraphs 9-11; Employment Relations Act 1999, s10): the allegation and the evidence,
    the most serious outcome the hearing could reach, the date, time and place, who hears
    it, and the right to be accompanied. Arranged again (postponed, or another hearer),
    it issues a new invitation; the earlier ones are kept. An invitation goes before the
    hearing, so the date cannot be past; the employee is told of it (a link, never the
    content). Who hears it is checked by `check_hearers`."""
    if case.status != "open":
        raise DomainError("The hearing can be arranged only while the case is open")
    if hearing.on < today():
        raise DomainError(
            "The hearing must be today or later: the invitation goes before it", field="hearing_on"
        )
    if not hearing.place.strip():
        raise DomainError("Say where the hearing is", field="place")
    if not hearing.evidence.strip():
        raise DomainError("List the evidence the hearing will consider", field="evidence")
    if hearing.possible_outcome not in FORMAL_STAGES:
        raise DomainError("Choose the most serious outcome the hearing could reach", field="possible_outcome")
    involved = {case.investigating_officer_id: "the investigating officer"}
    reason = check_hearers(hearing.hearers, case.subject, involved, sitting="hearing")
    case.hearing_on, case.hearing_time = hearing.on, hearing.at
    case.hearing_place, case.hearing_evidence = hearing.place.strip(), hearing.evidence.strip()
    case.possible_outcome = hearing.possible_outcome
    case.hearing_by, case.hearing_independence_reason = hearing.hearers.by, reason
    seat(case, "hearing", hearing.hearers.people)
    session.flush()
    live = live_warnings(session, case.subject, hearing.on, besides=case.id)
    letter = issue_letter(
        session,
        actor,
        case,
        "invitation",
        heard_by=heard_by_words(case, "hearing"),
        gross_misconduct=skips_a_stage(hearing.possible_outcome, live),
        shared_meetings=[m for m in case.meetings if m.shared_on is not None],
    )
    audit_case(
        session,
        actor,
        case,
        "hearing_arranged",
        {
            **letter_facts(letter),
            "hearing_on": hearing.on,
            "heard_by": hearing.hearers.by,
            "hearer_ids": sorted(p.id for p in case.heard_by("hearing")),
            "possible_outcome": hearing.possible_outcome,
            "reason_recorded": bool(reason),
        },
    )
    messages.something_to_read(session, case.subject, case.id, f"letter-{letter.id}")
    return letter
