"""The letters a disciplinary case sends the employee: the invitation to the hearing, the
outcome, and the outcome of an appeal. Each is a PDF/A signed with the council's
certificate like every document the portal issues as evidence, kept as issued with its
SHA-256, so the copy the employee holds can be checked against the council's."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from portal.clock import today
from portal.db import utcnow
from portal.documents.render import render_pdf
from portal.people.models import Person

from .models import COMPANION_LABELS, LETTER_LABELS, STAGE_LABELS, CaseLetter, DisciplinaryCase

# The most serious outcome a hearing could reach, as the invitation words it.
POSSIBLE_OUTCOMES = {
    "first_written": "a first written warning",
    "final_written": "a final written warning",
    "dismissal": "dismissal",
}
# What further misconduct while a warning is live may lead to (ACAS Code paragraph 21).
FURTHER_MISCONDUCT = {
    "first_written": "a final written warning",
    "final_written": "dismissal",
}


def issue_letter(
    session: Session, actor: Person, case: DisciplinaryCase, kind: str, **context: Any
) -> CaseLetter:
    """Renders, signs and keeps one letter to the employee. The caller records the event
    that the letter belongs to, with the letter's id and hash."""
    pdf = render_pdf(
        f"documents/disciplinary_{kind}.html",
        sealed=True,
        stylesheet="report",
        case=case,
        title=LETTER_LABELS[kind],
        issued_on=today(),
        issued_by=actor,
        evidence=json.loads(case.evidence.content) if case.evidence else None,
        stage_labels=STAGE_LABELS,
        companion_labels=COMPANION_LABELS,
        possible_outcomes=POSSIBLE_OUTCOMES,
        further_misconduct=FURTHER_MISCONDUCT,
        **context,
    )
    letter = CaseLetter(
        kind=kind, issued_by_id=actor.id, issued_at=utcnow(), pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
    )
    case.letters.append(letter)
    session.flush()
    return letter


def letter_facts(letter: CaseLetter) -> dict[str, Any]:
    """What an audit event says about a letter: its id and hash, nothing of its text."""
    return {"letter_id": letter.id, "letter_sha256": letter.sha256}
