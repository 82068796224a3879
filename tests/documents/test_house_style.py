"""One house style for every PDF the portal makes (styles/house.css): each document, and its
page-number footer, is set in Liberation Sans alone. A footer is a page margin box, which
does not inherit the body's font, so without a face of its own it came out in a serif."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlalchemy import select

from portal.authorisations.models import AuthorisationIssue
from portal.business_cases.models import CaseDecision
from portal.conduct.models import CaseLetter, EvidencePack
from portal.conduct.service import (
    Appeal,
    AppealHearing,
    Hearers,
    Outcome,
    get_case,
    record_appeal,
    record_appeal_hearing,
    record_outcome,
)
from portal.documents.render import render_pdf_from_html
from portal.policies.models import Receipt
from portal.privacy.service import export_pdf, person_to_export
from tests.everything import one_of_everything
from tests.factories import make_person

# Liberation Sans in any of its four faces, and nothing else: no other sans, and no serif
# (DejaVu Serif, Liberation Serif, Times), which is what an unstyled footer falls back to.
HOUSE_FACE = re.compile(r"Liberation-Sans(-Bold|-Italic|-BoldItalic)?")
FOOTER = re.compile(r"Page \d+ of \d+")

PAGE = (
    "<html><head><title>x</title></head><body><p class='council'>Ashcombe Town Council</p>"
    "<h1>Heading</h1><p>Text with <strong>emphasis</strong>.</p>"
    "<table><tr><th scope='row'>Row</th><td>Cell</td></tr></table></body></html>"
)


def _face(font: Any) -> str:
    """A font's name without the subset tag ("ABCDEF+")."""
    return str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1]


def _fonts_in(resources: Any, seen: set[int]) -> Iterator[str]:
    """Every font a page draws with: its own, and those of the forms and patterns it uses
    (an inline SVG, such as the heat map, is drawn as a form)."""
    resources = resources.get_object()
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return
    seen.add(id(resources))
    for font in (resources.get("/Font") or {}).values():
        yield _face(font)
    for kind in ("/XObject", "/Pattern"):
        for item in (resources.get(kind) or {}).values():
            item = item.get_object()
            if "/Resources" in item:
                yield from _fonts_in(item["/Resources"], seen)


def faces(pdf: bytes) -> set[str]:
    seen: set[int] = set()
    return {name for page in PdfReader(io.BytesIO(pdf)).pages for name in _fonts_in(page["/Resources"], seen)}


def footer_faces(pdf: bytes) -> set[str]:
    """The faces the "Page n of m" footer is drawn in, on every page (each page must have one)."""
    found: set[str] = set()
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        drawn: list[str] = []

        def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any, drawn: list[str] = drawn) -> None:
            if font is not None and FOOTER.search(text):
                drawn.append(_face(font))

        page.extract_text(visitor_text=visit)
        assert drawn, f"no page number on page {number}"
        found.update(drawn)
    return found


def assert_house_style(name: str, pdf: bytes) -> None:
    used = faces(pdf)
    assert used, f"{name}: no fonts embedded"
    others = {face for face in used if not HOUSE_FACE.fullmatch(face)}
    assert not others, f"{name} uses {sorted(others)} besides Liberation Sans"
    footer = footer_faces(pdf)
    assert footer and all(HOUSE_FACE.fullmatch(face) for face in footer), f"{name}'s footer: {footer}"


@pytest.mark.parametrize("stylesheet", [None, "receipt", "letter", "report"])
def test_every_stylesheet_sets_the_text_and_the_footer_in_the_house_face(stylesheet):
    assert_house_style(
        f"a page with {stylesheet or 'no'} stylesheet", render_pdf_from_html(PAGE, stylesheet=stylesheet)
    )


def _outcome_and_appeal_letters(app, session, case_id: int, clerk) -> tuple[bytes, bytes]:
    """The two letters after the invitation: a first written warning, and its appeal heard
    by someone not involved before."""
    # As the pages load it: relations are never loaded lazily (lazy='raise').
    case = get_case(session, case_id)
    today = date.today()
    with app.app_context():
        record_outcome(
            session,
            clerk,
            case,
            Outcome(
                stage="first_written",
                outcome="A first written warning.",
                reasons="The post named a resident.",
                decided_on=today,
                companion_kind="colleague",
                companion_name="Cat Colleague",
                improvement_needed="Ask the Clerk before posting about residents.",
                improvement_by=today + timedelta(days=30),
            ),
        )
        record_appeal(session, clerk, case, Appeal(lodged_on=today, late_reason=""))
        record_appeal_hearing(
            session,
            clerk,
            case,
            AppealHearing(
                heard_on=today,
                hearers=Hearers("officer", [make_person(session, name="Appeal Officer")]),
                companion_kind="",
                companion_name="",
                outcome="The warning stands.",
                result="upheld",
            ),
        )
    letters = {letter.kind: letter.pdf for letter in case.letters}
    session.commit()  # the pages asked for next read the database in sessions of their own
    return letters["outcome"], letters["appeal_outcome"]


# Fonts do not depend on the database, and making one of everything is slow: SQLite only.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_kind_of_pdf_is_in_the_house_face_footer_included(app, session, client):
    everything = one_of_everything(app, session)
    clerk = everything.clerk
    documents: dict[str, bytes | None] = {
        "receipt": session.scalars(select(Receipt.pdf)).first(),
        "authorisation letter": session.scalars(select(AuthorisationIssue.letter_pdf)).first(),
        "business case decision letter": session.scalars(select(CaseDecision.letter_pdf)).first(),
        "evidence pack": session.scalars(select(EvidencePack.pdf)).first(),
        "disciplinary invitation": session.scalars(select(CaseLetter.pdf)).first(),
    }
    documents["disciplinary outcome"], documents["appeal outcome"] = _outcome_and_appeal_letters(
        app, session, everything.ids["dc"], clerk
    )
    with app.test_request_context():
        documents["subject access export"] = export_pdf(
            session, clerk, person_to_export(session, everything.subject.id)
        )
    client.sign_in_as(clerk)
    documents["compliance report"] = client.get("/reports/overview.pdf").data
    documents["business case"] = client.get(
        f"/business-cases/{everything.ids['bc_submitted']}/submissions/1/case.pdf"
    ).data

    for name, pdf in documents.items():
        assert pdf is not None and pdf.startswith(b"%PDF"), name
        assert_house_style(name, pdf)
