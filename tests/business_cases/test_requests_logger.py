"""The moderation plan names who logs the information requests that arrive on the account
(Networking Policy 3.4 brings Freedom of Information to a department's channel)."""

from __future__ import annotations

from tests.business_cases.helpers import case, complete, rota, start
from tests.helpers import text_of


def test_a_case_cannot_be_submitted_until_someone_logs_its_requests(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    assert (
        client.post(
            f"/business-cases/{case_id}/moderation", rota(council.staff, requests_logger="")
        ).status_code
        == 302
    )
    page = text_of(client.get(f"/business-cases/{case_id}").get_data(as_text=True))
    assert "Name who logs the information requests that arrive on the account" in page
    client.post(f"/business-cases/{case_id}/submit", {})
    assert case(session, case_id).status == "draft"
    chosen = council.staff[1]
    client.post(f"/business-cases/{case_id}/moderation", rota(council.staff, requests_logger=str(chosen.id)))
    assert client.post(f"/business-cases/{case_id}/submit", {}).status_code == 302
    found = case(session, case_id)
    assert found.status == "submitted" and found.requests_logger_id == chosen.id
    submission = found.submissions[-1]
    assert "Information requests logged by: Staff B" in text_of(
        client.get(f"/business-cases/{case_id}/submissions/{submission.number}").get_data(as_text=True)
    )


def test_only_council_staff_can_log_requests_and_a_leaver_leaves_a_gap(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    refused = client.post(
        f"/business-cases/{case_id}/moderation",
        rota(council.staff, requests_logger=str(council.volunteer.id)),
    )
    assert refused.status_code == 400  # a volunteer is never offered
    council.staff[0].is_active = False
    session.commit()
    page = text_of(client.get(f"/business-cases/{case_id}").get_data(as_text=True))
    assert "Staff A has left; name another to log information requests" in page
