"""Issuing an authorisation re-enters the signer's password: it counts as a sign-in attempt."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.authorisations import service
from portal.authorisations.models import AuthorisationIssue, AuthorisationRequest
from portal.people.models import Role
from tests.auth.test_password_again import THROTTLED, WRONG, failure_events, failures
from tests.factories import PASSWORD, make_person


def test_wrong_passwords_when_issuing_are_throttled_like_sign_in(client, session, loaded):
    clerk = loaded
    mayor = make_person(session, name="Mary Mayor", email="mayor@council.example", roles={Role.MAYOR})
    member = make_person(session, name="Tess Team", email="tess@council.example")
    channel = service.add_channel(
        session,
        clerk,
        platform="facebook",
        name="Council page",
        url="https://facebook.example/c",
        basis="Minute 24/001",
    )
    session.commit()
    client.sign_in_as(clerk)
    starts = date.today() + timedelta(days=1)
    asked = client.post(
        "/authorisations/new",
        {
            "person": str(member.id),
            "channels": [str(channel.id)],
            "scope": "Event notices only",
            "conditions": "Checked by the office first",
            "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=300)).isoformat(),
            "justification": "Runs the events page",
        },
    )
    assert asked.status_code == 302
    request_id = session.scalar(select(AuthorisationRequest.id))
    session.commit()

    signer = client.another_browser()
    signer.sign_in_as(mayor)

    def issue(password: str):
        return signer.post(
            f"/authorisations/{request_id}/issue", {"typed_name": mayor.name, "password": password}
        )

    for _ in range(5):
        assert "Your password is not correct" in issue(WRONG).get_data(as_text=True)
    refused = issue(PASSWORD)
    assert refused.status_code == 200 and THROTTLED in refused.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AuthorisationIssue)) == 0
    session.commit()
    assert failures(session, "mayor@council.example") == 5
    assert failure_events(session, "issue_authorisation") == 5
