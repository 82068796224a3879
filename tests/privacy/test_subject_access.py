"""The subject access export: everything held about one person, other people marked."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from portal.audit.forgetting import readable
from portal.audit.models import AuditEvent
from portal.people.models import Role
from tests.business_cases.helpers import complete_case, pdf_text
from tests.conduct.helpers import only_case, open_case
from tests.factories import make_department, make_person


def _prepare(app, client, session, staff, sign_as):
    sign_as(staff.subject, staff.policy)
    with app.app_context():
        department = make_department(session, name="Library")
        author = make_person(session, name="Lena Library", roles={Role.MANAGER}, department=department)
        complete_case(session, author, department, [staff.subject, staff.officer])
        session.commit()
    client.sign_in_as(staff.hr)
    open_case(client, staff, allegation="Shared a screenshot; Ivan Investigator saw it first.")
    case_id = only_case(session).id
    client.post(
        f"/conduct/{case_id}/meetings",
        {
            "meeting-held_on": date.today().isoformat(),
            "meeting-title": "Interview",
            "meeting-notes": "Notes.",
        },
    )


def test_hr_exports_everything_held_about_a_person_as_json(app, client, session, staff, sign_as):
    _prepare(app, client, session, staff, sign_as)
    response = client.get(f"/privacy/subject-access/{staff.subject.id}.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    content = json.loads(response.data)
    assert content["profile"]["email"] == staff.subject.email
    assert content["profile"]["line_manager"] == staff.manager.name
    assert [a["record"] for a in content["acknowledgements"]] == ["signed"] and content["acknowledgements"][
        0
    ]["receipt"]
    assert content["business_cases"][0]["parts"] == ["cover", "moderator"]
    (record,) = content["disciplinary_records"]
    assert (
        record["allegation"].startswith("Shared a screenshot") and record["meetings"][0]["notes"] == "Notes."
    )
    mentions = {m["name"]: m["where"] for m in content["third_parties_to_consider_redacting"]}
    assert mentions == {"Ivan Investigator": ["disciplinary_records[0].allegation"]}
    exported = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.subject_access_exported")
    )
    assert [readable(session, e.details)["format"] for e in exported] == ["json"]


def test_the_pdf_marks_other_peoples_names(app, client, session, staff, sign_as):
    _prepare(app, client, session, staff, sign_as)
    response = client.get(f"/privacy/subject-access/{staff.subject.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    words = pdf_text(response.data)
    assert "Personal data held about Sam Subject" in words
    assert "Other people named" in words and "Ivan Investigator" in words
    page = client.get(f"/privacy/subject-access/{staff.subject.id}").get_data(as_text=True)
    assert "Ivan Investigator (1 place)" in page


def test_finding_a_person_by_email(client, session, staff):
    client.sign_in_as(staff.hr)
    unknown = client.get("/privacy/subject-access?email=nobody%40council.example")
    assert "There is nobody with that email address" in unknown.get_data(as_text=True)
    found = client.get(f"/privacy/subject-access?email={staff.subject.email}")
    assert found.status_code == 302 and found.headers["Location"].endswith(
        f"/privacy/subject-access/{staff.subject.id}"
    )


def test_only_hr_can_export(client, session, staff):
    for who in ("clerk", "admin", "manager", "subject", "mayor"):
        client.sign_in_as(getattr(staff, who))
        assert client.get(f"/privacy/subject-access/{staff.subject.id}.json").status_code == 403, who


def test_the_export_holds_the_hearing_the_warning_and_the_letters_sent(app, client, session, staff, sign_as):
    """The ACAS process's own records (the hearing, the improvement asked for, the letters)
    are the person's data as much as the allegation (UK GDPR Article 15)."""
    from tests.conduct.helpers import decide

    _prepare(app, client, session, staff, sign_as)
    case_id = only_case(session).id
    assert decide(client, staff, case_id, "first_written").status_code == 302
    content = json.loads(client.get(f"/privacy/subject-access/{staff.subject.id}.json").data)
    (record,) = content["disciplinary_records"]
    assert record["hearing_place"] == "Committee Room, Town Hall" and record["hearing_time"] == "10:30"
    assert record["improvement_needed"] == "Post nothing about residents on personal accounts."
    assert record["possible_outcome"] == "Dismissal" and record["outcome_stage"] == "First written warning"
    letters = only_case(session).letters
    assert [(entry["letter"], entry["sha256"]) for entry in record["letters"]] == [
        (letter.label, letter.sha256) for letter in letters
    ]
    assert len(letters) == 2
