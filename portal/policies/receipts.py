"""Receipts: the PDF/A document a person keeps, and checking one later."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.audit.service import canonical_json
from portal.auth.service import IdentityConfirmed
from portal.documents.render import qr_code_data_uri, render_pdf
from portal.documents.seals import council_seal
from portal.documents.signing import SignatureCheck
from portal.people.models import Person
from portal.policies.models import Acknowledgement, Policy, PolicyVersion, Receipt

METHOD_LABELS = {
    "self": "Signed online by the person",
    "on_behalf": "Signed by the Town Clerk on the person's behalf",
    "witnessed_paper": "Signed on paper in front of a witness, recorded by the Town Clerk",
}


def evidence_of(ack: Acknowledgement) -> dict[str, object]:
    """The fields a receipt vouches for; their hash is stored and printed on it."""
    return {
        "record_number": ack.record_number,
        "kind": ack.kind,
        "method": ack.method,
        "person_id": ack.person_id,
        "person_name": ack.person_name,
        "person_email": ack.person_email,
        "version_id": ack.version_id,
        "version_label": ack.version_label,
        "version_sha256": ack.version_sha256,
        "statement_sha256": ack.statement_sha256,
        "typed_name": ack.typed_name,
        "reason": ack.reason,
        "actor_id": ack.actor_id,
        "witness_name": ack.witness_name,
        "recorded_at": ack.recorded_at.isoformat(),
        "first_viewed_at": ack.first_viewed_at.isoformat() if ack.first_viewed_at else None,
        "ip_address": ack.ip_address,
        "session_hash": ack.session_hash,
        "reauthenticated": ack.reauthenticated,
    }


def evidence_hash(ack: Acknowledgement) -> str:
    return hashlib.sha256(canonical_json(evidence_of(ack)).encode()).hexdigest()


def verification_page() -> str:
    return f"{current_app.config['PORTAL_SETTINGS'].base_url}/receipts/verify"


def verification_url(code: str) -> str:
    return f"{verification_page()}?code={code}"


def render_receipt(
    ack: Acknowledgement,
    policy: Policy,
    *,
    code: str,
    actor_name: str,
    adopted_minute: str,
    confirmed: IdentityConfirmed | None = None,
    sealed: bool = True,
) -> bytes:
    """The receipt names the council minute that adopted the signed version (required at
    publication, library.publish_version), so the evidence shows the wording was the
    council's, and how the signer proved who they were (a password, or a fresh login to
    their council account with its time: auth.confirmation). `sealed=False` only for
    `make bench`, to measure the rendering and the signature apart."""
    return render_pdf(
        "documents/receipt.html",
        sealed=sealed,
        stylesheet="receipt",
        ack=ack,
        policy=policy,
        code=code,
        actor_name=actor_name,
        adopted_minute=adopted_minute,
        method_label=METHOD_LABELS[ack.method],
        confirmed_how=confirmed.describe() if confirmed else None,
        verify_page=verification_page(),
        qr=qr_code_data_uri(verification_url(code)),
    )


@dataclass(frozen=True)
class ReceiptCheck:
    """The outcome of checking a receipt. `matches` is False when the stored record no
    longer hashes to what the receipt vouched for (tampering), as well as when nothing
    was found."""

    found: bool
    matches: bool
    receipt: Receipt | None = None
    acknowledgement: Acknowledgement | None = None
    policy_title: str | None = None
    actor_name: str | None = None
    # The uploaded file's PAdES signature; None when a receipt was looked up by its code.
    signature: SignatureCheck | None = None

    @property
    def genuine(self) -> bool:
        return self.found and self.matches and (self.signature is None or self.signature.passed)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.acknowledgement.method] if self.acknowledgement else ""


def _check(session: Session, receipt: Receipt | None) -> ReceiptCheck:
    """A receipt checks out only if the stored record still hashes to what it vouched for
    and the PDF is the one issued: the council's own safeguard against someone with write
    access to the database (DESIGN.md, threat model)."""
    if receipt is None:
        return ReceiptCheck(found=False, matches=False)
    ack = session.get(Acknowledgement, receipt.acknowledgement_id)
    assert ack is not None
    version = session.get(PolicyVersion, ack.version_id)
    policy = session.get(Policy, version.policy_id) if version else None
    actor = session.get(Person, ack.actor_id)
    intact = (
        evidence_hash(ack) == ack.evidence_sha256
        and hashlib.sha256(receipt.pdf).hexdigest() == receipt.pdf_sha256
        and keyed_seal_holds(session, ack)
    )
    return ReceiptCheck(
        found=True,
        matches=intact,
        receipt=receipt,
        acknowledgement=ack,
        policy_title=policy.title if policy else None,
        actor_name=actor.name if actor else None,
    )


def keyed_seal_holds(session: Session, ack: Acknowledgement) -> bool:
    """The plain hash above can be recomputed by anyone who can write to the database;
    the keyed seal cannot, because its key is held outside it (DESIGN.md, threat model).

    A record with no seal passes only if it was written before keys were introduced:
    its audit event (sealed in turn, and pinned by the chain) must be unsealed too, and
    must name the same evidence hash. Otherwise the seal was stripped to hide an edit."""
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "acknowledgement", AuditEvent.object_id == str(ack.id))
        .order_by(AuditEvent.id)
        .limit(1)
    ).first()
    if event is not None and json.loads(event.details).get("evidence_sha256", ack.evidence_sha256) != (
        ack.evidence_sha256
    ):
        return False
    if ack.seal is None and ack.seal_key_id is None:
        return event is not None and event.seal is None
    return ack.seal_problem() is None


def normalise_code(code: str) -> str:
    letters = "".join(c for c in code.upper() if c.isalnum())
    return f"{letters[:4]}-{letters[4:8]}-{letters[8:]}" if len(letters) == 12 else code.strip().upper()


def check_code(session: Session, code: str) -> ReceiptCheck:
    return _check(session, session.scalar(select(Receipt).where(Receipt.code == normalise_code(code))))


def check_pdf(session: Session, pdf: bytes) -> ReceiptCheck:
    """An uploaded receipt: its signature is checked as well as the record, so the page can
    say which checks passed, and a file that matches no record still has its signature
    read (an altered receipt shows as signed by the council but changed since)."""
    digest = hashlib.sha256(pdf).hexdigest()
    found = _check(session, session.scalar(select(Receipt).where(Receipt.pdf_sha256 == digest)))
    return replace(found, signature=council_seal().check(pdf))


def receipt_for(session: Session, acknowledgement_id: int) -> Receipt | None:
    return session.scalar(select(Receipt).where(Receipt.acknowledgement_id == acknowledgement_id))
