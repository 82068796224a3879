"""The compliance overview lists the policies due for review: by their review date, and
the one that lists the channels when the register has changed since its wording."""

from __future__ import annotations

from datetime import timedelta

from portal.authorisations import service as authorisations
from portal.clock import today
from portal.people.models import Role
from portal.policies import service
from portal.policies.models import ChangeKind
from tests.factories import POLICY_TEXT, make_person, make_policy
from tests.helpers import text_of


def _reviews(client) -> str:
    page = text_of(client.get("/reports").get_data(as_text=True)).replace(" ,", ",")  # after a link
    return page.split("Policies due for review")[1].split("Business cases")[0]


def _publish(session, clerk, policy, *, label: str, review_due):
    version = service.draft_version(
        session,
        clerk,
        policy,
        service.VersionDetails(
            label=label,
            effective_date=review_due - timedelta(days=365),
            body=POLICY_TEXT,
            change_kind=ChangeKind.MINOR,
            change_summary="Reviewed",
            adopted_minute="Full Council, 2 March 2026, minute 9",
            review_due=review_due,
            scope=service.scope_for_next_draft(policy),
        ),
    )
    service.publish_version(session, clerk, policy, version)
    session.commit()


def test_the_overview_lists_policies_due_for_review_until_the_new_wording_is_published(
    client, session, council
):
    policy = service.get_policy(session, "test-policy")
    session.commit()
    client.sign_in_as(council.clerk)
    assert _reviews(client).strip() == "None."

    due = today() - timedelta(days=2)
    _publish(session, council.clerk, policy, label="2", review_due=due)
    day = due.strftime("%-d %B %Y")
    assert f"Test Policy, version 2: its review date was {day}." in _reviews(client)

    # HR sees everyone too, and the link is one HR may follow (the policy's own page).
    hr = make_person(session, roles={Role.HR})
    hr_browser = client.another_browser()
    hr_browser.sign_in_as(hr)
    html = hr_browser.get("/reports").get_data(as_text=True)
    assert 'href="/policies/test-policy"' in html.split("Policies due for review")[1]

    _publish(session, council.clerk, policy, label="3", review_due=today() + timedelta(days=365))
    assert _reviews(client).strip() == "None."


def test_a_change_to_the_channels_register_puts_the_communication_policy_on_the_list(
    client, session, council
):
    make_policy(
        session,
        clerk=council.clerk,
        slug="social-media-electronic-communication",
        title="Social Media and Electronic Communication Policy",
    )
    authorisations.add_channel(
        session,
        council.clerk,
        platform="x",
        name="@AshcombeTC",
        url="https://x.example/atc",
        basis="Minute 26/8",
    )
    session.commit()
    client.sign_in_as(council.clerk)
    assert (
        "Social Media and Electronic Communication Policy, version 1: @AshcombeTC (X) joined the register."
        in _reviews(client)
    )


def test_a_managers_view_of_their_team_leaves_the_reviews_out(client, session, council):
    policy = service.get_policy(session, "test-policy")
    session.commit()
    _publish(session, council.clerk, policy, label="2", review_due=today())
    client.sign_in_as(council.manager)
    assert "Policies due for review" not in client.get("/reports").get_data(as_text=True)
