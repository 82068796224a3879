"""Writing a case: its sections, the moderation plan and the risk register (Networking 3.4)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.business_cases.models import CaseSubmission
from portal.business_cases.sections import STARTING_RISKS
from portal.people.service import mark_leaver
from tests.business_cases.helpers import DETAILS, GOOD_RISK, case, complete, risk_ids, rota, start


def test_a_manager_starts_a_case_for_their_own_department_with_the_required_risks_to_assess(
    client, session, council
):
    client.sign_in_as(council.manager)
    page = client.get("/business-cases/new").get_data(as_text=True)
    assert "Library" in page and "Leisure" not in page  # only their own department is offered
    case_id = start(client, council.department)
    found = case(session, case_id)
    assert found.status == "draft" and found.reference.startswith("BC-")
    assert [item.category for item in found.risks] == [risk.category for risk in STARTING_RISKS]
    assert session.scalar(select(func.count()).where(AuditEvent.action == "business_cases.started")) == 1


def test_a_manager_cannot_start_a_case_for_another_department(client, session, council):
    client.sign_in_as(council.manager)
    other = council.other_manager.department_id
    response = client.post(
        "/business-cases/new", {"department": str(other), "platform": "x", "account_name": "A"}
    )
    assert response.status_code == 400  # not a department the page offered


def test_submitting_an_empty_case_lists_every_gap_and_it_stays_a_draft(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    response = client.post(f"/business-cases/{case_id}/submit", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("#gaps")
    page = client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    assert "The case has not been submitted: 3 parts are not finished yet." in page
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        assert f"{day}: name a moderator" in page
        assert f"{day}: name a cover" in page
    assert "Write the “Purpose” section" in page and "Write the “Exit plan” section" in page
    assert "State the target time for removing malicious comments" in page
    assert "Say how the account is moderated on bank holidays" in page
    assert f"{len(STARTING_RISKS)} risks not yet assessed" in page
    assert "Give the account&#39;s web address" in page
    assert case(session, case_id).status == "draft"
    assert session.scalar(select(func.count()).select_from(CaseSubmission)) == 0


def test_saving_a_draft_keeps_what_was_typed_even_with_gaps(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    response = client.post(
        f"/business-cases/{case_id}/details", {**DETAILS, "benefit": "", "purpose": "Reach families"}
    )
    assert response.status_code == 302
    found = case(session, case_id)
    assert found.purpose == "Reach families" and found.benefit == ""
    assert found.web_address == DETAILS["web_address"]


def test_a_bad_web_address_gets_a_field_error(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    page = client.post(f"/business-cases/{case_id}/details", {**DETAILS, "web_address": "facebook"})
    assert page.status_code == 200 and "starting https://" in page.get_data(as_text=True)
    assert case(session, case_id).web_address == ""


def test_only_council_staff_are_offered_as_moderators(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    page = client.get(f"/business-cases/{case_id}/moderation").get_data(as_text=True)
    assert council.staff[0].name in page
    assert council.volunteer.name not in page and council.agency.name not in page
    assert "Christmas Day" in page or "New Year" in page  # the coming bank holidays are listed


@pytest.mark.parametrize("who", ["volunteer", "agency", "unknown"])
def test_a_tampered_moderator_gets_400_and_nothing_is_saved(client, session, council, who):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    person_id = "999999" if who == "unknown" else str(getattr(council, who).id)
    response = client.post(
        f"/business-cases/{case_id}/moderation", rota(council.staff, moderator_2=person_id)
    )
    assert response.status_code == 400
    assert case(session, case_id).moderation == []


def test_a_moderator_who_leaves_becomes_a_gap(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    mark_leaver(session, council.clerk, council.staff[0], council.staff[0].start_date)
    session.commit()
    client.post(f"/business-cases/{case_id}/submit", {})
    page = client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    assert "Monday: Staff A has left; name another moderator" in page
    assert case(session, case_id).status == "draft"


def test_the_same_person_cannot_moderate_and_cover_one_day(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    same = str(council.staff[0].id)
    client.post(f"/business-cases/{case_id}/moderation", rota(council.staff, moderator_0=same, cover_0=same))
    client.post(f"/business-cases/{case_id}/submit", {})
    page = client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    assert "Monday: the cover must be someone other than the moderator" in page


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"inherent_likelihood": "6"}, "Choose a score from 1 to 5"),
        ({"residual_impact": "0"}, "Choose a score from 1 to 5"),
        (
            {"residual_likelihood": "4", "residual_impact": "4"},
            "cannot be higher than the risk before controls",
        ),
        ({"controls": ""}, "Name at least one control"),
        (
            {
                "inherent_likelihood": "5",
                "inherent_impact": "5",
                "residual_likelihood": "4",
                "residual_impact": "4",
            },
            "Explain why a very high residual risk is acceptable",
        ),
        (
            {
                "inherent_likelihood": "4",
                "inherent_impact": "3",
                "residual_likelihood": "4",
                "residual_impact": "3",
            },
            "Explain why a high residual risk is acceptable",
        ),
    ],
)
def test_risk_scores_and_quality_rules_get_field_errors(client, session, council, change, field_message):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    risk_id = risk_ids(session, case_id)[0]
    form = {**GOOD_RISK, "category": "malicious_comments", "owner": str(council.manager.id), **change}
    response = client.post(f"/business-cases/{case_id}/risks/{risk_id}", form)
    assert response.status_code == 200
    assert field_message in response.get_data(as_text=True)
    assert case(session, case_id).risks[0].inherent_likelihood is None  # nothing saved


def test_a_high_residual_risk_is_accepted_with_a_written_justification(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    risk_id = risk_ids(session, case_id)[0]
    form = {
        **GOOD_RISK,
        "category": "malicious_comments",
        "owner": str(council.manager.id),
        "inherent_likelihood": "4",
        "inherent_impact": "4",
        "residual_likelihood": "4",
        "residual_impact": "3",
        "treatment": "accept",
        "acceptance_justification": "Comments are switched off at weekends; the rest we accept.",
    }
    assert client.post(f"/business-cases/{case_id}/risks/{risk_id}", form).status_code == 302
    assert case(session, case_id).risks[0].residual_likelihood == 4


def test_a_risk_gets_actions_with_owners_and_due_dates(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    risk_id = risk_ids(session, case_id)[0]
    form = {
        "action-description": "Write a moderation guide",
        "action-owner": str(council.staff[0].id),
        "action-due_on": "2027-03-01",
    }
    assert client.post(f"/business-cases/{case_id}/risks/{risk_id}/actions", form).status_code == 302
    action = case(session, case_id).risks[0].actions[0]
    assert (action.description, action.owner_id, action.due_on.isoformat()) == (
        "Write a moderation guide",
        council.staff[0].id,
        "2027-03-01",
    )
    missing = client.post(f"/business-cases/{case_id}/risks/{risk_id}/actions", {**form, "action-due_on": ""})
    assert "Give the date it is due by" in missing.get_data(as_text=True)
    tampered = client.post(
        f"/business-cases/{case_id}/risks/{risk_id}/actions", {**form, "action-owner": "999999"}
    )
    assert tampered.status_code == 400
    client.post(f"/business-cases/{case_id}/risks/{risk_id}/actions/{action.id}/delete", {})
    assert case(session, case_id).risks[0].actions == []


def test_a_tampered_risk_owner_or_category_gets_400(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    risk_id = risk_ids(session, case_id)[0]
    for change in ({"owner": "999999"}, {"category": "made_up"}, {"treatment": "ignore"}):
        form = {**GOOD_RISK, "category": "copyright", "owner": str(council.manager.id), **change}
        assert client.post(f"/business-cases/{case_id}/risks/{risk_id}", form).status_code == 400


def test_a_required_risk_that_is_removed_must_be_assessed_again(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    copyright_id = next(r.id for r in case(session, case_id).risks if r.category == "copyright")
    client.post(f"/business-cases/{case_id}/risks/{copyright_id}/delete", {})
    client.post(f"/business-cases/{case_id}/submit", {})
    assert "Assess the risk “Copyright”" in client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    assert case(session, case_id).status == "draft"
