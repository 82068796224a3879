"""Everything the portal holds about one person, for a subject access request (UK GDPR
Article 15): profile, acknowledgements, quiz attempts, posting authorisations,
business cases they took part in, their own disciplinary records, and breach records about
them (a councillor, a volunteer, agency staff: they read these only this way).

Free text can name other people. Those names are found and listed, with where each
appears, so that HR can decide what to redact before the export is handed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from portal.audit import personal
from portal.audit.sealed_text import load_keys
from portal.authorisations.models import AuthorisationRequest
from portal.authorisations.service import status_of
from portal.breaches.models import OUTCOMES, BreachRecord
from portal.business_cases.models import (
    BusinessCase,
    CaseReview,
    RiskItem,
)
from portal.conduct.models import STAGE_LABELS, DisciplinaryCase
from portal.people.models import Person
from portal.policies.models import Acknowledgement, Receipt
from portal.training.models import Attempt


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()


def _profile(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "engagement": person.engagement.label,
        "department": person.department.name if person.department else None,
        "line_manager": person.line_manager.name if person.line_manager else None,
        "roles": sorted(role.label for role in person.roles),
        "start_date": _iso(person.start_date),
        "leaving_date": _iso(person.leaving_date),
        "active": person.is_active,
        "account_created": _iso(person.created_at),
    }


def _acknowledgements(session: Session, person: Person) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Acknowledgement, Receipt.code)
        .outerjoin(Receipt, Receipt.acknowledgement_id == Acknowledgement.id)
        .where(Acknowledgement.person_id == person.id)
        .order_by(Acknowledgement.recorded_at)
    ).all()
    fields = personal.Fields(
        session, [value for ack, _ in rows for value in (ack.ip_address, ack.user_agent)]
    )
    return [
        {
            "record": ack.kind,
            "method": ack.method,
            "policy_version": ack.version_label,
            "recorded_at": _iso(ack.recorded_at),
            "name_typed": ack.typed_name,
            "reason": ack.reason,
            "witness": ack.witness_name,
            "ip_address": fields.open(ack.ip_address),
            "browser": fields.open(ack.user_agent),
            "receipt": code,
        }
        for ack, code in rows
    ]


def _attempts(session: Session, person: Person) -> list[dict[str, Any]]:
    attempts = session.scalars(
        select(Attempt)
        .options(selectinload(Attempt.quiz))
        .where(Attempt.person_id == person.id)
        .order_by(Attempt.started_at)
    )
    return [
        {
            "quiz": a.quiz.title,
            "attempt": a.number,
            "started_at": _iso(a.started_at),
            "submitted_at": _iso(a.submitted_at),
            "score_percent": a.score_percent,
            "passed": a.passed,
        }
        for a in attempts
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
            "starts_on": _iso(r.starts_on),
            "ends_on": _iso(r.ends_on),
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


def _disciplinary(session: Session, person: Person) -> list[dict[str, Any]]:
    cases = session.scalars(
        select(DisciplinaryCase)
        .options(selectinload(DisciplinaryCase.meetings), selectinload(DisciplinaryCase.letters))
        .where(DisciplinaryCase.subject_id == person.id)
        .order_by(DisciplinaryCase.id)
    ).all()
    load_keys(session, [*cases, *(m for c in cases for m in c.meetings)])  # one query, whatever the count
    return [
        {
            "reference": c.reference,
            "allegation": c.allegation,
            "incident_date": _iso(c.incident_date),
            "sections": c.sections,
            "meetings": [
                {
                    "held_on": _iso(m.held_on),
                    "title": m.title,
                    "notes": m.notes,
                    "shared_on": _iso(m.shared_on),
                }
                for m in c.meetings
            ],
            "hearing_on": _iso(c.hearing_on),
            "hearing_time": c.hearing_time.isoformat(timespec="minutes") if c.hearing_time else None,
            "hearing_place": c.hearing_place,
            "hearing_evidence": c.hearing_evidence,
            "possible_outcome": STAGE_LABELS[c.possible_outcome] if c.possible_outcome else None,
            "outcome_stage": STAGE_LABELS[c.stage] if c.stage else None,
            "outcome": c.outcome,
            "reasons": c.outcome_reasons,
            "decided_on": _iso(c.decided_on),
            "warning_live_until": _iso(c.warning_live_until),
            "improvement_needed": c.improvement_needed,
            "improvement_by": _iso(c.improvement_by),
            "appeal_lodged_on": _iso(c.appeal_lodged_on),
            "appeal_hearing_on": _iso(c.appeal_hearing_on),
            "appeal_result": c.appeal_result,
            "appeal_outcome": c.appeal_outcome,
            # The letters themselves are the person's to download from their record; the
            # export lists each with the hash that proves a copy is the one sent.
            "letters": [
                {"letter": letter.label, "issued_at": _iso(letter.issued_at), "sha256": letter.sha256}
                for letter in c.letters
            ],
        }
        for c in cases
    ]


def _breaches(session: Session, person: Person) -> list[dict[str, Any]]:
    """Breach records about the person, on whatever route (portal/breaches)."""
    found = session.scalars(
        select(BreachRecord).where(BreachRecord.subject_id == person.id).order_by(BreachRecord.id)
    ).all()
    load_keys(session, found)
    return [
        {
            "reference": b.reference,
            "route": b.route_label,
            "engagement_when_recorded": b.engagement.label,
            "allegation": b.allegation,
            "incident_date": _iso(b.incident_date),
            "sections": b.sections,
            "referred_on": _iso(b.referred_on),
            "referred_to": b.referred_to,
            "outcome": OUTCOMES[b.route][b.outcome] if b.outcome else None,
            "outcome_notes": b.outcome_notes,
            "closed_on": _iso(b.closed_on),
        }
        for b in found
    ]


@dataclass(frozen=True)
class Mention:
    name: str
    where: list[str]


def _texts(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for key, v in value.items() for item in _texts(v, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _texts(v, f"{path}[{i}]")]
    return []


def third_party_mentions(session: Session, person: Person, content: dict[str, Any]) -> list[Mention]:
    """Other people named anywhere in the export, whole names only, and where: their data
    is withheld where handing it over would affect their rights (UK GDPR Art. 15(4);
    Data Protection Act 2018, Schedule 2, paragraph 16), and HR decides what to redact."""
    names = [n for n in session.scalars(select(Person.name).where(Person.id != person.id)) if n.strip()]
    texts = [(path, text) for path, text in _texts(content, "") if not path.startswith("profile")]
    mentions = []
    for name in sorted(set(names)):
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
        where = [path for path, text in texts if pattern.search(text)]
        if where:
            mentions.append(Mention(name, where))
    return mentions


def export(session: Session, person: Person) -> dict[str, Any]:
    """Everything the portal holds about the person, as the copy the right of access
    gives them (UK GDPR Art. 15(1) and (3)), with the third parties it names."""
    content: dict[str, Any] = {
        "profile": _profile(person),
        "acknowledgements": _acknowledgements(session, person),
        "quiz_attempts": _attempts(session, person),
        "posting_authorisations": _authorisations(session, person),
        "business_cases": _business_cases(session, person),
        "disciplinary_records": _disciplinary(session, person),
        "breach_records": _breaches(session, person),
    }
    content["third_parties_to_consider_redacting"] = [
        {"name": m.name, "where": m.where} for m in third_party_mentions(session, person, content)
    ]
    return content


def mark_names(text: str, names: list[str]) -> Markup:
    """The text, escaped, with each third party's name wrapped in <mark> for redaction."""
    if not names:
        return Markup(escape(text))  # noqa: S704 (escaped)
    pattern = re.compile(
        "|".join(rf"\b{re.escape(n)}\b" for n in sorted(names, key=len, reverse=True)), re.IGNORECASE
    )
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [str(escape(text[last : match.start()])), f"<mark>{escape(match.group(0))}</mark>"]
        last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))  # noqa: S704 (every piece is escaped)
