"""A complete ACAS process (issue 18, section 2): the written invitation, who hears the
case, the outcome letter, the appeal, and the council's own live periods for warnings."""

from __future__ import annotations

import io
import json
from datetime import date, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.audit.forgetting import readable
from portal.audit.models import AuditEvent
from portal.clock import add_months, add_working_days
from portal.conduct.models import CaseLetter
from portal.config import BadMonthsSetting, Settings
from portal.documents.seals import council_seal
from portal.outbox.models import OutboxMessage
from portal.people.models import EngagementType
from tests.business_cases.helpers import pdf_text
from tests.conduct.helpers import arrange_hearing, decide, only_case, open_case
from tests.factories import make_person
from tests.helpers import text_of

TODAY = date.today()


def _opened(client, session, staff):
    client.sign_in_as(staff.hr)
    assert open_case(client, staff).status_code == 302
    return only_case(session)


def _letter(client, case, kind: str) -> tuple[CaseLetter, str]:
    """The newest letter of a kind, downloaded as the signed-in person, and its words."""
    letter = [item for item in case.letters if item.kind == kind][-1]
    download = client.get(f"/conduct/{case.id}/letters/{letter.id}.pdf")
    assert download.status_code == 200 and download.data == letter.pdf
    return letter, pdf_text(download.data)


def _events(session, case, action: str) -> list[dict]:
    rows = session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.object_id == case.audit_reference, AuditEvent.action == f"conduct.{action}"
        )
    )
    return [readable(session, details) for details in rows]


def _councillors(session, count: int):
    return [
        make_person(session, name=f"Councillor {n}", engagement=EngagementType.COUNCILLOR)
        for n in ("Ash", "Birch", "Cedar")[:count]
    ]


# The invitation -------------------------------------------------------------------


def test_the_invitation_states_the_allegation_evidence_outcome_time_place_and_companion(
    app, client, session, staff
):
    case = _opened(client, session, staff)
    response = arrange_hearing(
        client,
        case.id,
        staff.hearer,
        hearing_on=(TODAY + timedelta(days=7)).isoformat(),
        hearing_time="14:15",
        place="Committee Room, Town Hall",
        evidence="Screenshot of the post of 3 March.",
        possible_outcome="final_written",
    )
    assert response.status_code == 302
    case = only_case(session)
    assert (case.hearing_on, case.hearing_time) == (TODAY + timedelta(days=7), time(14, 15))
    assert case.hearing_place == "Committee Room, Town Hall" and case.hearing_by == "officer"
    assert [p.id for p in case.heard_by("hearing")] == [staff.hearer.id]
    letter, words = _letter(client, case, "invitation")
    for expected in (
        "Invitation to the disciplinary hearing",
        case.allegation,
        "section 3.2 of the council's Social Media Policy",
        "Screenshot of the post of 3 March.",
        "could be anything up to a final written warning",
        "serious enough to go straight to a final written warning",
        "at 14:15",
        "Committee Room, Town Hall",
        "Heard by Hugh Hearing",
        "a trade union representative, or a colleague who works for the council",
        "Employment Relations Act 1999, section 10",
        "within five working days",
    ):
        assert expected in words, expected
    with app.app_context():
        assert council_seal().check(letter.pdf).passed
    # The employee is told there is something to read, and can read it; nobody else can.
    notice = session.scalar(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == f"record:{case.id}:letter-{letter.id}")
    )
    assert notice is not None and "Screenshot" not in notice.text_body
    client.sign_in_as(staff.subject)
    page = client.get(f"/conduct/{case.id}").get_data(as_text=True)
    assert "Invitation to the disciplinary hearing, letter" in page and "Committee Room, Town Hall" in page
    assert client.get(f"/conduct/{case.id}/letters/{letter.id}.pdf").data == letter.pdf
    for who in (staff.manager, staff.admin, staff.mayor):
        client.sign_in_as(who)
        assert client.get(f"/conduct/{case.id}/letters/{letter.id}.pdf").status_code == 404


def test_the_invitation_says_when_dismissal_would_skip_a_stage_and_when_it_would_not(client, session, staff):
    first = _opened(client, session, staff)
    arrange_hearing(client, first.id, staff.hearer, possible_outcome="dismissal")
    _, words = _letter(client, only_case(session), "invitation")
    assert "could be anything up to dismissal" in words and "potential gross misconduct" in words
    decide(client, staff, first.id, "final_written", hearing=False, gross_misconduct_reason="Serious")
    second = _opened(client, session, staff)  # a live final written warning now stands
    arrange_hearing(client, second.id, staff.hearer, possible_outcome="dismissal")
    _, words = _letter(client, only_case(session), "invitation")
    assert "could be anything up to dismissal" in words and "gross misconduct" not in words


def test_arranging_the_hearing_is_audited_with_ids_and_no_words(client, session, staff):
    case = _opened(client, session, staff)
    arrange_hearing(client, case.id, staff.hearer, place="The Smithfield Room")
    case = only_case(session)
    (event,) = _events(session, case, "hearing_arranged")
    assert event["letter_id"] == case.letters[0].id and event["letter_sha256"] == case.letters[0].sha256
    assert event["hearer_ids"] == [staff.hearer.id] and event["heard_by"] == "officer"
    assert "Smithfield" not in json.dumps(event) and "screenshot" not in json.dumps(event).lower()


def test_arranging_again_issues_a_new_invitation_and_keeps_the_first(client, session, staff):
    case = _opened(client, session, staff)
    arrange_hearing(client, case.id, staff.hearer)
    # The form to arrange it again starts from the hearing as it stands.
    page = client.get(f"/conduct/{case.id}").get_data(as_text=True)
    assert 'value="Committee Room, Town Hall"' in page and f'value="{staff.hearer.email}"' in page
    assert arrange_hearing(client, case.id, staff.hearer, hearing_time="15:00").status_code == 302
    case = only_case(session)
    assert [letter.kind for letter in case.letters] == ["invitation", "invitation"]
    assert case.hearing_time == time(15, 0) and len(case.heard_by("hearing")) == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        # A date's error links to its day box (the GOV.UK date input pattern).
        ({"hearing_on": (TODAY - timedelta(days=1)).isoformat()}, "hearing_on-day", "today or later"),
        ({"hearing_time": "half past two"}, "hearing_time", "Enter the time of the hearing"),
        ({"place": ""}, "place", "Say where the hearing is"),
        ({"evidence": ""}, "evidence", "List the evidence"),
        ({"heard_by": None}, "heard_by", "Choose who hears it"),
        ({"officer_email": ""}, "officer_email", "Give the email address of who hears the hearing"),
        (
            {"officer_email": "nobody@council.example"},
            "officer_email",
            "There is nobody with that email address",
        ),
        ({"possible_outcome": ""}, "possible_outcome", "Choose the most serious outcome"),
    ],
)
def test_bad_hearing_details_get_a_message_and_change_nothing(client, session, staff, change, field, message):
    case = _opened(client, session, staff)
    response = arrange_hearing(client, case.id, staff.hearer, **change)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and f'href="#hearing-{field}"' in page
    assert only_case(session).hearing_by is None
    assert session.scalar(select(func.count()).select_from(CaseLetter)) == 0


# Who hears it ----------------------------------------------------------------------


def test_the_investigating_officer_hears_the_case_only_with_a_recorded_reason(client, session, staff):
    case = _opened(client, session, staff)
    refused = arrange_hearing(client, case.id, staff.officer)
    said = text_of(refused.get_data(as_text=True))
    assert (
        "Ivan Investigator is the investigating officer: the hearing should be heard by someone else" in said
    )
    assert only_case(session).hearing_by is None
    reason = "The council has two employees; the other is the subject."
    assert arrange_hearing(client, case.id, staff.officer, independence_reason=reason).status_code == 302
    case = only_case(session)
    assert case.hearing_independence_reason == reason
    assert case.heard_by("hearing")[0].id == case.investigating_officer_id
    assert _events(session, case, "hearing_arranged")[0]["reason_recorded"] is True
    _, words = _letter(client, case, "invitation")
    assert "also investigated the case, because: The council has two employees" in words


def test_a_reason_given_when_nobody_involved_before_hears_it_is_not_kept(client, session, staff):
    case = _opened(client, session, staff)
    arrange_hearing(client, case.id, staff.hearer, independence_reason="Not needed")
    assert only_case(session).hearing_independence_reason == ""


def test_the_employee_cannot_hear_their_own_case(client, session, staff):
    case = _opened(client, session, staff)
    refused = arrange_hearing(client, case.id, staff.subject, independence_reason="Anything")
    assert "The employee cannot hear their own case" in refused.get_data(as_text=True)
    leaver = make_person(session, name="Lee Leaver")
    leaver.is_active = False
    session.commit()
    refused = arrange_hearing(client, case.id, leaver)
    assert "Lee Leaver has left the council" in refused.get_data(as_text=True)
    assert only_case(session).hearing_by is None


def test_a_panel_of_councillors_hears_the_case_and_records_its_members(client, session, staff):
    case = _opened(client, session, staff)
    ash, birch = _councillors(session, 2)
    one = arrange_hearing(client, case.id, staff.hearer, heard_by="panel", panel_emails=ash.email)
    assert "A panel needs at least two councillors" in one.get_data(as_text=True)
    mixed = arrange_hearing(
        client, case.id, staff.hearer, heard_by="panel", panel_emails=f"{ash.email}\n{staff.hearer.email}"
    )
    assert "Hugh Hearing is not a councillor" in mixed.get_data(as_text=True)
    assert only_case(session).hearing_by is None
    done = arrange_hearing(
        client, case.id, staff.hearer, heard_by="panel", panel_emails=f"{ash.email}\n{birch.email}"
    )
    assert done.status_code == 302
    case = only_case(session)
    assert case.hearing_by == "panel"
    assert sorted(p.name for p in case.heard_by("hearing")) == ["Councillor Ash", "Councillor Birch"]
    _, words = _letter(client, case, "invitation")
    assert "a panel of councillors: Councillor Ash and Councillor Birch" in words


# The outcome ----------------------------------------------------------------------


def test_a_written_warning_or_dismissal_needs_a_hearing_first(client, session, staff):
    case = _opened(client, session, staff)
    for stage in ("first_written", "final_written", "dismissal"):
        refused = decide(client, staff, case.id, stage, hearing=False, gross_misconduct_reason="Serious")
        assert (
            "is disciplinary action: arrange the hearing and send the invitation first"
            in refused.get_data(as_text=True)
        )
    assert only_case(session).stage is None
    # Informal action and no action are not disciplinary action: no hearing needed.
    assert decide(client, staff, case.id, "informal").status_code == 302


def test_the_outcome_goes_no_further_than_the_invitation_said(client, session, staff):
    case = _opened(client, session, staff)
    arrange_hearing(client, case.id, staff.hearer, possible_outcome="first_written")
    refused = decide(client, staff, case.id, "dismissal", hearing=False, gross_misconduct_reason="Serious")
    said = text_of(refused.get_data(as_text=True))
    assert "could lead to first written warning at most: dismissal needs a new invitation" in said
    assert decide(client, staff, case.id, "first_written", hearing=False).status_code == 302


def test_a_warning_needs_the_improvement_and_its_timescale(client, session, staff):
    case = _opened(client, session, staff)
    arrange_hearing(client, case.id, staff.hearer)
    missing = decide(client, staff, case.id, "first_written", hearing=False, improvement_needed="")
    assert "the improvement needed" in missing.get_data(as_text=True)
    early = decide(client, staff, case.id, "first_written", hearing=False, improvement_by=TODAY.isoformat())
    assert "Give the date by which the improvement is needed, after the decision" in early.get_data(
        as_text=True
    )
    assert only_case(session).stage is None


def test_the_outcome_letter_gives_reasons_warning_improvement_consequences_and_appeal(
    app, client, session, staff
):
    case = _opened(client, session, staff)
    by = TODAY + timedelta(days=60)
    response = decide(
        client,
        staff,
        case.id,
        "first_written",
        reasons="The post named a resident.",
        improvement_needed="Keep residents' details off personal accounts.",
        improvement_by=by.isoformat(),
        companion_kind="union_rep",
        companion_name="Una Union",
    )
    assert response.status_code == 302
    case = only_case(session)
    assert (case.improvement_needed, case.improvement_by) == (
        "Keep residents' details off personal accounts.",
        by,
    )
    letter, words = _letter(client, case, "outcome")
    for expected in (
        "The outcome: first written warning",
        "The post named a resident.",
        f"stays live until {add_months(TODAY, 6).day} {add_months(TODAY, 6):%B %Y}",
        "Keep residents' details off personal accounts.",
        f"by {by.day} {by:%B %Y}",
        "may lead to a final written warning",
        "Your right of appeal",
        f"by {case.appeal_deadline.day} {case.appeal_deadline:%B %Y}",
        "Una Union (trade union representative)",
        "Hugh Hearing",
    ):
        assert expected in words, expected
    with app.app_context():
        assert council_seal().check(letter.pdf).passed
    (event,) = _events(session, case, "outcome_recorded")
    assert event["letter_id"] == letter.id and "named a resident" not in json.dumps(event)
    # A decided case is not decided again: an appeal follows instead.
    again = decide(client, staff, case.id, "no_action")
    assert "The outcome has been recorded" in again.get_data(as_text=True)
    assert [item.kind for item in only_case(session).letters] == ["invitation", "outcome"]


def test_a_final_warning_letter_says_further_misconduct_may_lead_to_dismissal(client, session, staff):
    case = _opened(client, session, staff)
    decide(client, staff, case.id, "final_written", gross_misconduct_reason="Published medical details.")
    _, words = _letter(client, only_case(session), "outcome")
    assert "may lead to dismissal" in words and "Published medical details." in words


def test_live_periods_are_the_councils_setting(app, client, session, staff, monkeypatch):
    monkeypatch.setattr(
        app.config["PORTAL_SETTINGS"], "warning_live_months", "first_written=3,final_written=9"
    )
    case = _opened(client, session, staff)
    page = client.get(f"/conduct/{case.id}").get_data(as_text=True)
    assert "3 months for a first written warning, 9 for a final one" in page
    decide(client, staff, case.id, "first_written")
    assert only_case(session).warning_live_until == add_months(TODAY, 3)


def test_the_live_period_setting_is_read_and_bad_values_stop_start_up(monkeypatch):
    assert Settings().warning_live_periods() == {"first_written": 6, "final_written": 12}
    monkeypatch.setenv("PORTAL_WARNING_LIVE_MONTHS", "first_written=4,final_written=10")
    assert Settings.from_environment().warning_live_periods() == {"first_written": 4, "final_written": 10}
    for bad in ("first_written=6", "first_written=six,final_written=12", "first_written=0,final_written=12"):
        monkeypatch.setenv("PORTAL_WARNING_LIVE_MONTHS", bad)
        with pytest.raises(BadMonthsSetting):
            Settings.from_environment()


# The appeal -----------------------------------------------------------------------


def _appealed(client, session, staff):
    case = _opened(client, session, staff)
    decide(client, staff, case.id, "first_written")
    assert (
        client.post(f"/conduct/{case.id}/appeal", {"appeal-lodged_on": TODAY.isoformat()}).status_code == 302
    )
    return only_case(session)


def _appeal_hearing(client, case_id, hearer, **overrides):
    form = {
        "heard_on": TODAY.isoformat(),
        "heard_by": "officer",
        "officer_email": hearer.email,
        "companion_kind": "colleague",
        "companion_name": "Cal Colleague",
        "result": "upheld",
        "outcome": "The warning stands: the post named a resident.",
    }
    form.update(overrides)
    return client.post(
        f"/conduct/{case_id}/appeal/hearing", {f"appeal_hearing-{k}": v for k, v in form.items()}
    )


@pytest.mark.parametrize(
    ("who", "said"),
    [
        (
            "officer",
            "Ivan Investigator is the investigating officer: the appeal should be heard by someone else",
        ),
        ("hearer", "Hugh Hearing is the hearing officer: the appeal should be heard by someone else"),
    ],
)
def test_the_appeal_is_heard_by_someone_not_involved_before_or_a_reason_is_recorded(
    client, session, staff, who, said
):
    case = _appealed(client, session, staff)
    refused = _appeal_hearing(client, case.id, getattr(staff, who))
    assert said in text_of(refused.get_data(as_text=True))
    assert only_case(session).appeal_by is None
    reason = "Nobody else at the council can hear it."
    assert (
        _appeal_hearing(client, case.id, getattr(staff, who), independence_reason=reason).status_code == 302
    )
    assert only_case(session).appeal_independence_reason == reason


def test_a_hearing_panel_member_cannot_sit_on_the_appeal_panel_without_a_reason(client, session, staff):
    case = _opened(client, session, staff)
    ash, birch, cedar = _councillors(session, 3)
    arrange_hearing(
        client, case.id, staff.hearer, heard_by="panel", panel_emails=f"{ash.email}\n{birch.email}"
    )
    decide(client, staff, case.id, "first_written", hearing=False)
    client.post(f"/conduct/{case.id}/appeal", {"appeal-lodged_on": TODAY.isoformat()})
    refused = _appeal_hearing(
        client, case.id, staff.hearer, heard_by="panel", panel_emails=f"{birch.email}\n{cedar.email}"
    )
    assert "Councillor Birch is on the panel that heard the case" in text_of(refused.get_data(as_text=True))
    others = make_person(session, name="Councillor Dale", engagement=EngagementType.COUNCILLOR)
    done = _appeal_hearing(
        client, case.id, staff.hearer, heard_by="panel", panel_emails=f"{cedar.email}\n{others.email}"
    )
    assert done.status_code == 302
    case = only_case(session)
    assert sorted(p.name for p in case.heard_by("appeal")) == ["Councillor Cedar", "Councillor Dale"]
    assert sorted(p.name for p in case.heard_by("hearing")) == ["Councillor Ash", "Councillor Birch"]


def test_the_appeal_hearing_records_the_companion_and_issues_a_letter(client, session, staff):
    case = _appealed(client, session, staff)
    appeal_officer = make_person(session, name="Ana Appeal")
    assert _appeal_hearing(client, case.id, appeal_officer).status_code == 302
    case = only_case(session)
    assert (case.appeal_by, case.appeal_companion_kind, case.appeal_companion_name) == (
        "officer",
        "colleague",
        "Cal Colleague",
    )
    assert case.appeal_outcome == "The warning stands: the post named a resident."
    _, words = _letter(client, case, "appeal_outcome")
    assert (
        "Ana Appeal" in words and "Cal Colleague (work colleague)" in words and "The warning stands" in words
    )
    (event,) = _events(session, case, "appeal_heard")
    assert event["hearer_ids"] == [appeal_officer.id] and event["companion"] == "colleague"
    assert "Cal" not in json.dumps(event) and "stands" not in json.dumps(event)
    again = _appeal_hearing(client, case.id, appeal_officer)
    assert "The appeal's outcome has been recorded" in text_of(again.get_data(as_text=True))
    client.sign_in_as(staff.subject)
    page = client.get(f"/conduct/{case.id}").get_data(as_text=True)
    assert "Outcome of the appeal, letter" in page and "Cal Colleague" in page


def test_a_warning_withdrawn_on_appeal_no_longer_counts_and_the_letter_says_so(app, client, session, staff):
    """ACAS Code paragraphs 26-28: the appeal's decision is final; a warning it withdraws
    cannot count towards the next stage."""
    from portal.conduct.records import expected_highest_stage, live_warnings

    case = _appealed(client, session, staff)
    missing = _appeal_hearing(client, case.id, make_person(session, name="Ana Appeal"), result="")
    assert "Choose whether the outcome stands or is withdrawn" in text_of(missing.get_data(as_text=True))
    with app.app_context():
        assert [c.id for c in live_warnings(session, staff.subject, TODAY)] == [case.id]
    withdrawn = _appeal_hearing(
        client, case.id, make_person(session, name="Otto Other"), result="overturned", outcome="Withdrawn."
    )
    assert withdrawn.status_code == 302
    case = only_case(session)
    assert case.appeal_result == "overturned"
    with app.app_context():
        live = live_warnings(session, staff.subject, TODAY)
    assert live == [] and expected_highest_stage(live) == "first_written"
    _, words = _letter(client, case, "appeal_outcome")
    assert "Your appeal succeeded: the first written warning is withdrawn" in words
    page = text_of(client.get(f"/conduct/{case.id}").get_data(as_text=True))
    assert "Withdrawn on appeal" in page and "This warning stays live until" not in page
    (event,) = _events(session, case, "appeal_heard")
    assert event["result"] == "overturned"


def test_a_warning_upheld_on_appeal_stays_live(app, client, session, staff):
    case = _appealed(client, session, staff)
    assert _appeal_hearing(client, case.id, make_person(session, name="Ana Appeal")).status_code == 302
    with app.app_context():
        from portal.conduct.records import live_warnings

        assert [c.id for c in live_warnings(session, staff.subject, TODAY)] == [case.id]
    _, words = _letter(client, only_case(session), "appeal_outcome")
    assert "Your appeal did not succeed: the first written warning stands" in words


def test_an_appeal_hearing_needs_a_lodged_appeal_and_comes_after_it(client, session, staff):
    case = _opened(client, session, staff)
    decide(client, staff, case.id, "first_written")
    refused = _appeal_hearing(client, case.id, staff.deputy)
    assert "Record the appeal before its hearing" in refused.get_data(as_text=True)
    client.post(f"/conduct/{case.id}/appeal", {"appeal-lodged_on": (TODAY + timedelta(days=1)).isoformat()})
    early = _appeal_hearing(client, case.id, staff.deputy)
    assert "cannot be heard before it was lodged" in early.get_data(as_text=True)
    assert only_case(session).appeal_by is None


# Letters as evidence ---------------------------------------------------------------


def test_the_letters_are_in_the_evidence_pack_manifest_and_embedded(client, session, staff):
    case = _opened(client, session, staff)
    decide(client, staff, case.id, "first_written")
    client.post(f"/conduct/{case.id}/packs", {})
    case = only_case(session)
    pack = case.packs[0]
    words = pdf_text(pack.pdf)
    for letter in case.letters:
        assert letter.sha256 in words
    attachments = PdfReader(io.BytesIO(pack.pdf)).attachments
    embedded = {name: content[0] for name, content in attachments.items()}
    assert {letter.pdf for letter in case.letters} <= set(embedded.values())


def test_the_subject_is_told_of_each_letter_on_their_home_page(client, session, staff):
    case = _opened(client, session, staff)
    client.sign_in_as(staff.subject)
    assert "There is something to read" not in client.get("/").get_data(as_text=True)
    client.sign_in_as(staff.hr)
    arrange_hearing(client, case.id, staff.hearer)
    client.sign_in_as(staff.subject)
    assert "There is something to read in your employment record" in client.get("/").get_data(as_text=True)


def test_the_appeal_deadline_is_in_the_letter_in_working_days(client, session, staff):
    case = _opened(client, session, staff)
    decide(client, staff, case.id, "no_action")
    case = only_case(session)
    assert case.appeal_deadline == add_working_days(TODAY, 5)
    _, words = _letter(client, case, "outcome")
    assert "Your right of appeal" not in words  # no action: nothing to appeal against
