"""Business cases in the retention schedule (UK GDPR Art. 5(1)(e)).

A case names its author, its moderators and cover, risk owners and reviewers. An
approved case is the council's record of why a channel runs and who answers for it
(Networking Policy 3.4), so it is kept while its channel is in use; a case that ended
is kept `business_cases` months (default 72: Limitation Act 1980 ss. 2 and 5) after it
ended:
- rejected, and not submitted again since: from the decision;
- withdrawn, with nothing done since: from the withdrawal;
- approved: from the day its channel was retired from the register.

Submissions, reviews and decisions are append-only: on PostgreSQL only the owner's
purge_business_cases (migration 0029) deletes them, dating each case from those rows and
the audit events, never from the editable status.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.clock import add_months, london_date
from portal.tasks import RetentionKind, add_retention_kind, kept_months, owner_purge

from .models import (
    BusinessCase,
    CaseDecision,
    CaseReview,
    CaseSubmission,
    ModerationSlot,
    RiskAction,
    RiskItem,
)


def _latest_decisions(session: Session) -> dict[int, tuple[str, datetime]]:
    rows = session.execute(
        select(CaseReview.case_id, CaseDecision.outcome, CaseDecision.decided_at)
        .join(CaseDecision, CaseDecision.review_id == CaseReview.id)
        .order_by(CaseDecision.decided_at, CaseDecision.id)
    )
    return {case_id: (outcome, decided_at) for case_id, outcome, decided_at in rows}


# Keyed by the events' object ids, which the audit table allows to be empty.
def _latest_events(session: Session) -> dict[str | None, tuple[str, datetime]]:
    rows = session.execute(
        select(AuditEvent.object_id, AuditEvent.action, AuditEvent.occurred_at)
        .where(AuditEvent.object_type == "business_case")
        .order_by(AuditEvent.id)
    )
    return {object_id: (action, occurred_at) for object_id, action, occurred_at in rows}


def _retirements(session: Session) -> dict[str | None, datetime]:
    rows = session.execute(
        select(AuditEvent.object_id, func.max(AuditEvent.occurred_at))
        .where(AuditEvent.object_type == "channel", AuditEvent.action == "authorisations.channel_retired")
        .group_by(AuditEvent.object_id)
    )
    return {object_id: retired_at for object_id, retired_at in rows}


def _ended_on(
    case: BusinessCase,
    decision: tuple[str, datetime] | None,
    event: tuple[str, datetime] | None,
    retired: dict[str | None, datetime],
    last_submitted: datetime | None,
) -> date | None:
    if decision is not None and decision[0] == "rejected":
        if last_submitted is None or last_submitted <= decision[1]:
            return london_date(decision[1])
        return None
    if decision is not None and decision[0] == "approved" and case.channel_id is not None:
        when = retired.get(str(case.channel_id))
        return london_date(when) if when else None
    if event is not None and event[0] == "business_cases.withdrawn":
        return london_date(event[1])
    return None


def _due(session: Session, on: date, months: int) -> list[int]:
    decisions, events, retired = _latest_decisions(session), _latest_events(session), _retirements(session)
    submitted = dict(
        session.execute(
            select(CaseSubmission.case_id, func.max(CaseSubmission.submitted_at)).group_by(
                CaseSubmission.case_id
            )
        ).all()
    )
    due = []
    for case in session.scalars(select(BusinessCase).order_by(BusinessCase.id)):
        decision, event = decisions.get(case.id), events.get(str(case.id))
        end = _ended_on(case, decision, event, retired, submitted.get(case.id))
        if end is not None and add_months(end, months) < on:
            due.append(case.id)
    return due


def remove_cases(session: Session, on: date) -> int:
    months = kept_months("business_cases")
    if (done := owner_purge(session, "purge_business_cases", months)) is not None:
        return done
    due = _due(session, on, months)
    if due:
        reviews = select(CaseReview.id).where(CaseReview.case_id.in_(due))
        risks = select(RiskItem.id).where(RiskItem.case_id.in_(due))
        session.execute(delete(CaseDecision).where(CaseDecision.review_id.in_(reviews)))
        session.execute(delete(CaseReview).where(CaseReview.case_id.in_(due)))
        session.execute(delete(CaseSubmission).where(CaseSubmission.case_id.in_(due)))
        session.execute(delete(RiskAction).where(RiskAction.risk_id.in_(risks)))
        for model in (RiskItem, ModerationSlot):
            session.execute(delete(model).where(model.case_id.in_(due)))
        session.execute(delete(BusinessCase).where(BusinessCase.id.in_(due)))
        session.expire_all()
    return len(due)


add_retention_kind(
    RetentionKind(
        name="business_cases",
        title=(
            "Business cases for departmental channels: moderation rotas, risk registers, reviews "
            "and decisions"
        ),
        period=lambda: (
            f"{kept_months('business_cases')} months after it was rejected or withdrawn, "
            "or after its channel was retired"
        ),
        basis=(
            "The record of why a channel runs and who answers for it (Networking Policy 3.4), kept "
            "while a claim about the channel can be brought (Limitation Act 1980 ss. 2 and 5)"
        ),
        how="Deleted (on PostgreSQL only by the owner's function for this kind)",
        run=remove_cases,
        order=55,
    )
)
