"""A paper form's scan is accepted for what its content is (PDF, PNG or JPEG), never for
its name or declared type, and the uploaded name is never kept as a path."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from portal.errors import DomainError
from portal.people.models import EngagementType
from portal.policies.models import PaperScan
from portal.policies.scans import check_scan
from tests.factories import PASSWORD, make_clerk, make_person, make_policy

PDF = b"%PDF-1.7\n% a scanned form"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
NOT_SCANS = [
    b"<html><script>alert(1)</script></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b"GIF89a\x01\x00",
    b"MZ\x90\x00 a Windows program",
    b"PK\x03\x04 a zip or Word file",
    b" %PDF-1.7 not at the start",
]


@pytest.mark.parametrize(
    ("content", "kind", "extension"),
    [(PDF, "application/pdf", ".pdf"), (PNG, "image/png", ".png"), (JPEG, "image/jpeg", ".jpg")],
)
def test_a_scan_is_known_by_its_content(content, kind, extension):
    checked = check_scan("form.txt", content)
    assert (checked.content_type, checked.filename, checked.content) == (kind, "form" + extension, content)


@pytest.mark.parametrize("content", NOT_SCANS)
def test_anything_else_is_refused_whatever_its_name(content):
    with pytest.raises(DomainError, match="must be a PDF, JPEG or PNG"):
        check_scan("form.pdf", content)


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd", "etc_passwd.pdf"),
        ("..\\..\\windows\\win.ini", "windowswin.pdf"),
        ("/var/lib/portal/form.pdf", "var_lib_portal_form.pdf"),
        ("form.pdf.exe", "form.pdf.pdf"),
        ("..", "scan.pdf"),
        ("", "scan.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
)
def test_the_uploaded_name_is_only_a_safe_label(name, kept):
    assert check_scan(name, PDF).filename == kept


def _paper_form(client, session, scan):
    clerk = make_clerk(session)
    volunteer = make_person(session, engagement=EngagementType.VOLUNTEER, with_password=False)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    form = {
        "person_email": volunteer.email,
        "witness_name": "Wendy Witness",
        "signed_on": "2026-11-20",
        "password": PASSWORD,
        "scan": scan,
    }
    return client.post(f"/policies/{policy.slug}/paper", form, content_type="multipart/form-data")


def test_a_web_page_sent_as_a_pdf_is_refused(client, session):
    page = b"<html><body onload=alert(1)>Signed</body></html>"
    response = _paper_form(client, session, (io.BytesIO(page), "form.pdf", "application/pdf"))
    assert "must be a PDF, JPEG or PNG" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(PaperScan)) == 0


def test_a_real_png_is_kept_with_its_real_type_and_a_safe_name(client, session):
    response = _paper_form(client, session, (io.BytesIO(PNG), "../../portal/evil.exe", "text/plain"))
    assert response.status_code == 302
    scan = session.scalar(select(PaperScan))
    assert (scan.content_type, scan.filename, scan.content) == ("image/png", "portal_evil.png", PNG)
