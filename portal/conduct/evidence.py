"""The evidence as it stood on the incident date, frozen into the case.

Networking Policy, Scope and 3.2: breaches are dealt with under the Disciplinary
Policy, and the signed acknowledgement is what shows the person knew the rule. When a
case is opened, the portal looks up (with the policies feature's "as at" look-up) the
wording in force on the incident date, the person's signature of it and its receipt,
their quiz passes and their posting authorisations, and freezes that as JSON with its
SHA-256. Later signatures, passes or revocations cannot change it. Where there was no
signature, that absence is recorded as a fact.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.service import canonical_json
from portal.authorisations.service import authorisations_of, status_on
from portal.clock import london_date
from portal.people.models import Person
from portal.policies.models import Policy, PolicyVersion
from portal.policies.service import as_at, end_of_day, receipt_for
from portal.templating import format_date, format_datetime
from portal.training.models import Completion, Quiz


def _quiz_passes(session: Session, person: Person, on: date) -> list[dict[str, Any]]:
    """Every pass recorded by the end of the incident date, whether it still counted, and
    the topics it covered."""
    rows = session.execute(
        select(Completion, Quiz.title, Quiz.quiz_key, Quiz.definition)
        .join(Quiz, Quiz.id == Completion.quiz_id)
        .where(Completion.person_id == person.id, Completion.completed_at < end_of_day(on))
        .order_by(Completion.completed_at)
    )
    return [
        {
            "quiz": key,
            "title": title,
            "passed_at": completion.completed_at.isoformat(timespec="seconds"),
            "expires_on": completion.expires_on.isoformat(),
            "current_on_incident_date": completion.expires_on > on,
            # What the quiz covers, so a hearing can see whether it taught the rule at issue.
            "topics": sorted({rule["topic"] for rule in definition.get("draw", []) if "topic" in rule}),
        }
        for completion, title, key, definition in rows
    ]


def signed_fact(name: str, title: str, label: str, signed_at: datetime, incident_on: date) -> str:
    """The signature in words, placed against the incident. An incident is recorded by its
    date alone, so a signature made on that day cannot be said to come before it: it is
    "on the day of the incident", and a hearing weighs the timing itself (ACAS Code: the
    employer establishes the facts). Days are London days, as the portal shows them."""
    signed_on = london_date(signed_at)
    when = "before the incident" if signed_on < incident_on else "on the day of the incident"
    return f"{name} signed {title} (version {label}) on {format_datetime(signed_at)}, {when}."


def gather(
    session: Session, subject: Person, policy: Policy, version: PolicyVersion, on: date
) -> tuple[dict[str, Any], bytes | None]:
    """The evidence set and, if there was one, the receipt PDF that proves the signature."""
    found = as_at(session, subject, policy, on)
    ack = found.acknowledgement
    receipt = receipt_for(session, ack.id) if ack is not None else None
    content: dict[str, Any] = {
        "subject": {"id": subject.id, "name": subject.name},
        "incident_date": on.isoformat(),
        "policy": {"slug": policy.slug, "title": policy.title},
        "version_in_force": {
            "id": version.id,
            "label": version.label,
            "effective_date": version.effective_date.isoformat(),
            "content_sha256": version.content_sha256,
            "adopted": version.adopted_minute,
        },
        "acknowledgement": None,
        "acknowledgement_fact": f"No signed acknowledgement of {policy.title} (version {version.label}) "
        f"by {subject.name} was on record by the end of {format_date(on)}.",
        "receipt": None,
        "quiz_passes": _quiz_passes(session, subject, on),
        "posting_authorisations": [
            {
                "reference": item.issue.reference if item.issue else None,
                "channels": [c.label for c in item.channels],
                "starts_on": item.starts_on.isoformat(),
                "ends_on": item.ends_on.isoformat(),
                "status_on_incident_date": status_on(item, on),
            }
            for item in authorisations_of(session, subject)
        ],
    }
    if ack is not None:
        content["acknowledgement"] = {
            "id": ack.id,
            "signed_at": ack.recorded_at.isoformat(timespec="seconds"),
            "method": ack.method,
            "version_label": ack.version_label,
            "version_sha256": ack.version_sha256,
            "typed_name": ack.typed_name,
            "evidence_sha256": ack.evidence_sha256,
        }
        content["acknowledgement_fact"] = signed_fact(
            subject.name, policy.title, ack.version_label, ack.recorded_at, on
        )
    if receipt is not None:
        content["receipt"] = {"code": receipt.code, "pdf_sha256": receipt.pdf_sha256}
    return content, receipt.pdf if receipt is not None else None


def seal(content: dict[str, Any]) -> tuple[str, str]:
    """The canonical JSON of the evidence and its SHA-256."""
    text = canonical_json(content)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()
