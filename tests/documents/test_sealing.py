"""PAdES seals on the documents the portal issues as evidence (issue: evidence against
insiders, section 2): they validate, they break on any change, they are the council's,
they survive a rotation, and the documents stay PDF/A-3b in structure."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import select

from portal.authorisations.models import AuthorisationIssue
from portal.business_cases.models import CaseDecision
from portal.conduct.models import CaseLetter, EvidencePack
from portal.documents.render import render_pdf_from_html
from portal.documents.seals import council_seal
from portal.documents.signing import CouncilSeal, certificate_pem, create_pkcs12
from portal.policies.models import Receipt
from portal.privacy.service import export_pdf, person_to_export
from tests.everything import one_of_everything

PAGE = "<title>Receipt</title><h1>Receipt</h1><p>Signed by Grace Hopper on 3 March 2026.</p>"


@pytest.fixture(scope="module")
def other_council() -> tuple[bytes, str]:
    return create_pkcs12("Borchester Town Council", "borchester")


def sealed_page(app) -> bytes:
    with app.test_request_context():
        return render_pdf_from_html(PAGE, sealed=True)


def test_a_sealed_document_validates_with_pyhanko_against_the_councils_certificate(app):
    pdf = sealed_page(app)
    with app.app_context():
        seal = council_seal()
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[seal.certificate])
    # In a thread of its own: pyHanko starts an event loop, and the browser tests leave
    # one running in this thread.
    with ThreadPoolExecutor(max_workers=1) as thread:
        status = thread.submit(validate_pdf_signature, signature, context).result()
    assert status.bottom_line and status.intact and status.trusted
    assert status.signing_cert.subject.native["common_name"].startswith("Ashcombe Town Council")
    check = seal.check(pdf)
    assert check.passed, check


def test_one_changed_byte_breaks_the_seal(app):
    pdf = bytearray(sealed_page(app))
    at = pdf.index(b"stream\n") + 40  # inside the first stream: the file still reads
    pdf[at] ^= 0x01
    with app.app_context():
        check = council_seal().check(bytes(pdf))
    assert check.signed and check.by_council and not check.unchanged and not check.passed


def test_anything_appended_after_signing_breaks_the_seal(app):
    """An incremental update after the signature leaves pyHanko's `intact` true for the
    signed revision; the check also needs the signature to cover the whole file."""
    pdf = sealed_page(app)
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info[NameObject("/Title")] = TextStringObject("Altered")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    with app.app_context():
        check = council_seal().check(out.getvalue())
    assert not check.unchanged and not check.passed


def test_a_document_signed_with_another_certificate_is_not_the_councils(app, other_council):
    data, _fingerprint = other_council
    with app.test_request_context():
        pdf = CouncilSeal.from_pkcs12(data, "borchester").sign(render_pdf_from_html(PAGE))
        check = council_seal().check(pdf)
    assert check.signed and check.unchanged and not check.by_council and not check.passed
    assert "Borchester" in (check.signer or "")


def test_an_unsigned_or_unreadable_file_is_reported_as_not_signed(app):
    with app.test_request_context():
        plain = render_pdf_from_html(PAGE)
        seal = council_seal()
    assert not seal.check(plain).signed
    assert not seal.check(b"not a pdf at all").signed


def test_a_document_signed_before_a_rotation_still_validates(other_council):
    old_data, _ = other_council
    old = CouncilSeal.from_pkcs12(old_data, "borchester")
    new_data, _ = create_pkcs12("Borchester Town Council", "")
    before_rotation = old.sign(render_pdf_from_html(PAGE))

    rotated = CouncilSeal.from_pkcs12(new_data, "", [certificate_pem(old_data, "borchester")])
    assert rotated.check(before_rotation).passed
    assert rotated.check(rotated.sign(render_pdf_from_html(PAGE))).passed
    forgotten = CouncilSeal.from_pkcs12(new_data, "")
    assert not forgotten.check(before_rotation).by_council


def test_a_wrong_passphrase_is_a_clear_error(other_council):
    from portal.documents.signing import SealUnavailable

    with pytest.raises(SealUnavailable, match="cannot be opened"):
        CouncilSeal.from_pkcs12(other_council[0], "wrong")


# PDF/A-3b after signing -------------------------------------------------------------


def test_a_sealed_document_keeps_its_pdfa_structure(app):
    reader = PdfReader(io.BytesIO(sealed_page(app)))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="|>)3', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp)
    xmp_producer = re.search(r'pdf:Producer(?:="|>)([^"<]*)', xmp)
    assert xmp_producer is not None
    assert reader.trailer["/Info"]["/Producer"] == xmp_producer.group(1)
    assert "/OutputIntents" in root and len(root["/OutputIntents"]) >= 1

    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for described in descendants:
                descriptor = described["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]

    raw = bytes(sealed_page(app))
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/JS(" not in raw
    assert "/Names" not in root or "/JavaScript" not in root["/Names"]

    (field,) = root["/AcroForm"]["/Fields"]
    field = field.get_object()
    assert field["/FT"] == "/Sig"
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    assert (x2 - x1) * (y2 - y1) == 0, "the signature must be invisible"
    assert int(field.get("/F", 0)) & 4, "PDF/A wants every annotation printable"
    assert root["/AcroForm"].get("/NeedAppearances") in (None, False)


# Every document issued as evidence ----------------------------------------------------


def test_every_document_issued_as_evidence_carries_the_councils_seal(app, session):
    everything = one_of_everything(app, session)
    documents = {
        "receipt": session.scalars(select(Receipt.pdf)).first(),
        "authorisation letter": session.scalars(select(AuthorisationIssue.letter_pdf)).first(),
        "business case decision letter": session.scalars(select(CaseDecision.letter_pdf)).first(),
        "evidence pack": session.scalars(select(EvidencePack.pdf)).first(),
        "disciplinary invitation letter": session.scalars(select(CaseLetter.pdf)).first(),
    }
    with app.test_request_context():
        seal = council_seal()
        person = person_to_export(session, everything.subject.id)
        documents["subject access export"] = export_pdf(session, everything.clerk, person)
        for name, pdf in documents.items():
            assert pdf is not None, name
            assert seal.check(pdf).passed, name


# flask seal create / show -----------------------------------------------------------


def test_seal_create_writes_a_private_certificate_and_prints_the_fingerprint(app, tmp_path):
    out = tmp_path / "council.p12"
    runner = app.test_cli_runner()
    made = runner.invoke(args=["seal", "create", "--out", str(out)], input="correct horse\ncorrect horse\n")
    assert made.exit_code == 0, made.output
    assert out.stat().st_mode & 0o777 == 0o600
    seal = CouncilSeal.from_pkcs12(out.read_bytes(), "correct horse")
    assert seal.name == "Ashcombe Town Council"
    assert f"SHA-256 fingerprint: {seal.fingerprint}" in made.output
    assert (tmp_path / "council.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")

    again = runner.invoke(args=["seal", "create", "--out", str(out)], input="x\nx\n")
    assert again.exit_code != 0 and "never overwritten" in again.output
    assert CouncilSeal.from_pkcs12(out.read_bytes(), "correct horse").fingerprint == seal.fingerprint


def test_seal_show_prints_the_signing_certificate(app):
    shown = app.test_cli_runner().invoke(args=["seal", "show"])
    assert shown.exit_code == 0, shown.output
    with app.app_context():
        assert council_seal().fingerprint in shown.output


def test_a_document_is_sealed_from_inside_a_running_event_loop(app):
    """pyHanko's own wrappers start an event loop, which fails where one already runs
    (an async server worker; the browser driver in the tests)."""
    import asyncio

    async def inside_a_loop() -> bytes:
        return sealed_page(app)

    # In a thread of its own: the browser tests may leave a loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        pdf = thread.submit(asyncio.run, inside_a_loop()).result()
    with app.app_context():
        assert council_seal().check(pdf).passed
