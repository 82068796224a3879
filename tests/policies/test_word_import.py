"""Policies written in Word (issue 20, part 3): a real .docx becomes a draft to preview,
on the library page and from the command line; a bad file is refused and saves nothing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.policies.models import Policy, PolicySection, PolicyVersion
from portal.policies.parsing import parse_policy_text, render_markdown
from portal.policies.word import (
    MAX_FILE_BYTES,
    OLE_SIGNATURE,
    check_size,
    policy_text_from_file,
)
from portal.policies.word_numbering import number_paragraphs
from tests.factories import make_clerk, make_policy
from tests.policies.word_files import add_formatted, networking_policy, new_document, rezip, to_bytes

SECTIONS = ["1", "2", "2.1", "2.2"]
FORM = {
    "label": "2",
    "effective_date": "2026-06-01",
    "change_kind": "material",
    "change_summary": "Written again in Word",
    "adopted_minute": "",
    "review_due": "2027-06-01",
    "engagements": ["employee", "volunteer"],
    "body": "",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _sections(markdown: str) -> list[str]:
    return [s.id for s in parse_policy_text(markdown).sections]


# The conversion ----------------------------------------------------------------------


@pytest.mark.parametrize("auto_numbers", [True, False], ids=["numbered-by-word", "numbers-typed-in"])
def test_headings_become_numbered_sections_and_lists_and_emphasis_are_kept(auto_numbers):
    imported = policy_text_from_file("policy.docx", networking_policy(auto_numbers=auto_numbers))
    parsed = parse_policy_text(imported.markdown)
    assert parsed.title == "Social Media and Networking Policy"
    assert [(s.id, s.heading) for s in parsed.sections] == [
        ("1", "Purpose"),
        ("2", "Private use"),
        ("2.1", "Breaks"),
        ("2.2", "Confidential information"),
    ]
    assert imported.from_word and imported.lost_numbers == () and imported.notes() == []
    # Stored text parses back to itself, so editing the draft keeps the same sections.
    assert parsed.to_markdown() == imported.markdown
    breaks = render_markdown(parsed.section("2.1").body)
    # Word carries a numbered list on after a paragraph; so does the draft.
    assert "<li>In your breaks</li>\n<li>On designated equipment</li>" in breaks
    assert '<ol start="3">\n<li>Never say you are on holiday</li>' in breaks
    assert "<strong>social media</strong>" in render_markdown(parsed.section("1").body)
    confidential = render_markdown(parsed.section("2.2").body)
    assert "<em>Never</em> disclose" in confidential
    assert "<ul>\n<li>Staff records</li>\n<li>Supplier contracts</li>\n</ul>" in confidential


def test_headings_whose_numbers_cannot_be_recovered_are_named():
    imported = policy_text_from_file("policy.docx", networking_policy(defined=False))
    assert _sections(imported.markdown) == ["purpose", "private-use", "breaks", "confidential-information"]
    assert imported.lost_numbers == ("Purpose", "Private use", "Breaks", "Confidential information")
    [note] = imported.notes()
    assert "could not be read back" in note and "Purpose; Private use; Breaks" in note


def test_word_numbering_follows_words_counters_formats_and_restarts():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def para(text: str, num: str | None = None, ilvl: int = 0) -> str:
        numbering = f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>' if num else ""
        return f"<w:p><w:pPr>{numbering}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"

    numbering = f"""<w:numbering {w}>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/>
          <w:lvlText w:val="%1.%2.%3"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:numFmt w:val="ordinalText"/><w:lvlText w:val="%1"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/>
        <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
    </w:numbering>"""
    body = "".join(
        [
            para("Scope", "1"),
            para("Staff", "1", 1),
            para("Volunteers", "1", 1),
            para("Detail", "1", 2),
            para("Rules", "1"),
            para("Again", "1", 1),
            para("Not numbered"),
            para("Switched off", "0"),
            para("Restarted", "2"),
            para("In words", "3"),
            para("Undefined", "9"),
        ]
    )
    document = f"<w:document {w}><w:body>{body}</w:body></w:document>".encode()
    found = number_paragraphs(document, None, numbering.encode())
    assert [(p.text, p.label) for p in found] == [
        ("Scope", "III."),
        ("Staff", "(a)"),
        ("Volunteers", "(b)"),
        ("Detail", "3.2.1"),  # legal numbering writes every level in decimal
        ("Rules", "IV."),
        ("Again", "(a)"),  # a lower level starts again under a new higher one
        ("Not numbered", ""),
        ("Switched off", ""),
        ("Restarted", "I."),
        ("In words", None),
        ("Undefined", None),
    ]
    assert [p.numbered for p in found][-5:] == [False, False, True, True, True]


def test_headings_typed_in_a_document_without_heading_styles_become_sections():
    document = new_document("Email Policy")
    add_formatted(document, ("bold", "3.1 Using email"))
    document.add_paragraph("Use your council account for council business.")
    document.add_paragraph("PURPOSE")
    document.add_paragraph("Why it matters.")
    imported = policy_text_from_file("email.docx", to_bytes(document))
    parsed = parse_policy_text(imported.markdown)
    assert (parsed.title, [s.id for s in parsed.sections]) == ("Email Policy", ["3.1", "purpose"])


def test_a_body_line_that_looks_like_a_heading_stays_in_its_section():
    document = new_document()
    document.add_heading("Purpose", level=1)
    document.add_paragraph("FOI")
    document.add_paragraph("1. Short item typed by hand")
    document.add_paragraph("Short numbered item", style="List Number")
    imported = policy_text_from_file("policy.docx", to_bytes(document))
    parsed = parse_policy_text(imported.markdown)
    assert [s.id for s in parsed.sections] == ["purpose"]
    html = render_markdown(parsed.section("purpose").body)
    assert "<p>FOI</p>" in html and "<p>1. Short item typed by hand</p>" in html
    assert "<li>Short numbered item</li>" in html


def test_pictures_and_tables_are_mentioned():
    document = new_document()
    document.add_heading("Contacts", level=1)
    table = document.add_table(rows=2, cols=2)
    for row, (role, name) in enumerate([("Clerk", "Clara"), ("Mayor", "Max")]):
        table.cell(row, 0).text, table.cell(row, 1).text = role, name
    imported = policy_text_from_file("policy.docx", to_bytes(document))
    assert "Clerk | Clara\n\nMayor | Max" in imported.markdown
    assert imported.tables == 1 and "1 table was turned into lines" in imported.notes()[0]


# Bad files ------------------------------------------------------------------------------


def _ole(*streams: str) -> bytes:
    """The start of an OLE compound file, with its directory's stream names in UTF-16."""
    names = b"".join(name.encode("utf-16-le") + b"\0\0" for name in ("Root Entry", *streams))
    return OLE_SIGNATURE + b"\0" * 504 + names + b"\0" * 512


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (_ole("EncryptionInfo", "EncryptedPackage"), "password-protected, so it cannot be read"),
        (_ole("WordDocument", "1Table"), "old-style Word document (.doc). Open it in Word, save"),
        (_ole(), "password-protected or an old-style Word document"),
        (networking_policy()[:3000], "damaged or is not a Word document"),
        (b"PK\x03\x04" + b"\x00" * 200, "damaged or is not a Word document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "damaged or is not a Word document"),  # named .docx
        (rezip(networking_policy(), {"word/document.xml": b""}), "damaged or is not a Word document"),
        (b"", "The file is empty"),
    ],
    ids=["password", "doc", "ole", "truncated", "not-a-zip", "renamed", "empty-part", "empty"],
)
def test_a_bad_word_file_gets_a_clear_message(content, said):
    with pytest.raises(DomainError) as refused:
        policy_text_from_file("policy.docx", content)
    assert said in refused.value.message and refused.value.field == "document"


def test_a_zip_that_is_not_a_word_document_is_named_so():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DomainError, match="not a Word document: it has no document text"):
        policy_text_from_file("sheet.docx", out.getvalue())


def test_a_dtd_is_refused_before_any_entity_can_expand():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<lolz>&lol2;</lolz>"
    )
    with pytest.raises(DomainError, match="damaged"):
        policy_text_from_file("policy.docx", rezip(networking_policy(), {"word/numbering.xml": laughs}))


def test_zip_bombs_and_oversize_files_are_refused_before_unpacking():
    zeros = b"\0" * (21 * 1024 * 1024)
    with pytest.raises(DomainError, match="unpacks to more than 20 MB"):
        policy_text_from_file("bomb.docx", rezip(networking_policy(), {"word/media/zeros.bin": zeros}))
    packed = rezip(networking_policy(), {"word/media/zeros.bin": zeros[: 3 * 1024 * 1024]})
    assert len(packed) < 100_000
    with pytest.raises(DomainError, match="far more than its size"):
        policy_text_from_file("bomb.docx", packed)
    with pytest.raises(DomainError, match="larger than 10 MB"):
        check_size(MAX_FILE_BYTES + 1)


def test_text_files_still_work_and_binary_ones_are_refused():
    assert policy_text_from_file("policy.md", b"# T\n\n## 1 A\n\nText.\n").markdown.startswith("# T")
    with pytest.raises(DomainError, match="neither a Word document"):
        policy_text_from_file("policy.txt", b"\xff\xfe\x00\x81 not text")


# The library page -------------------------------------------------------------------------


def _upload(client, session, content: bytes, *, name: str = "policy.docx", edit: bool = False):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    url = f"/policies/{policy.slug}/versions/new"
    if edit:
        assert (
            client.post(url, {**FORM, "body": "# Test Policy\n\n## 1 Old\n\nOld text.\n"}).status_code == 302
        )
        draft = session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2"))
        url = f"/policies/{policy.slug}/versions/{draft.id}/edit"
    document = (io.BytesIO(content), name, DOCX)
    return client.post(url, {**FORM, "document": document}, content_type="multipart/form-data")


def _section_ids(session, label: str = "2") -> list[str]:
    session.expire_all()
    version_id = select(PolicyVersion.id).where(PolicyVersion.label == label).scalar_subquery()
    return list(
        session.scalars(
            select(PolicySection.section_id)
            .where(PolicySection.version_id == version_id)
            .order_by(PolicySection.position)
        )
    )


def _counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(PolicyVersion)),
        session.scalar(select(func.count()).select_from(PolicySection)),
        session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def test_the_draft_form_offers_a_word_upload(client, session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    page = client.get(f"/policies/{policy.slug}/versions/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    assert "Or upload the policy as a Word document (.docx)" in page and "At most 2 MB" in page


def test_a_clerk_uploads_a_word_document_and_previews_the_draft(client, session):
    response = _upload(client, session, networking_policy())
    assert response.status_code == 302, response.get_data(as_text=True)
    draft = session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2"))
    assert draft.status == "draft" and _section_ids(session) == SECTIONS
    event = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "policies.version_drafted")
        .order_by(AuditEvent.id.desc())
    )
    assert event.object_id == str(draft.id) and json.loads(event.details)["sections"] == SECTIONS
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Preview of draft" in preview and "2.1 Breaks" in preview and "<em>Never</em>" in preview
    assert "The draft has been saved" in preview and "could not be read back" not in preview


def test_the_preview_names_headings_that_lost_their_numbers(client, session):
    response = _upload(client, session, networking_policy(defined=False))
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "their numbers could not be read back" in preview
    assert "Purpose; Private use; Breaks; Confidential information" in preview


def test_uploading_to_a_draft_replaces_its_text(client, session):
    response = _upload(client, session, networking_policy(auto_numbers=False), edit=True)
    assert response.status_code == 302
    assert _section_ids(session) == SECTIONS


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (_ole("EncryptionInfo", "EncryptedPackage"), "password-protected"),
        (networking_policy()[:2000], "damaged or is not a Word document"),
        (to_bytes(new_document()), "In the uploaded file, no sections were found"),
    ],
    ids=["password", "corrupt", "no-sections"],
)
def test_a_bad_upload_is_shown_beside_the_file_and_saves_nothing(client, session, content, said):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    before = _counts(session)
    response = client.post(
        f"/policies/{policy.slug}/versions/new",
        {**FORM, "document": (io.BytesIO(content), "policy.docx", DOCX)},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in page and said in page
    assert 'href="#document"' in page
    assert _counts(session) == before


def test_text_or_a_file_is_needed(client, session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    page = client.post(f"/policies/{policy.slug}/versions/new", FORM).get_data(as_text=True)
    assert "Enter the text of the policy, or upload it as a Word document" in page


def test_an_upload_over_the_portals_limit_is_refused(client, session):
    response = _upload(client, session, b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert (
        session.scalar(select(func.count()).select_from(PolicyVersion).where(PolicyVersion.label == "2")) == 0
    )


# The command ------------------------------------------------------------------------------


def test_the_import_command_reads_a_word_document(app, session, tmp_path):
    file = tmp_path / "networking.docx"
    file.write_bytes(networking_policy())
    result = app.test_cli_runner().invoke(
        args=["policies", "import", str(file), "--slug", "networking", "--version", "2026.1", "--material"]
    )
    assert result.exit_code == 0, result.output
    assert "sections: 1, 2, 2.1, 2.2" in result.output and "note:" not in result.output
    policy = session.scalar(select(Policy).where(Policy.slug == "networking"))
    assert policy.title == "Social Media and Networking Policy"
    statuses = session.scalars(select(PolicyVersion.status).where(PolicyVersion.policy_id == policy.id))
    assert list(statuses) == ["draft"]


def test_the_import_command_names_lost_numbers_and_refuses_bad_files(app, session, tmp_path):
    lost = tmp_path / "lost.docx"
    lost.write_bytes(networking_policy(defined=False))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["policies", "import", str(lost), "--slug", "lost", "--version", "1"])
    assert result.exit_code == 0, result.output
    assert "note: Word numbered these headings itself" in result.output
    protected = tmp_path / "protected.docx"
    protected.write_bytes(_ole("EncryptionInfo", "EncryptedPackage"))
    result = runner.invoke(args=["policies", "import", str(protected), "--slug", "p", "--version", "1"])
    assert result.exit_code != 0
    assert "password-protected" in result.output and "Nothing was imported" in result.output
    assert session.scalar(select(func.count()).select_from(Policy).where(Policy.slug == "p")) == 0
