"""The evidence pack: one PDF with the case, its timeline, the frozen evidence, the
receipt (embedded as a file) and a manifest of SHA-256 hashes. The pack's own hash is
kept, so a copy given to the employee or a tribunal can be checked later."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.documents.render import EmbeddedFile, render_pdf
from portal.documents.seals import council_seal
from portal.documents.signing import SignatureCheck
from portal.people.models import Person

from .hearings import heard_by_words
from .models import STAGE_LABELS, DisciplinaryCase, EvidencePack
from .records import audit_case


@dataclass(frozen=True)
class TimelineEntry:
    on: date | datetime
    what: str


def timeline(case: DisciplinaryCase) -> list[TimelineEntry]:
    assert case.evidence is not None  # frozen when the case was opened
    entries = [
        TimelineEntry(case.incident_date, "Incident"),
        TimelineEntry(
            case.opened_at.date(),
            f"Case opened; evidence frozen (SHA-256 {case.evidence.content_sha256[:12]}…)",
        ),
    ]
    for meeting in case.meetings:
        entries.append(TimelineEntry(meeting.held_on, f"Meeting: {meeting.title}"))
        if meeting.shared_on:
            entries.append(
                TimelineEntry(meeting.shared_on, f"Notes of “{meeting.title}” shared with the employee")
            )
    for letter in case.letters:
        entries.append(TimelineEntry(letter.issued_at, f"Letter issued: {letter.label}"))
    if case.hearing_on:
        at = f" at {case.hearing_time:%H:%M}" if case.hearing_time else ""
        entries.append(TimelineEntry(case.hearing_on, f"Hearing{at}"))
    if case.decided_on and case.stage:
        entries.append(TimelineEntry(case.decided_on, f"Outcome: {STAGE_LABELS[case.stage]}"))
    if case.appeal_lodged_on:
        entries.append(TimelineEntry(case.appeal_lodged_on, "Appeal lodged"))
    if case.appeal_hearing_on:
        entries.append(TimelineEntry(case.appeal_hearing_on, "Appeal hearing"))
    # A datetime is a date too: test for it first.
    return sorted(entries, key=lambda e: e.on.date() if isinstance(e.on, datetime) else e.on)


def build_pack(session: Session, actor: Person, case: DisciplinaryCase) -> EvidencePack:
    """Makes the evidence pack and keeps its hash, so that the copy handed to the employee
    (who sees the evidence against them: ACAS Code of Practice, "Inform the employee of
    the problem") or to a tribunal can be checked against it later."""
    evidence = case.evidence
    assert evidence is not None
    content = json.loads(evidence.content)
    manifest = [("Evidence set (canonical JSON)", evidence.content_sha256)]
    embedded: tuple[EmbeddedFile, ...] = ()
    if evidence.receipt_pdf is not None:
        receipt_hash = hashlib.sha256(evidence.receipt_pdf).hexdigest()
        manifest.append((f"Receipt {content['receipt']['code']} (embedded PDF)", receipt_hash))
        embedded = (
            EmbeddedFile(
                f"receipt-{content['receipt']['code']}.pdf",
                evidence.receipt_pdf,
                "The signed acknowledgement's receipt, as issued",
            ),
        )
    for link in case.linked_receipts:
        manifest.append((f"Linked receipt {link.receipt.code} (embedded PDF)", link.receipt.pdf_sha256))
        embedded += (
            EmbeddedFile(
                f"receipt-{link.receipt.code}.pdf", link.receipt.pdf, "A further receipt linked to the case"
            ),
        )
    for letter in case.letters:
        manifest.append((f"{letter.label}, letter {letter.id} (embedded PDF)", letter.sha256))
        embedded += (
            EmbeddedFile(
                f"{case.reference}-{letter.kind.replace('_', '-')}-{letter.id}.pdf",
                letter.pdf,
                f"{letter.label}, as issued",
            ),
        )
    if content["acknowledgement"]:
        manifest.append(("Acknowledgement record", content["acknowledgement"]["evidence_sha256"]))
    manifest.append(
        (
            f"Policy text, version {content['version_in_force']['label']}",
            content["version_in_force"]["content_sha256"],
        )
    )
    pdf = render_pdf(
        "documents/evidence_pack.html",
        sealed=True,
        stylesheet="report",
        embedded=embedded,
        case=case,
        evidence=content,
        timeline=timeline(case),
        manifest=manifest,
        stage_labels=STAGE_LABELS,
        hearing_heard_by=heard_by_words(case, "hearing"),
        appeal_heard_by=heard_by_words(case, "appeal"),
        generated_by=actor.name,
        generated_at=utcnow(),
    )
    pack = EvidencePack(
        generated_by_id=actor.id, generated_at=utcnow(), pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
    )
    case.packs.append(pack)
    session.flush()
    audit_case(session, actor, case, "pack_generated", {"pack_id": pack.id, "pack_sha256": pack.sha256})
    return pack


@dataclass(frozen=True)
class PackCheck:
    """A copy of an evidence pack checked three ways, each reported on its own: its
    signature (the council's certificate, unchanged since signing) and the council's
    record of the pack (the same file, and a record whose keyed seal still holds)."""

    signature: SignatureCheck
    pack: EvidencePack | None

    @property
    def passed(self) -> bool:
        return self.signature.passed and self.pack is not None

    def report(self) -> str:
        verdict = (
            "This copy is a genuine evidence pack of this case."
            if self.passed
            else "This copy is not a genuine evidence pack of this case: it was changed, or is not from it."
        )
        return " ".join([verdict, *self.findings()])

    def findings(self) -> list[str]:
        seal = council_seal()
        yes_no = {True: "yes", False: "no"}
        record = (
            f"yes, evidence pack {self.pack.id}, made on {self.pack.generated_at:%d %B %Y}"
            if self.pack is not None
            else "no"
        )
        return [
            f"Signed with {seal.name}'s certificate: {yes_no[self.signature.by_council]}.",
            f"Unchanged since it was signed: {yes_no[self.signature.unchanged and self.signature.sound]}.",
            f"Matches the council's record of an evidence pack of this case: {record}.",
        ]


def check_copy(session: Session, case: DisciplinaryCase, content: bytes) -> PackCheck:
    """Whether an uploaded copy is a pack of this case as the council issued it. A pack
    row whose keyed seal fails (DESIGN.md, threat model: an insider edited it) is no
    record to match against."""
    digest = hashlib.sha256(content).hexdigest()
    pack = session.scalar(
        select(EvidencePack).where(EvidencePack.case_id == case.id, EvidencePack.sha256 == digest)
    )
    if pack is not None and pack.seal_problem() is not None:
        pack = None
    return PackCheck(signature=council_seal().check(content), pack=pack)
