from __future__ import annotations

import io
import re
import zlib

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from portal.audit import personal
from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.documents.render import InlineOnlyURLFetcher, render_pdf_from_html
from portal.people.models import EngagementType, Role
from portal.policies.models import Acknowledgement, PaperScan, Receipt
from portal.policies.receipts import evidence_hash
from portal.policies.signing import STATEMENT, sha256
from tests.business_cases.helpers import pdf_text
from tests.factories import PASSWORD, POLICY_TEXT, add_version, make_clerk, make_person, make_policy
from tests.helpers import text_of


def _acks(session, **where):
    query = select(Acknowledgement).order_by(Acknowledgement.id)
    for key, value in where.items():
        query = query.where(getattr(Acknowledgement, key) == value)
    session.expire_all()
    return list(session.scalars(query))


def _sign_form(version, person, **overrides):
    form = {"version_id": str(version.id), "password": PASSWORD, "typed_name": person.name, "confirm": "y"}
    form.update(overrides)
    return form


@pytest.fixture
def council(session):
    clerk = make_clerk(session)
    person = make_person(session, name="Sam Starter", email="sam@council.example")
    policy, version = make_policy(session, clerk=clerk)
    return clerk, person, policy, version


def test_signing_records_the_evidence(client, session, council):
    _, person, policy, version = council
    client.sign_in_as(person)
    page = client.get(f"/policies/{policy.slug}")
    html = page.get_data(as_text=True)
    assert "Sections" in html and 'href="#section-3-2"' in html and "3.2 Private use" in html
    assert "may deal with the matter under its Disciplinary Policy" in html
    response = client.post(
        f"/policies/{policy.slug}/sign",
        _sign_form(version, person, typed_name="  sam   STARTER "),
        headers={"User-Agent": "Test Browser/1.0"},
    )
    assert response.status_code == 302
    [ack] = _acks(session)
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Policy signed" in confirmation and "Download your receipt" in confirmation
    assert (ack.kind, ack.method, ack.actor_id, ack.reauthenticated) == ("signed", "self", person.id, True)
    assert (ack.person_name, ack.person_email) == ("Sam Starter", "sam@council.example")
    assert (ack.version_label, ack.version_sha256) == ("1", version.content_sha256)
    assert ack.statement_text == STATEMENT.format(
        name="Sam Starter",
        title=policy.title,
        label="1",
        route="the council may deal with the matter under its Disciplinary Policy",
    )
    assert ack.statement_sha256 == sha256(ack.statement_text)
    assert ack.typed_name == "sam STARTER"
    assert personal.read(session, ack.user_agent) == "Test Browser/1.0"
    assert personal.read(session, ack.ip_address) == "127.0.0.1"
    assert "Test Browser" not in ack.user_agent and "127.0.0.1" not in ack.ip_address
    assert ack.first_viewed_at is not None and ack.first_viewed_at <= ack.recorded_at
    assert ack.evidence_sha256 == evidence_hash(ack)
    receipt = session.scalar(select(Receipt).where(Receipt.acknowledgement_id == ack.id))
    assert receipt.pdf.startswith(b"%PDF") and receipt.pdf_sha256 == sha256(receipt.pdf)
    assert session.scalar(select(func.count()).where(AuditEvent.action == "policies.signed")) == 1
    assert verify_chain(session).ok


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "wrong password"}, "Your password is not correct"),
        ({"typed_name": "Somebody Else"}, "Type your full name exactly as the council has it"),
        ({"confirm": ""}, "Tick the box to confirm the statement"),
    ],
)
def test_a_wrong_password_name_or_missing_tick_records_nothing(client, session, council, overrides, message):
    _, person, policy, version = council
    client.sign_in_as(person)
    response = client.post(f"/policies/{policy.slug}/sign", _sign_form(version, person, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _acks(session) == []
    assert session.scalar(select(func.count()).select_from(Receipt)) == 0


def _error_summary(html: str) -> list[str]:
    summary = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)]


def test_every_mistake_on_the_signing_form_shows_on_the_first_try_in_field_order(client, session, council):
    _, person, policy, version = council
    client.sign_in_as(person)
    empty = client.post(
        f"/policies/{policy.slug}/sign", _sign_form(version, person, confirm="", typed_name="", password="")
    )
    assert _error_summary(empty.get_data(as_text=True)) == [
        "Tick the box to confirm the statement",
        "Type your full name",
        "Enter your password",
    ]
    # The old form checked the tick only after the name: the box was reported on the second try.
    wrong = client.post(
        f"/policies/{policy.slug}/sign", _sign_form(version, person, confirm="", typed_name="Somebody Else")
    )
    assert _error_summary(wrong.get_data(as_text=True)) == [
        "Tick the box to confirm the statement",
        "Type your full name exactly as the council has it: Sam Starter",
    ]
    assert _acks(session) == []


def test_a_double_submit_records_one_acknowledgement(client, session, council):
    _, person, policy, version = council
    client.sign_in_as(person)
    first = client.post(f"/policies/{policy.slug}/sign", _sign_form(version, person))
    second = client.post(f"/policies/{policy.slug}/sign", _sign_form(version, person))
    assert first.status_code == 302 and second.status_code == 302
    assert len(_acks(session)) == 1


def test_the_database_refuses_two_records_with_the_same_number(session, council, sign_as):
    _, person, policy, _ = council
    ack = sign_as(person, policy)
    copy = {c.name: getattr(ack, c.name) for c in Acknowledgement.__table__.columns if c.name != "id"}
    session.add(Acknowledgement(**copy))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_signing_a_version_that_is_no_longer_current_is_refused(client, session, council):
    clerk, person, policy, old = council
    client.sign_in_as(person)
    client.get(f"/policies/{policy.slug}")
    add_version(session, clerk=clerk, policy=policy, label="2", text=POLICY_TEXT + "\nNew rule.\n")
    response = client.post(f"/policies/{policy.slug}/sign", _sign_form(old, person))
    assert "A newer version of this policy has been published" in response.get_data(as_text=True)
    assert _acks(session) == []


def test_a_policy_that_does_not_apply_cannot_be_signed(client, session):
    clerk = make_clerk(session)
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR)
    policy, version = make_policy(session, clerk=clerk, engagements=[EngagementType.EMPLOYEE])
    client.sign_in_as(councillor)
    response = client.post(f"/policies/{policy.slug}/sign", _sign_form(version, councillor))
    assert "does not apply to you" in response.get_data(as_text=True)
    assert _acks(session) == []


def test_the_home_page_lists_what_to_sign_and_then_clears(client, session, council):
    _, person, policy, version = council
    client.sign_in_as(person)
    home = client.get("/").get_data(as_text=True)
    assert "Read and sign the Test Policy" in home and "Due " in home
    client.post(f"/policies/{policy.slug}/sign", _sign_form(version, person))
    assert "Read and sign" not in client.get("/").get_data(as_text=True)


def test_declining_tells_the_clerk(client, another_client, session, council):
    clerk, person, policy, version = council
    client.sign_in_as(person)
    empty = client.post(f"/policies/{policy.slug}/decline", {"version_id": str(version.id), "reason": ""})
    assert "Say why you are not signing" in empty.get_data(as_text=True)
    response = client.post(
        f"/policies/{policy.slug}/decline", {"version_id": str(version.id), "reason": "I disagree"}
    )
    assert response.status_code == 302
    [ack] = _acks(session)
    assert (ack.kind, ack.reason) == ("declined", "I disagree")
    another_client.sign_in_as(clerk)
    assert "1 person has declined to sign a policy" in another_client.get("/").get_data(as_text=True)
    declined = another_client.get("/policies/status?status=declined").get_data(as_text=True)
    assert "Sam Starter" in declined and "Declined" in declined


def test_the_clerk_signs_on_behalf_with_a_reason(client, session, council):
    clerk, person, policy, _ = council
    client.sign_in_as(clerk)
    no_reason = client.post(
        f"/policies/{policy.slug}/on-behalf",
        {"person_email": person.email, "reason": "", "password": PASSWORD},
    )
    assert "Write the reason" in no_reason.get_data(as_text=True)
    response = client.post(
        f"/policies/{policy.slug}/on-behalf",
        {
            "person_email": person.email,
            "reason": "Signed the printed copy while on sick leave",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    [ack] = _acks(session)
    assert (ack.method, ack.actor_id, ack.person_id) == ("on_behalf", clerk.id, person.id)
    assert ack.reason == "Signed the printed copy while on sick leave"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "policies.signed"))
    assert (event.actor_id, event.on_behalf_of_id) == (clerk.id, person.id)


def test_the_clerk_records_a_witnessed_paper_form_with_its_scan(client, session):
    clerk = make_clerk(session)
    volunteer = make_person(
        session, name="Vera Volunteer", engagement=EngagementType.VOLUNTEER, with_password=False
    )
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    form = {
        "person_email": volunteer.email,
        "witness_name": "Wendy Witness",
        "signed_on": "2026-11-20",
        "password": PASSWORD,
    }
    missing_scan = client.post(f"/policies/{policy.slug}/paper", form, content_type="multipart/form-data")
    assert "Choose the scan" in missing_scan.get_data(as_text=True)
    wrong_type = client.post(
        f"/policies/{policy.slug}/paper",
        {**form, "scan": (io.BytesIO(b"hello"), "scan.txt", "text/plain")},
        content_type="multipart/form-data",
    )
    assert "must be a PDF, JPEG or PNG" in wrong_type.get_data(as_text=True)
    response = client.post(
        f"/policies/{policy.slug}/paper",
        {**form, "scan": (io.BytesIO(b"%PDF-1.4 scanned form"), "form.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [ack] = _acks(session)
    assert (ack.method, ack.witness_name) == ("witnessed_paper", "Wendy Witness")
    scan = session.scalar(select(PaperScan).where(PaperScan.acknowledgement_id == ack.id))
    assert scan.content == b"%PDF-1.4 scanned form" and scan.sha256 == sha256(scan.content)


def test_only_the_clerk_records_for_others(client, session, council):
    _, person, policy, _ = council
    hr = make_person(session, roles={Role.HR})
    client.sign_in_as(hr)
    assert client.get(f"/policies/{policy.slug}/on-behalf").status_code == 403
    assert client.post(f"/policies/{policy.slug}/paper").status_code == 403


def _pdfa_identity(pdf: bytes) -> tuple[str, str] | None:
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            data = match.group(1)
        found = re.search(rb'pdfaid:part="(\d)" pdfaid:conformance="(\w)"', data)
        if found:
            return found.group(1).decode(), found.group(2).decode()
    return None


def test_the_receipt_is_pdfa_3b_and_only_its_owner_or_the_clerk_can_download_it(
    client, session, council, sign_as
):
    clerk, person, policy, _ = council
    ack = sign_as(person, policy)
    client.sign_in_as(person)
    response = client.get(f"/policies/receipts/{ack.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert _pdfa_identity(response.data) == ("3", "B")
    words = pdf_text(response.data)
    receipt = session.scalar(select(Receipt).where(Receipt.acknowledgement_id == ack.id))
    for evidence in (
        "Sam Starter (sam@council.example)",
        f"Policy: {policy.title}, version {ack.version_label}",
        f"Text SHA-256: {ack.version_sha256}",
        "How it was signed: Signed online by the person (password re-entered: yes)",
        f"Record SHA-256: {ack.evidence_sha256}",
        f"Verification code {receipt.code}",
        " ".join(ack.statement_text.split()),
    ):
        assert evidence in words
    stranger = client.another_browser()
    stranger.sign_in_as(make_person(session))
    assert stranger.get(f"/policies/receipts/{ack.id}.pdf").status_code == 404
    assert stranger.get("/policies/receipts/999999.pdf").status_code == 404
    clerk_browser = client.another_browser()
    clerk_browser.sign_in_as(clerk)
    assert clerk_browser.get(f"/policies/receipts/{ack.id}.pdf").data == response.data


def test_a_receipt_is_verified_by_code_and_by_upload(client, session, council, sign_as):
    _, person, policy, _ = council
    ack = sign_as(person, policy)
    receipt = session.scalar(select(Receipt).where(Receipt.acknowledgement_id == ack.id))
    by_code = client.get(f"/receipts/verify?code={receipt.code.lower().replace('-', ' ')}").get_data(
        as_text=True
    )
    assert "This receipt is genuine" in by_code and "Sam Starter" in by_code
    assert "127.0.0.1" not in by_code  # nothing beyond what the receipt page shows is needed here
    upload = client.post(
        "/receipts/verify",
        {"receipt": (io.BytesIO(receipt.pdf), "receipt.pdf")},
        content_type="multipart/form-data",
    )
    page = text_of(upload.get_data(as_text=True))
    assert "This receipt is genuine" in page
    assert "Signed with the council's certificate Yes, Ashcombe Town Council" in page
    assert "Unchanged since it was signed Yes" in page and "Matches the council's record Yes" in page
    forged = client.post(
        "/receipts/verify",
        {"receipt": (io.BytesIO(receipt.pdf + b"\n%edited"), "receipt.pdf")},
        content_type="multipart/form-data",
    )
    page = text_of(forged.get_data(as_text=True))
    assert "No receipt matches" in page
    assert "Signed with the council's certificate Yes" in page
    assert "Unchanged since it was signed No" in page and "Matches the council's record No" in page
    unsigned = client.post(
        "/receipts/verify",
        {"receipt": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "receipt.pdf")},
        content_type="multipart/form-data",
    )
    assert "No, the file carries no signature" in text_of(unsigned.get_data(as_text=True))
    assert "No receipt matches" in client.get("/receipts/verify?code=AAAA-BBBB-CCCC").get_data(as_text=True)


def test_a_receipt_whose_record_was_tampered_with_no_longer_matches(
    client, session, database_url, council, sign_as
):
    _, person, policy, _ = council
    ack = sign_as(person, policy)
    code = session.scalar(select(Receipt.code).where(Receipt.acknowledgement_id == ack.id))
    session.commit()
    engine = create_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text("UPDATE acknowledgements SET typed_name = 'Someone Else'"))
    engine.dispose()
    html = client.get(f"/receipts/verify?code={code}").get_data(as_text=True)
    assert "does not match the council's record" in html


def _forge_acknowledgement(session, database_url, ack_id, *, strip_seal=False, **changes):
    """Edit a record and recompute its plain SHA-256, as a database superuser could
    (on PostgreSQL the replica role gets past the append-only triggers)."""
    session.expire_all()
    ack = session.get(Acknowledgement, ack_id)
    for name, value in changes.items():
        setattr(ack, name, value)
    forged_hash = evidence_hash(ack)
    session.rollback()
    assignments = ", ".join(f"{name} = :{name}" for name in changes)
    seal = ", seal = NULL, seal_key_id = NULL" if strip_seal else ""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(
            text(
                f"UPDATE acknowledgements SET {assignments}, evidence_sha256 = :forged{seal} WHERE id = :id"
            ),
            {**changes, "forged": forged_hash, "id": ack_id},
        )
    engine.dispose()
    session.expire_all()
    return forged_hash


@pytest.mark.parametrize("strip_seal", [False, True], ids=["rehashed", "rehashed-and-seal-stripped"])
def test_an_edited_and_rehashed_record_fails_its_keyed_seal(
    app, client, session, database_url, council, sign_as, strip_seal
):
    _, person, policy, _ = council
    ack = sign_as(person, policy)
    assert ack.seal_key_id == "dev" and ack.seal_problem() is None
    receipt = session.scalar(select(Receipt).where(Receipt.acknowledgement_id == ack.id))
    code, pdf, ack_id = receipt.code, receipt.pdf, ack.id
    session.commit()
    forged = _forge_acknowledgement(
        session,
        database_url,
        ack_id,
        strip_seal=strip_seal,
        person_name="Someone Else",
        typed_name="Someone Else",
    )
    assert session.get(Acknowledgement, ack_id).evidence_sha256 == forged  # the plain hash fits again
    session.commit()
    by_code = client.get(f"/receipts/verify?code={code}").get_data(as_text=True)
    assert "does not match the council's record" in by_code
    upload = client.post(
        "/receipts/verify", {"receipt": (io.BytesIO(pdf), "receipt.pdf")}, content_type="multipart/form-data"
    )
    assert "does not match the council's record" in upload.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"evidence record acknowledgements {ack_id}" in result.output


def test_postgres_refuses_to_change_acknowledgements(session, database_url, council, sign_as):
    if not database_url.startswith("postgresql"):
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    _, person, policy, _ = council
    sign_as(person, policy)
    engine = create_engine(database_url)
    for statement in ("UPDATE acknowledgements SET typed_name = 'x'", "DELETE FROM receipts"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()


def test_the_pdf_renderer_refuses_files_and_remote_urls():
    fetcher = InlineOnlyURLFetcher()
    pdf = render_pdf_from_html(
        '<html><head><title>x</title><link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png">'
        '<img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=">'
        "</body></html>",
        fetcher=fetcher,
    )
    assert pdf.startswith(b"%PDF")
    assert list(fetcher.refused) == ["file:///etc/passwd", "file:///etc/hostname", "http://127.0.0.1:9/x.png"]


def test_a_name_typed_into_a_receipt_cannot_pull_in_files(client, session, monkeypatch):
    fetched = []
    original = InlineOnlyURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(InlineOnlyURLFetcher, "fetch", spy)
    clerk = make_clerk(session)
    sneaky = make_person(session, name='<img src="file:///etc/passwd">')
    policy, version = make_policy(session, clerk=clerk)
    client.sign_in_as(sneaky)
    assert client.post(f"/policies/{policy.slug}/sign", _sign_form(version, sneaky)).status_code == 302
    [ack] = _acks(session)
    assert session.scalar(select(Receipt).where(Receipt.acknowledgement_id == ack.id)) is not None
    assert fetched and all(url.startswith("data:") for url in fetched)  # only the QR code was loaded


def test_the_clerk_withdraws_a_signature_as_a_new_record(client, session, council, sign_as):
    clerk, person, policy, _ = council
    ack = sign_as(person, policy)
    client.sign_in_as(clerk)
    assert (
        client.post(
            f"/policies/acknowledgements/{ack.id}/withdraw", {"reason": "Recorded in error"}
        ).status_code
        == 302
    )
    records = _acks(session, person_id=person.id)
    assert [(r.kind, r.record_number) for r in records] == [("signed", 1), ("withdrawn", 2)]
    again = client.post(f"/policies/acknowledgements/{ack.id}/withdraw", {"reason": "twice"})
    assert "already been withdrawn" in again.get_data(as_text=True)
