"""The records of breaches alleged against a person, for a subject access export: their
disciplinary cases (the whole ACAS process: meetings, hearing, companion, outcome, appeal,
letters) and the breach records kept on other routes, each with the evidence frozen when it
was opened (UK GDPR Art. 15(1) and (3)).

The case's words are sealed under the case's key (portal.audit.sealed_text); the keys of
every case are loaded in one query, whatever the number of cases.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.audit.sealed_text import load_keys
from portal.breaches.models import OUTCOMES, BreachEvidence, BreachRecord
from portal.conduct.models import (
    APPEAL_RESULTS,
    COMPANION_LABELS,
    STAGE_LABELS,
    CaseHearer,
    DisciplinaryCase,
    EvidenceSnapshot,
)
from portal.people.models import Person

from .values import iso


def _evidence(snapshot: EvidenceSnapshot | BreachEvidence | None) -> dict[str, Any] | None:
    """What stood on the incident date, as frozen: the content itself and its SHA-256, so
    the person can check the copy they are given against the one the case relies on."""
    if snapshot is None:
        return None
    return {
        "taken_at": iso(snapshot.taken_at),
        "sha256": snapshot.content_sha256,
        "content": json.loads(snapshot.content),
    }


def _heard_by(case: DisciplinaryCase, sitting: str) -> list[str]:
    return [hearer.person.name for hearer in case.hearers if hearer.sitting == sitting]


def _companion(kind: str) -> str | None:
    return COMPANION_LABELS.get(kind) if kind else None


def disciplinary_records(session: Session, person: Person) -> list[dict[str, Any]]:
    """Their own disciplinary cases, never one about someone else."""
    cases = session.scalars(
        select(DisciplinaryCase)
        .options(
            selectinload(DisciplinaryCase.meetings),
            selectinload(DisciplinaryCase.letters),
            selectinload(DisciplinaryCase.evidence),
            selectinload(DisciplinaryCase.hearers).selectinload(CaseHearer.person),
        )
        .where(DisciplinaryCase.subject_id == person.id)
        .order_by(DisciplinaryCase.id)
    ).all()
    load_keys(session, [*cases, *(m for c in cases for m in c.meetings)])  # one query, whatever the count
    return [
        {
            "reference": c.reference,
            "allegation": c.allegation,
            "incident_date": iso(c.incident_date),
            "sections": c.sections,
            "evidence": _evidence(c.evidence),
            "meetings": [
                {
                    "held_on": iso(m.held_on),
                    "title": m.title,
                    "notes": m.notes,
                    "shared_on": iso(m.shared_on),
                }
                for m in c.meetings
            ],
            "hearing_on": iso(c.hearing_on),
            "hearing_time": c.hearing_time.isoformat(timespec="minutes") if c.hearing_time else None,
            "hearing_place": c.hearing_place,
            "hearing_evidence": c.hearing_evidence,
            "heard_by": _heard_by(c, "hearing"),
            "companion_kind": _companion(c.companion_kind),
            "companion_name": c.companion_name or None,
            "possible_outcome": STAGE_LABELS[c.possible_outcome] if c.possible_outcome else None,
            "outcome_stage": STAGE_LABELS[c.stage] if c.stage else None,
            "outcome": c.outcome,
            "reasons": c.outcome_reasons,
            "decided_on": iso(c.decided_on),
            "warning_live_until": iso(c.warning_live_until),
            "improvement_needed": c.improvement_needed,
            "improvement_by": iso(c.improvement_by),
            "appeal_deadline": iso(c.appeal_deadline),
            "appeal_lodged_on": iso(c.appeal_lodged_on),
            "appeal_late_reason": c.appeal_late_reason or None,
            "appeal_hearing_on": iso(c.appeal_hearing_on),
            "appeal_heard_by": _heard_by(c, "appeal"),
            "appeal_companion_kind": _companion(c.appeal_companion_kind),
            "appeal_companion_name": c.appeal_companion_name or None,
            "appeal_result": APPEAL_RESULTS.get(c.appeal_result or ""),
            "appeal_outcome": c.appeal_outcome,
            # The letters themselves are the person's to download from their record; the
            # export lists each with the hash that proves a copy is the one sent.
            "letters": [
                {"letter": letter.label, "issued_at": iso(letter.issued_at), "sha256": letter.sha256}
                for letter in c.letters
            ],
        }
        for c in cases
    ]


def breach_records(session: Session, person: Person) -> list[dict[str, Any]]:
    """Breach records about the person, on whatever route (portal/breaches): a councillor, a
    volunteer or agency staff read these only this way."""
    found = session.scalars(
        select(BreachRecord)
        .options(selectinload(BreachRecord.evidence))
        .where(BreachRecord.subject_id == person.id)
        .order_by(BreachRecord.id)
    ).all()
    load_keys(session, found)
    return [
        {
            "reference": b.reference,
            "route": b.route_label,
            "engagement_when_recorded": b.engagement.label,
            "allegation": b.allegation,
            "incident_date": iso(b.incident_date),
            "sections": b.sections,
            "evidence": _evidence(b.evidence),
            "referred_on": iso(b.referred_on),
            "referred_to": b.referred_to,
            "outcome": OUTCOMES[b.route][b.outcome] if b.outcome else None,
            "outcome_notes": b.outcome_notes,
            "closed_on": iso(b.closed_on),
        }
        for b in found
    ]
