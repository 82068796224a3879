"""Need-to-know in the audit trail and the outbox (issue 15, section 2).

Three disciplinary cases (about an employee, about the Town Clerk, about an HR officer)
and a subject access export, each with the events a real case has: opened, a meeting,
notes shared (which emails the subject), the subject reading it, a legal hold. Then
every role looks at the audit trail and the outbox.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from portal.audit.forgetting import readable
from portal.audit.models import AuditEvent
from portal.audit.service import record as audit_record
from portal.conduct.models import CaseMeeting, DisciplinaryCase, LegalHold
from portal.people.models import Person, Role
from portal.privacy.models import SubjectAccessReference
from tests.conduct.conftest import Staff
from tests.conduct.helpers import open_case
from tests.factories import make_person

HOLD_REASON = "Tribunal claim lodged by the employee's solicitor"
LIFT_REASON = "Claim settled at conciliation"
ALLEGATION = "Shared a screenshot of a resident's complaint in a group chat."
NOTES = "Interview notes: admitted sharing the screenshot."

HANA = "hr officer who is a subject"
# Who sees each record's events in full; everyone else with the audit trail sees them hidden.
IN_FULL = {
    "employee": {"hr", "town_clerk", HANA},
    "town clerk": {"hr", HANA},  # not the Clerk herself
    "hr officer": {"hr", "town_clerk"},  # not the HR officer herself
    "export": {"hr", "town_clerk", HANA},
}


@dataclass
class Record:
    label: str
    subject: Person
    opener: Person
    reference: str  # the printed DC-… reference ("" for a subject access export)
    record_id: int  # the database id (the person's id for an export)
    token: str  # the opaque audit reference
    events: int
    shown_in_full: str  # a text only a row shown in full carries


@dataclass
class World:
    records: list[Record]
    viewers: dict[str, Person]


def _cells(page: str) -> list[list[str]]:
    """The audit or outbox table's rows, as the plain text of their cells."""
    body = page.split('<tbody class="govuk-table__body">', 1)[-1].split("</tbody>", 1)[0]
    return [
        [
            html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))).strip()
            for cell in row.split("</td>")[:-1]
        ]
        for row in body.split('<tr class="govuk-table__row">')[1:]
    ]


def _rows(page: str) -> list[str]:
    return [" | ".join(cells) for cells in _cells(page)]


def _case(client, session, staff, *, subject, opener, label) -> Record:
    client.sign_in_as(opener)
    assert open_case(client, staff, subject=subject, allegation=ALLEGATION).status_code == 302
    session.expire_all()
    case = session.scalar(select(DisciplinaryCase).where(DisciplinaryCase.subject_id == subject.id))
    client.post(
        f"/conduct/{case.id}/meetings",
        {"meeting-held_on": date.today().isoformat(), "meeting-title": "Interview", "meeting-notes": NOTES},
    )
    meeting = session.scalar(select(CaseMeeting).where(CaseMeeting.case_id == case.id))
    client.post(f"/conduct/{case.id}/meetings/{meeting.id}/share")
    client.post(f"/conduct/{case.id}/hold", {"hold-reason": HOLD_REASON})
    client.post(f"/conduct/{case.id}/hold/lift", {"hold-reason": LIFT_REASON})
    client.sign_in_as(subject)
    assert client.get(f"/conduct/{case.id}").status_code == 200  # the subject reads it
    session.expire_all()
    case = session.get(DisciplinaryCase, case.id)
    return Record(label, subject, opener, case.reference, case.id, case.audit_reference, 6, subject.name)


@pytest.fixture
def world(client, session, staff: Staff) -> World:
    hana = make_person(session, name="Hana Human-Resources", email="hana@council.example", roles={Role.HR})
    records = [
        _case(client, session, staff, subject=staff.subject, opener=staff.hr, label="employee"),
        _case(client, session, staff, subject=staff.clerk, opener=staff.hr, label="town clerk"),
        _case(client, session, staff, subject=hana, opener=staff.clerk, label="hr officer"),
    ]
    client.sign_in_as(staff.hr)
    assert client.get(f"/privacy/subject-access/{staff.subject.id}.json").status_code == 200
    session.expire_all()
    token = session.get(SubjectAccessReference, staff.subject.id).audit_reference
    records.append(
        Record(
            "export",
            staff.subject,
            staff.hr,
            "",
            staff.subject.id,
            token,
            1,
            f"person_id: {staff.subject.id}",
        )
    )
    viewers = {
        "staff": make_person(session, name="Stan Staff"),
        "manager": staff.manager,
        "administrator": staff.admin,
        "deputy_clerk": staff.deputy,
        "mayor": staff.mayor,
        "hr": staff.hr,
        "town_clerk": staff.clerk,
        HANA: hana,
    }
    return World(records, viewers)


READS_THE_TRAIL = {"administrator", "hr", "town_clerk", HANA}


def test_each_role_sees_only_what_it_needs_to_know_in_the_audit_trail(client, world):
    for role, viewer in world.viewers.items():
        client.sign_in_as(viewer)
        response = client.get("/audit")
        if role not in READS_THE_TRAIL:
            assert response.status_code == 403, role
            continue
        page = response.get_data(as_text=True)
        assert "events found" in page and "Next" not in page  # everything is on one page
        for record in world.records:
            mine = [cells for cells in _cells(page) if record.token in cells[3]]
            assert len(mine) == record.events, (role, record.label)
            text = [" | ".join(cells) for cells in mine]
            if role in IN_FULL[record.label]:
                assert any(record.shown_in_full in row for row in text), (role, record.label)
                assert any(record.opener.name in cells[1] for cells in mine), (role, record.label)
                assert all("127.0.0.1" in cells[0] for cells in mine if cells[1] != "The system")
            else:
                for cells, row in zip(mine, text, strict=True):
                    assert cells[1] == "Not shown", (role, record.label, row)
                    assert record.shown_in_full not in row and record.opener.name not in row, (role, row)
                    assert record.subject.name not in row and "127.0.0.1" not in row, (role, row)
                    assert cells[3] == f"{cells[3].split()[0]} {record.token}", (role, row)
                    assert cells[4] == "Shown only to those who need to know", (role, row)
                if record.reference:
                    assert record.reference not in page, (role, record.label)
        # Reasons, notes and allegations never reach the trail, whoever reads it.
        for text in (HOLD_REASON, LIFT_REASON, ALLEGATION, NOTES):
            assert text not in html.unescape(page), (role, text)


def test_the_audit_trail_holds_ids_not_free_text_and_the_feature_keeps_the_text(session, world):
    stored = list(session.scalars(select(AuditEvent.details)))
    # Opened with the records' keys: even the encrypted details hold no free text.
    details = [readable(session, d) for d in stored]
    text = json.dumps(details, ensure_ascii=False) + "".join(stored)
    for words in (HOLD_REASON, LIFT_REASON, ALLEGATION, NOTES):
        assert words not in text
    hold_events = [d for d in details if "hold_id" in d]
    assert len(hold_events) == 6
    holds = session.scalars(select(LegalHold)).all()
    assert {(h.reason, h.lift_reason) for h in holds} == {(HOLD_REASON, LIFT_REASON)}
    assert all(h.placed_by_id and h.lifted_by_id and h.lifted_at for h in holds)


def test_a_filter_by_record_number_does_not_uncover_a_case(client, world):
    client.sign_in_as(world.viewers["administrator"])
    for record in world.records:
        for query in (
            f"object_id={record.record_id}",
            f"object_type=disciplinary_case&object_id={record.record_id}",
            f"object_type=person&object_id={record.record_id}",
        ):
            rows = _rows(client.get(f"/audit?{query}").get_data(as_text=True))
            assert not [r for r in rows if "conduct." in r or "privacy." in r], (record.label, query)
        # The opaque reference finds the record's events, still hidden.
        rows = _rows(client.get(f"/audit?object_id={record.token}").get_data(as_text=True))
        assert len(rows) == record.events and all("Not shown" in row for row in rows), record.label
    # HR finds a case by its reference, in full.
    client.sign_in_as(world.viewers["hr"])
    employee = world.records[0]
    rows = _rows(client.get(f"/audit?object_id={employee.token}").get_data(as_text=True))
    assert len(rows) == employee.events and not any("Not shown" in row for row in rows)


def test_events_from_before_audit_references_are_hidden_and_not_found_by_id(client, session, world):
    """Events written before revision 0011 stored the case's or the person's id."""
    employee, export = world.records[0], world.records[3]
    audit_record(
        session,
        actor=employee.subject,
        action="conduct.case_viewed_by_subject",
        object_type="disciplinary_case",
        object_id=employee.record_id,
    )
    audit_record(
        session,
        actor=world.viewers["hr"],
        action="privacy.subject_access_exported",
        object_type="person",
        object_id=export.record_id,
        details={"format": "pdf"},
    )
    session.commit()
    client.sign_in_as(world.viewers["administrator"])
    for query in (f"object_id={employee.record_id}", f"object_type=person&object_id={export.record_id}"):
        rows = _rows(client.get(f"/audit?{query}").get_data(as_text=True))
        assert not [r for r in rows if "conduct." in r or "privacy." in r], query
    for found in (employee, export):
        rows = _rows(client.get(f"/audit?object_id={found.token}").get_data(as_text=True))
        assert len(rows) == found.events + 1 and all("Not shown" in row for row in rows), found.label
        assert not any(found.subject.name in row for row in rows)
    client.sign_in_as(world.viewers["hr"])
    query = f"object_type=disciplinary_case&object_id={employee.record_id}"
    rows = _rows(client.get(f"/audit?{query}").get_data(as_text=True))
    assert len(rows) == 1 and employee.subject.name in rows[0]


def test_the_audit_reference_is_random_and_neither_the_id_nor_the_printed_reference(world):
    tokens = [record.token for record in world.records]
    assert len(set(tokens)) == len(tokens)
    for record in world.records:
        assert len(record.token) >= 16 and not record.token.isdigit()
        assert str(record.record_id) != record.token and record.token not in record.reference


def test_hr_has_the_audit_trail_in_the_menu(client, world):
    client.sign_in_as(world.viewers["hr"])
    assert "Audit trail" in client.get("/").get_data(as_text=True)


def test_the_outbox_hides_who_receives_a_disciplinary_notice(client, session, world):
    notified = {r.subject.email for r in world.records if r.reference}
    for role, viewer in world.viewers.items():
        client.sign_in_as(viewer)
        response = client.get("/outbox?status=queued")
        if role != "administrator":
            assert response.status_code == 403, role
            continue
        page = response.get_data(as_text=True)
        for address in notified:
            assert address not in page
        assert "There is something for you to read" not in page
        assert page.count("A confidential notice") == len(notified)
        assert f"Queued ({len(_rows(page))})" in page  # that they exist, and their status
    # An administrator who is also HR needs to know, and sees them.
    both = make_person(session, name="Alex Admin-HR", roles={Role.ADMINISTRATOR, Role.HR})
    client.sign_in_as(both)
    page = client.get("/outbox?status=queued").get_data(as_text=True)
    assert all(address in page for address in notified)
    assert "There is something for you to read" in page
