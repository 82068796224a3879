"""The outcome of a disciplinary case and its appeal, each confirmed in a letter.

ACAS Code of Practice on disciplinary and grievance procedures, "Decide on appropriate
action" (paragraphs 18-24) and "Provide employees with an opportunity to appeal"
(paragraphs 25-28); the Employment Relations Act 1999, s10 and s13(4) (the right to be
accompanied covers an appeal hearing too). How long a warning stays live, and the time to
lodge an appeal, are the council's own Disciplinary Policy's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.clock import add_months, add_working_days
from portal.errors import DomainError
from portal.people.models import Person

from . import messages
from .hearings import Hearers, check_hearers, heard_by_words, seat
from .letters import issue_letter, letter_facts
from .models import APPEAL_RESULTS, FORMAL_STAGES, STAGE_LABELS, STAGES, WARNINGS, DisciplinaryCase
from .records import audit_case, expected_highest_stage, live_warnings, skips_a_stage, warning_live_months

# The time to lodge an appeal: the council's own Disciplinary Policy (the Code says only
# that appeals are made, and heard, without unreasonable delay).
APPEAL_WORKING_DAYS = 5


@dataclass
class Outcome:
    stage: str
    outcome: str
    reasons: str
    decided_on: date
    companion_kind: str
    companion_name: str
    warning_live_until: date | None = None
    gross_misconduct_reason: str = ""
    improvement_needed: str = ""
    improvement_by: date | None = None


def _refuse_unfit_outcome(session: Session, case: DisciplinaryCase, outcome: Outcome) -> bool:
    """Everything record_outcome refuses, checked before anything changes; returns whether
    the stage skips one."""
    if case.status == "decided":
        raise DomainError("The outcome has been recorded; an appeal is recorded below it")
    if outcome.stage not in STAGES:
        raise DomainError("Choose the stage from the list", field="stage")
    label = STAGE_LABELS[outcome.stage]
    if outcome.stage in FORMAL_STAGES:
        if case.possible_outcome is None:
            raise DomainError(
                f"{label} is disciplinary action: arrange the hearing and send the invitation first",
                field="stage",
            )
        if FORMAL_STAGES.index(outcome.stage) > FORMAL_STAGES.index(case.possible_outcome):
            raise DomainError(
                f"The invitation said the hearing could lead to "
                f"{STAGE_LABELS[case.possible_outcome].lower()} at most: {label.lower()} needs a new "
                "invitation that says so",
                field="stage",
            )
    if not outcome.outcome.strip() or not outcome.reasons.strip():
        raise DomainError("Give the outcome and the reasons for it", field="reasons")
    if outcome.companion_kind and not outcome.companion_name.strip():
        raise DomainError("Give the companion's name", field="companion_name")
    if outcome.stage in WARNINGS:
        if not outcome.improvement_needed.strip():
            raise DomainError("Say what must change: the improvement needed", field="improvement_needed")
        if outcome.improvement_by is None or outcome.improvement_by <= outcome.decided_on:
            raise DomainError(
                "Give the date by which the improvement is needed, after the decision", field="improvement_by"
            )
    live = live_warnings(session, case.subject, outcome.decided_on, besides=case.id)
    skipped = skips_a_stage(outcome.stage, live)
    if skipped and not outcome.gross_misconduct_reason.strip():
        raise DomainError(
            f"{label} skips a stage: the furthest without one is "
            f"{STAGE_LABELS[expected_highest_stage(live)].lower()}. Record why this is gross misconduct",
            field="gross_misconduct_reason",
        )
    return skipped


def record_outcome(session: Session, actor: Person, case: DisciplinaryCase, outcome: Outcome) -> None:
    """Records the decision and issues the outcome letter (ACAS Code paragraphs 18-22): the
    reasons; any warning, how long it stays live, the improvement needed and by when, and
    what further misconduct may lead to; and the right of appeal with its deadline.
    Disciplinary action (a written warning or dismissal) comes only after a hearing the
    employee was invited to in writing, and no further than the invitation said it could
    go (paragraphs 9-12). A stage may be skipped only with the reason it is gross
    misconduct (paragraphs 20 and 23). A warning's live period is the council's
    (PORTAL_WARNING_LIVE_MONTHS) unless the case gives another date; the appeal deadline,
    in working days, is the council's own."""
    skipped = _refuse_unfit_outcome(session, case, outcome)
    live_until = None
    if outcome.stage in WARNINGS:
        live_until = outcome.warning_live_until or add_months(
            outcome.decided_on, warning_live_months()[outcome.stage]
        )
        if live_until <= outcome.decided_on:
            raise DomainError(
                "A warning must stay live after the day it is given", field="warning_live_until"
            )
    warned = outcome.stage in WARNINGS
    case.stage = outcome.stage
    case.outcome, case.outcome_reasons = outcome.outcome.strip(), outcome.reasons.strip()
    case.decided_on = outcome.decided_on
    case.companion_kind, case.companion_name = outcome.companion_kind, outcome.companion_name.strip()
    case.stage_skip_reason = outcome.gross_misconduct_reason.strip() if skipped else ""
    case.warning_live_until = live_until
    case.improvement_needed = outcome.improvement_needed.strip() if warned else ""
    case.improvement_by = outcome.improvement_by if warned else None
    case.appeal_deadline = add_working_days(outcome.decided_on, APPEAL_WORKING_DAYS)
    case.status = "decided"
    session.flush()
    letter = issue_letter(session, actor, case, "outcome", heard_by=heard_by_words(case, "hearing"))
    audit_case(
        session,
        actor,
        case,
        "outcome_recorded",
        # The decision date too: on PostgreSQL the retention purge judges from this
        # append-only event, never from the case's editable columns (migration 0015).
        {
            "stage": outcome.stage,
            "decided_on": outcome.decided_on,
            "warning_live_until": live_until,
            "stage_skipped": skipped,
            **letter_facts(letter),
        },
    )
    messages.something_to_read(session, case.subject, case.id, "outcome")


@dataclass
class Appeal:
    lodged_on: date
    late_reason: str


def record_appeal(session: Session, actor: Person, case: DisciplinaryCase, appeal: Appeal) -> None:
    """Records that the employee has appealed (ACAS Code paragraph 25). An appeal lodged
    after the council's deadline is heard only with a recorded reason: the council's own
    rule. Once the appeal has been heard, its record stands."""
    if case.status != "decided" or case.appeal_deadline is None:
        raise DomainError("An appeal can be recorded only once there is an outcome")
    if case.appeal_by is not None:
        raise DomainError("The appeal has been heard and its outcome recorded")
    late = appeal.lodged_on > case.appeal_deadline
    if late and not appeal.late_reason.strip():
        raise DomainError(
            f"The appeal was lodged after its deadline ({case.appeal_deadline.isoformat()}). "
            "Record why it is heard anyway",
            field="late_reason",
        )
    case.appeal_lodged_on = appeal.lodged_on
    case.appeal_late_reason = appeal.late_reason.strip() if late else ""
    session.flush()
    audit_case(session, actor, case, "appeal_recorded", {"late": late})


@dataclass
class AppealHearing:
    heard_on: date
    hearers: Hearers
    companion_kind: str
    companion_name: str
    outcome: str
    result: str = ""  # a key of APPEAL_RESULTS


def _involved_before(case: DisciplinaryCase) -> dict[int, str]:
    """Who took part before an appeal: the investigating officer and whoever heard the case."""
    involved = {
        person.id: "on the panel that heard the case" if case.hearing_by == "panel" else "the hearing officer"
        for person in case.heard_by("hearing")
    }
    involved[case.investigating_officer_id] = "the investigating officer"
    return involved


def record_appeal_hearing(
    session: Session, actor: Person, case: DisciplinaryCase, hearing: AppealHearing
) -> None:
    """Records the appeal hearing and its outcome, and issues the letter that tells the
    employee (ACAS Code paragraphs 26-28). The appeal is heard by someone not involved
    before, or by a panel of councillors, wherever possible; otherwise the reason is
    recorded (`check_hearers`). The employee may bring a companion to it (Employment
    Relations Act 1999, s10 and s13(4)); who came is recorded."""
    if case.appeal_lodged_on is None:
        raise DomainError("Record the appeal before its hearing")
    if case.appeal_by is not None:
        raise DomainError("The appeal's outcome has been recorded")
    if hearing.heard_on < case.appeal_lodged_on:
        raise DomainError("The appeal cannot be heard before it was lodged", field="heard_on")
    if hearing.companion_kind and not hearing.companion_name.strip():
        raise DomainError("Give the companion's name", field="companion_name")
    if not hearing.outcome.strip():
        raise DomainError("Give the outcome of the appeal and its reasons", field="outcome")
    if hearing.result not in APPEAL_RESULTS:
        raise DomainError("Choose whether the outcome stands or is withdrawn", field="result")
    reason = check_hearers(hearing.hearers, case.subject, _involved_before(case), sitting="appeal")
    case.appeal_by, case.appeal_independence_reason = hearing.hearers.by, reason
    seat(case, "appeal", hearing.hearers.people)
    case.appeal_hearing_on = hearing.heard_on
    case.appeal_companion_kind = hearing.companion_kind
    case.appeal_companion_name = hearing.companion_name.strip()
    case.appeal_outcome = hearing.outcome.strip()
    # A warning withdrawn on appeal no longer counts towards the next stage (records.py,
    # live_warnings); the record itself is kept by the retention schedule as recorded.
    case.appeal_result = hearing.result
    session.flush()
    letter = issue_letter(session, actor, case, "appeal_outcome", heard_by=heard_by_words(case, "appeal"))
    audit_case(
        session,
        actor,
        case,
        "appeal_heard",
        {
            **letter_facts(letter),
            "heard_on": hearing.heard_on,
            "heard_by": hearing.hearers.by,
            "result": hearing.result,
            "hearer_ids": sorted(p.id for p in case.heard_by("appeal")),
            "reason_recorded": bool(reason),
            "companion": hearing.companion_kind,
        },
    )
    messages.something_to_read(session, case.subject, case.id, f"letter-{letter.id}")
