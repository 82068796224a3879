"""Everything the portal holds about one person, for a subject access request (UK GDPR
Article 15): profile, acknowledgements, quiz attempts with every answer, posting
authorisations, business cases they took part in, their own disciplinary records and the
breach records about them (a councillor, a volunteer, agency staff: they read these only
this way), each with its frozen evidence, the audit events they made or that are about
them, and the emails sent to them.

Each section is gathered in its own room (quiz_answers.py, case_records.py, activity.py);
this module puts them together. Free text can name other people. Those names are found
and listed, with where each appears (redaction.py), so that HR can decide what to redact
before the export is handed over (Data Protection Act 2018, Schedule 2, paragraph 16).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from portal.audit import personal
from portal.auth.models import CouncilAccount
from portal.authorisations.models import AuthorisationRequest
from portal.authorisations.service import status_of
from portal.business_cases.models import (
    BusinessCase,
    CaseReview,
    RiskItem,
)
from portal.people.models import Person
from portal.policies.models import Acknowledgement, Receipt

from .activity import audit_events, emails
from .case_records import breach_records, disciplinary_records
from .quiz_answers import quiz_attempts
from .redaction import mark_names, third_party_mentions
from .values import ADDRESS_WITHHELD, iso

__all__ = ["export", "mark_names", "third_party_mentions"]


def _council_accounts(session: Session, person: Person) -> list[dict[str, Any]]:
    """The Microsoft 365 account the portal knows them by (auth.single_sign_on)."""
    accounts = session.scalars(select(CouncilAccount).where(CouncilAccount.person_id == person.id))
    return [{"issuer": a.issuer, "subject": a.subject, "linked": iso(a.linked_at)} for a in accounts]


def _profile(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "engagement": person.engagement.label,
        "department": person.department.name if person.department else None,
        "line_manager": person.line_manager.name if person.line_manager else None,
        "roles": sorted(role.label for role in person.roles),
        "start_date": iso(person.start_date),
        "leaving_date": iso(person.leaving_date),
        "active": person.is_active,
        "account_created": iso(person.created_at),
    }


def _acknowledgements(session: Session, person: Person) -> list[dict[str, Any]]:
    """Every record of their signatures, refusals and withdrawals. The address and browser
    kept with one are those of whoever made the record, sealed under that person's key:
    theirs when they signed, the Clerk's when the Clerk recorded it for them, and then
    withheld (Data Protection Act 2018, Schedule 2, paragraph 16)."""
    rows = session.execute(
        select(Acknowledgement, Receipt.code)
        .outerjoin(Receipt, Receipt.acknowledgement_id == Acknowledgement.id)
        .where(Acknowledgement.person_id == person.id)
        .order_by(Acknowledgement.recorded_at)
    ).all()
    theirs = [ack for ack, _ in rows if ack.actor_id == person.id]
    fields = personal.Fields(session, [value for ack in theirs for value in (ack.ip_address, ack.user_agent)])

    def opened(ack: Acknowledgement, stored: str | None) -> str | None:
        if stored is None:
            return None
        return fields.open(stored) if ack.actor_id == person.id else ADDRESS_WITHHELD

    return [
        {
            "record": ack.kind,
            "method": ack.method,
            "policy_version": ack.version_label,
            "recorded_at": iso(ack.recorded_at),
            "name_typed": ack.typed_name,
            "reason": ack.reason,
            "witness": ack.witness_name,
            "ip_address": opened(ack, ack.ip_address),
            "browser": opened(ack, ack.user_agent),
            "receipt": code,
        }
        for ack, code in rows
    ]


def _authorisations(session: Session, person: Person) -> list[dict[str, Any]]:
    found = session.scalars(
        select(AuthorisationRequest)
        .options(
            selectinload(AuthorisationRequest.person),
            selectinload(AuthorisationRequest.channels),
            selectinload(AuthorisationRequest.issue),
            selectinload(AuthorisationRequest.decline),
            selectinload(AuthorisationRequest.revocation),
        )
        .where(
            or_(
                AuthorisationRequest.person_id == person.id, AuthorisationRequest.requested_by_id == person.id
            )
        )
        .order_by(AuthorisationRequest.id)
    )
    return [
        {
            "part": "authorised person" if r.person_id == person.id else "requested it",
            "reference": r.issue.reference if r.issue else None,
            "channels": [c.label for c in r.channels],
            "scope": r.scope,
            "starts_on": iso(r.starts_on),
            "ends_on": iso(r.ends_on),
            "status": status_of(r),
            "signed_by_them": bool(r.issue and r.issue.signed_by_id == person.id),
        }
        for r in found
    ]


def _business_cases(session: Session, person: Person) -> list[dict[str, Any]]:
    """Cases they wrote, moderate, own a risk or action in, submitted or decided."""
    cases = session.scalars(
        select(BusinessCase)
        .options(
            selectinload(BusinessCase.moderation),
            selectinload(BusinessCase.risks).selectinload(RiskItem.actions),
            selectinload(BusinessCase.submissions),
            selectinload(BusinessCase.reviews).selectinload(CaseReview.decision),
        )
        .order_by(BusinessCase.id)
    )
    found = []
    for case in cases:
        parts = set()
        if case.author_id == person.id:
            parts.add("author")
        parts |= {f"{slot.duty}" for slot in case.moderation if slot.person_id == person.id}
        if any(item.owner_id == person.id for item in case.risks):
            parts.add("risk owner")
        if any(a.owner_id == person.id for item in case.risks for a in item.actions):
            parts.add("action owner")
        if any(s.submitted_by_id == person.id for s in case.submissions):
            parts.add("submitted it")
        if any(r.decision and r.decision.reviewer_id == person.id for r in case.reviews):
            parts.add("reviewer")
        if parts:
            found.append(
                {
                    "reference": case.reference,
                    "account": case.account_name,
                    "status": case.status,
                    "parts": sorted(parts),
                }
            )
    return found


def export(session: Session, person: Person) -> dict[str, Any]:
    """Everything the portal holds about the person, as the copy the right of access
    gives them (UK GDPR Art. 15(1) and (3)), with the third parties it names."""
    content: dict[str, Any] = {
        "profile": _profile(person),
        "council_accounts": _council_accounts(session, person),
        "acknowledgements": _acknowledgements(session, person),
        "quiz_attempts": quiz_attempts(session, person),
        "posting_authorisations": _authorisations(session, person),
        "business_cases": _business_cases(session, person),
        "disciplinary_records": disciplinary_records(session, person),
        "breach_records": breach_records(session, person),
        "audit_events": audit_events(session, person),
        "emails": emails(session, person),
    }
    content["third_parties_to_consider_redacting"] = [
        {"name": m.name, "where": m.where} for m in third_party_mentions(session, person, content)
    ]
    return content
