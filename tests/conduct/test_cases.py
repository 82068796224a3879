"""Disciplinary cases: evidence as it stood, who may see a case, outcomes and appeals."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.clock import add_months, add_working_days
from portal.conduct.evidence import signed_fact
from portal.conduct.models import DisciplinaryCase
from portal.outbox.models import OutboxMessage
from portal.people.models import Role
from portal.templating import format_date, format_datetime
from tests.business_cases.helpers import pdf_text
from tests.conduct.helpers import decide, only_case, open_case
from tests.factories import make_person, make_policy
from tests.helpers import text_of

TODAY = date.today()


def test_opening_a_case_freezes_the_signature_and_receipt_that_stood(client, session, staff, sign_as):
    ack = sign_as(staff.subject, staff.policy)
    client.sign_in_as(staff.hr)
    response = open_case(client, staff)
    assert response.status_code == 302, response.get_data(as_text=True)
    case = only_case(session)
    evidence = json.loads(case.evidence.content)
    assert evidence["acknowledgement"]["id"] == ack.id
    assert evidence["version_in_force"]["label"] == "1"
    assert evidence["receipt"]["code"] and case.evidence.receipt_pdf.startswith(b"%PDF")
    assert hashlib.sha256(case.evidence.receipt_pdf).hexdigest() == evidence["receipt"]["pdf_sha256"]
    assert case.evidence.content_sha256 == hashlib.sha256(case.evidence.content.encode()).hexdigest()
    assert evidence["posting_authorisations"] == [] and evidence["quiz_passes"] == []
    page = client.get(f"/conduct/{case.id}").get_data(as_text=True)
    assert "Sam Subject signed Social Media Policy (version 1)" in page
    assert verify_chain(session).ok


def test_a_case_can_be_opened_where_nothing_was_signed_and_the_absence_is_recorded(client, session, staff):
    client.sign_in_as(staff.hr)
    assert open_case(client, staff).status_code == 302
    evidence = json.loads(only_case(session).evidence.content)
    assert evidence["acknowledgement"] is None and evidence["receipt"] is None
    assert evidence["acknowledgement_fact"].startswith("No signed acknowledgement of Social Media Policy")


def test_a_later_signature_does_not_change_the_frozen_evidence(client, session, staff, sign_as, database_url):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    before = only_case(session).evidence.content
    sign_as(staff.subject, staff.policy)
    assert only_case(session).evidence.content == before
    if database_url.startswith("postgresql"):
        with pytest.raises(DBAPIError):
            session.execute(text("UPDATE disciplinary_evidence SET content = '{}'"))
        session.rollback()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sections": "3.2, 9.9"}, "has no section 9.9"),
        ({"incident_date": (TODAY + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"incident_date": "2020-01-01"}, "No version of the Social Media Policy was in force on that date"),
        ({"subject_email": "nobody@council.example"}, "There is nobody with that email address"),
    ],
)
def test_bad_details_get_a_message_and_open_nothing(client, session, staff, change, message):
    client.sign_in_as(staff.hr)
    response = open_case(client, staff, **change)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(DisciplinaryCase)) == 0


def test_who_can_see_a_case(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case_id = only_case(session).id
    for who, expected in (
        ("hr", 200),
        ("clerk", 200),
        ("officer", 200),
        ("subject", 200),  # their own view
        ("manager", 404),
        ("deputy", 404),
        ("mayor", 404),
        ("admin", 404),
    ):
        client.sign_in_as(getattr(staff, who))
        assert client.get(f"/conduct/{case_id}").status_code == expected, who
        for url in (f"/conduct/{case_id}/packs", f"/conduct/{case_id}/meetings"):
            if who not in ("hr", "clerk", "officer"):
                assert client.post(url, {}).status_code == 404, (who, url)
    client.sign_in_as(staff.manager)
    assert client.get("/conduct/999999").status_code == 404
    assert client.get("/conduct/new").status_code == 403
    views = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("conduct.case_viewed%")))
    assert sorted(views) == ["conduct.case_viewed"] * 3 + ["conduct.case_viewed_by_subject"]


def test_the_subject_sees_only_shared_notes_and_the_outcome(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case_id = only_case(session).id
    for title, notes in (("Investigation meeting", "Shared words"), ("Witness interview", "Private words")):
        form = {"meeting-held_on": TODAY.isoformat(), "meeting-title": title, "meeting-notes": notes}
        assert client.post(f"/conduct/{case_id}/meetings", form).status_code == 302
    client.sign_in_as(staff.subject)
    assert "There is something to read" not in client.get("/").get_data(as_text=True)
    client.sign_in_as(staff.hr)
    first = only_case(session).meetings[0].id
    client.post(f"/conduct/{case_id}/meetings/{first}/share", {})
    client.sign_in_as(staff.subject)
    home = client.get("/").get_data(as_text=True)
    assert "There is something to read in your employment record" in home and "Shared words" not in home
    page = client.get(f"/conduct/{case_id}").get_data(as_text=True)
    assert "Shared words" in page and "Private words" not in page
    (notice,) = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "employment_record")).all()
    assert notice.to_address == staff.subject.email and f"/conduct/{case_id}" in notice.text_body
    assert "Shared words" not in notice.text_body + notice.html_body  # a link, never the content
    assert staff.officer.name not in page and "Witness interview" not in page


def test_a_case_about_the_town_clerk_is_handled_only_by_hr(client, session, staff):
    client.sign_in_as(staff.clerk)
    refused = open_case(client, staff, subject=staff.clerk)
    assert "You cannot open a case about yourself" in refused.get_data(as_text=True)
    other_clerk = make_person(session, roles={Role.TOWN_CLERK})
    client.sign_in_as(other_clerk)
    refused = open_case(client, staff, subject=staff.clerk)
    assert "handled by HR" in refused.get_data(as_text=True)
    client.sign_in_as(staff.hr)
    assert (
        open_case(client, staff, subject=staff.clerk, investigating_officer_email=staff.hr.email).status_code
        == 302
    )
    case_id = only_case(session).id
    client.sign_in_as(other_clerk)
    assert client.get(f"/conduct/{case_id}").status_code == 404
    assert staff.clerk.name not in client.get("/conduct").get_data(as_text=True)


def test_a_first_written_warning_is_live_for_six_months_by_default(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case = only_case(session)
    assert (
        decide(
            client,
            staff,
            case.id,
            "first_written",
            companion_kind="union_rep",
            companion_name="Una Union",
        ).status_code
        == 302
    )
    case = only_case(session)
    assert (case.stage, case.warning_live_until) == ("first_written", add_months(TODAY, 6))
    assert case.appeal_deadline == add_working_days(TODAY, 5)
    assert case.companion_name == "Una Union"


def test_skipping_a_stage_needs_a_gross_misconduct_reason(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case_id = only_case(session).id
    refused = decide(client, staff, case_id, "dismissal")
    assert "skips a stage" in refused.get_data(as_text=True)
    assert only_case(session).stage is None
    assert (
        decide(
            client,
            staff,
            case_id,
            "dismissal",
            gross_misconduct_reason="Published a resident's medical details.",
        ).status_code
        == 302
    )
    assert only_case(session).stage_skip_reason == "Published a resident's medical details."


def test_a_live_warning_allows_the_next_stage_and_is_shown_on_a_new_case(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    decide(client, staff, only_case(session).id, "first_written")
    open_case(client, staff)
    second = only_case(session)
    assert "Live warnings: First written warning" in client.get(f"/conduct/{second.id}").get_data(
        as_text=True
    )
    assert decide(client, staff, second.id, "final_written").status_code == 302
    assert only_case(session).warning_live_until == add_months(TODAY, 12)


def test_an_expired_warning_does_not_count(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    first = only_case(session)
    decide(
        client, staff, first.id, "first_written", warning_live_until=(TODAY + timedelta(days=1)).isoformat()
    )
    session.execute(
        text("UPDATE disciplinary_cases SET warning_live_until = :day WHERE id = :id"),
        {"day": TODAY - timedelta(days=1), "id": first.id},
    )
    session.commit()
    open_case(client, staff)
    second = only_case(session)
    assert "Live warnings" not in client.get(f"/conduct/{second.id}").get_data(as_text=True)
    assert "skips a stage" in decide(client, staff, second.id, "final_written").get_data(as_text=True)


def test_a_late_appeal_needs_a_reason(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case_id = only_case(session).id
    decide(client, staff, case_id, "first_written")
    late = add_working_days(TODAY, 6).isoformat()
    refused = client.post(f"/conduct/{case_id}/appeal", {"appeal-lodged_on": late})
    assert "after its deadline" in refused.get_data(as_text=True)
    assert only_case(session).appeal_lodged_on is None
    client.post(
        f"/conduct/{case_id}/appeal", {"appeal-lodged_on": late, "appeal-late_reason": "Was in hospital."}
    )
    assert only_case(session).appeal_late_reason == "Was in hospital."


def test_the_evidence_pack_carries_the_receipt_and_a_manifest_and_can_be_checked(
    client, session, staff, sign_as
):
    from pypdf import PdfReader

    sign_as(staff.subject, staff.policy)
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case = only_case(session)
    assert client.post(f"/conduct/{case.id}/packs", {}).status_code == 302
    pack = only_case(session).packs[0]
    download = client.get(f"/conduct/{case.id}/packs/{pack.id}.pdf")
    assert hashlib.sha256(download.data).hexdigest() == pack.sha256
    words = pdf_text(download.data)
    assert "Manifest of SHA-256 hashes" in words and case.evidence.content_sha256 in words
    attachments = PdfReader(io.BytesIO(download.data)).attachments
    (name,) = attachments
    assert name.startswith("receipt-") and attachments[name][0] == case.evidence.receipt_pdf
    same = client.post(
        f"/conduct/{case.id}/packs/check",
        {"pack": (io.BytesIO(download.data), "copy.pdf")},
        follow_redirects=True,
    )
    said = text_of(same.get_data(as_text=True))
    assert "This copy is a genuine evidence pack of this case." in said
    assert "certificate: yes. Unchanged since it was signed: yes." in said
    assert f"record of an evidence pack of this case: yes, evidence pack {pack.id}" in said
    changed = client.post(
        f"/conduct/{case.id}/packs/check",
        {"pack": (io.BytesIO(download.data + b" "), "copy.pdf")},
        follow_redirects=True,
    )
    said = text_of(changed.get_data(as_text=True))
    assert "is not a genuine evidence pack" in said and "Unchanged since it was signed: no." in said
    assert "record of an evidence pack of this case: no." in said


def test_the_investigating_officer_is_given_the_case_on_their_home_page(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    client.sign_in_as(staff.officer)
    assert "Investigate case DC-" in client.get("/").get_data(as_text=True)


def test_quiz_passes_by_the_incident_date_are_in_the_evidence_with_their_topics(client, session, staff):
    from portal.training import attempts
    from portal.training.sync import sync
    from tests.training.conftest import TEST_BANK
    from tests.training.helpers import answer_all

    make_policy(session, clerk=staff.clerk)  # the test bank cites the test policy
    sync(session, TEST_BANK)
    quiz = attempts.get_quiz(session, "basics")
    attempt = attempts.start_attempt(session, staff.subject, quiz)
    answer_all(session, staff.subject, attempt, right=True)
    attempts.submit(session, staff.subject, attempt)
    session.commit()
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    (passed,) = json.loads(only_case(session).evidence.content)["quiz_passes"]
    assert passed["quiz"] == "basics" and passed["current_on_incident_date"] is True
    assert "confidentiality" in passed["topics"] and "private-use" in passed["topics"]


def test_a_signature_on_the_incident_day_is_not_called_before_it(client, session, staff, sign_as):
    """The incident is known by its date alone: a signature made that day is "on the day of
    the incident"; the old sentence said "before the incident"."""
    ack = sign_as(staff.subject, staff.policy)
    client.sign_in_as(staff.hr)
    assert open_case(client, staff).status_code == 302
    fact = json.loads(only_case(session).evidence.content)["acknowledgement_fact"]
    assert fact == (
        f"Sam Subject signed Social Media Policy (version 1) on {format_datetime(ack.recorded_at)}, "
        "on the day of the incident."
    )
    assert "before the incident" not in fact


def test_a_signature_on_an_earlier_day_is_before_the_incident_counted_in_london_days():
    late = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    assert signed_fact("Sam Subject", "Social Media Policy", "1", late, date(2026, 11, 20)) == (
        "Sam Subject signed Social Media Policy (version 1) on 19 November 2026 at 23:30, "
        "before the incident."
    )
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time): the incident's day.
    summer = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert signed_fact("Sam", "P", "1", summer, date(2026, 7, 1)) == (
        "Sam signed P (version 1) on 1 July 2026 at 00:30, on the day of the incident."
    )


def test_evidence_dates_are_written_as_the_rest_of_the_portal_writes_them(client, session, staff, sign_as):
    sign_as(staff.subject, staff.policy)
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case = only_case(session)
    words = text_of(client.get(f"/conduct/{case.id}").get_data(as_text=True))
    assert f"Policy in force on {format_date(TODAY)}" in words
    assert "effective 1 January 2026;" in words
    assert TODAY.isoformat() not in words and "2026-01-01" not in words
