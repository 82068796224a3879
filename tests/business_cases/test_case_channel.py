"""A department's own channel enters the register only through its approved business case
(Networking Policy 3.4), with the case as its basis."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.authorisations.models import Channel
from tests.business_cases.helpers import case
from tests.helpers import text_of


def _decide(client, case_id: int, outcome: str) -> None:
    client.post(f"/business-cases/{case_id}/review", {})
    response = client.post(
        f"/business-cases/{case_id}/decide", {"outcome": outcome, "comment_purpose": "Our reasons."}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("outcome", ["changes_requested", "rejected"])
def test_a_case_that_is_not_approved_puts_no_channel_in_the_register(
    client, session, council, submitted, outcome
):
    client.sign_in_as(council.clerk)
    _decide(client, submitted, outcome)
    assert case(session, submitted).channel_id is None
    assert session.scalar(select(func.count()).select_from(Channel)) == 0


def test_an_approved_case_puts_its_channel_in_the_register_with_the_case_as_its_basis(
    client, session, council, submitted
):
    client.sign_in_as(council.clerk)
    _decide(client, submitted, "approved")
    found = case(session, submitted)
    channel = session.get(Channel, found.channel_id)
    assert (channel.department_id, channel.basis_kind, channel.basis) == (
        council.department.id,
        "business_case",
        f"Business case {found.reference}",
    )
    added = json.loads(
        session.scalar(select(AuditEvent.details).where(AuditEvent.action == "authorisations.channel_added"))
    )
    assert added["business_case"] == found.reference and added["basis_kind"] == "business_case"
    page = text_of(client.get("/authorisations/channels").get_data(as_text=True))
    assert f"Library Business case {found.reference}" in page
    assert "Record the basis" not in page and "Change of" not in page  # its case is its basis
