"""A channel joining or leaving the register asks the Town Clerk to review the policy that
lists the council's channels (Communication Policy, introduction): a home-page task until
a version published after the change is in force, and one email per change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.authorisations import service
from portal.authorisations.channels_policy import channel_change_notices
from portal.clock import today
from portal.jobs import reminders
from portal.outbox.models import OutboxMessage
from portal.people.models import Role
from portal.tasks import tasks_for
from tests.factories import add_version, make_clerk, make_department, make_person, make_policy
from tests.notifications.conftest import smtp_settings

COMMUNICATION = "social-media-electronic-communication"
TITLE = "Social Media and Electronic Communication Policy"


def _add(session, clerk, name: str, platform: str = "instagram"):
    channel = service.add_channel(
        session,
        clerk,
        platform=platform,
        name=name,
        url=f"https://{platform}.example/{name}",
        basis="Minute 26/7",
    )
    session.commit()
    return channel


def _review_tasks(app, session, person) -> list[tuple[str, str]]:
    with app.test_request_context():
        found = [(t.title, t.href) for t in tasks_for(session, person) if t.title.startswith("Review ")]
    session.commit()
    return found


def _notices(app, session):
    with app.app_context():
        counts = channel_change_notices(session, today())
    session.commit()
    return counts


def _emails(session) -> list[tuple[str, str]]:
    found = [
        (m.to_address, m.subject)
        for m in session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "channels_policy_review")
            .order_by(OutboxMessage.id)
        )
    ]
    session.commit()
    return found


@pytest.fixture
def clerk(session):
    return make_clerk(session)


@pytest.fixture
def communication(session, clerk):
    policy, _ = make_policy(session, clerk=clerk, slug=COMMUNICATION, title=TITLE)
    session.commit()
    return policy


def test_a_channel_joining_or_leaving_asks_the_clerk_to_review_the_communication_policy(
    app, session, clerk, communication
):
    deputy = make_person(session, roles={Role.DEPUTY_CLERK})
    assert _review_tasks(app, session, clerk) == []
    joined = _add(session, clerk, "Ashcombe TC")
    link = f"/policies/{COMMUNICATION}/versions"
    assert _review_tasks(app, session, clerk) == [
        (f"Review the {TITLE}: Ashcombe TC (Instagram) joined the register", link)
    ]
    service.retire_channel(session, clerk, joined)
    session.commit()
    assert _review_tasks(app, session, clerk) == [
        (f"Review the {TITLE}: 2 changes to the channels register", link)
    ]
    assert _review_tasks(app, session, deputy) == []  # publishing is the Town Clerk's alone


def test_each_change_is_emailed_once_to_each_town_clerk(app, session, clerk, communication):
    second = make_person(session, email="second.clerk@council.example", roles={Role.TOWN_CLERK})
    make_person(session, email="mayor@council.example", roles={Role.MAYOR})
    channel = _add(session, clerk, "Ashcombe TC")
    assert _notices(app, session) == {"channel changes": 2}
    assert _notices(app, session) == {}  # once, however often the daily run runs
    service.retire_channel(session, clerk, channel)
    session.commit()
    assert _notices(app, session) == {"channel changes": 2}
    subject = f"Review the {TITLE}: Ashcombe TC (Instagram)"
    assert _emails(session) == [
        (clerk.email, f"{subject} joined the register"),
        (second.email, f"{subject} joined the register"),
        (clerk.email, f"{subject} left the register"),
        (second.email, f"{subject} left the register"),
    ]
    body = session.scalar(select(OutboxMessage.text_body).where(OutboxMessage.to_address == clerk.email))
    assert f"/policies/{COMMUNICATION}/versions" in body and "PORTAL_CHANNELS_POLICY" not in body


def test_publishing_the_updated_policy_ends_the_review_and_nothing_more_is_sent(
    app, session, clerk, communication
):
    _add(session, clerk, "Ashcombe TC")
    add_version(session, clerk=clerk, policy=communication, label="2", material=False)
    session.commit()
    assert _review_tasks(app, session, clerk) == []
    assert _notices(app, session) == {}
    assert _emails(session) == []


def test_channels_the_wording_in_force_already_names_are_not_changes(app, session, clerk):
    _add(session, clerk, "Ashcombe TC website", platform="website")
    make_policy(session, clerk=clerk, slug=COMMUNICATION, title=TITLE)
    assert _review_tasks(app, session, clerk) == []
    assert _notices(app, session) == {}


def test_a_departments_channel_from_its_business_case_counts_too(app, session, clerk, communication):
    parks = make_department(session, name="Parks")
    service.add_case_channel(
        session,
        clerk,
        platform="facebook",
        name="Ashcombe Parks",
        url="https://facebook.example/parks",
        department_id=parks.id,
        case_reference="BC-2026-0001",
    )
    session.commit()
    assert _review_tasks(app, session, clerk) == [
        (
            f"Review the {TITLE}: Ashcombe Parks (Facebook) joined the register",
            f"/policies/{COMMUNICATION}/versions",
        )
    ]


def test_without_the_named_policy_the_clerk_is_still_asked_and_told_about_the_setting(
    app, session, clerk, monkeypatch
):
    """The setting names a policy the library does not hold: the review is not dropped."""
    networking, _ = make_policy(
        session, clerk=clerk, slug="social-media-networking", title="Networking Policy"
    )
    monkeypatch.setattr(app.config["PORTAL_SETTINGS"], "channels_policy", "our-communication-policy")
    _add(session, clerk, "Ashcombe TC")
    assert _review_tasks(app, session, clerk) == [
        (
            "Review the policy that lists the council's channels: "
            "Ashcombe TC (Instagram) joined the register",
            "/policies",
        )
    ]
    assert _notices(app, session) == {"channel changes": 1}
    body = session.scalar(
        select(OutboxMessage.text_body).where(OutboxMessage.kind == "channels_policy_review")
    )
    assert "PORTAL_CHANNELS_POLICY names 'our-communication-policy'" in body
    # Publishing a policy (the one that lists the channels, whatever its name) ends it.
    add_version(session, clerk=clerk, policy=networking, label="2", material=False)
    session.commit()
    assert _review_tasks(app, session, clerk) == []


def test_the_setting_can_name_the_councils_own_policy(app, session, clerk, monkeypatch):
    make_policy(session, clerk=clerk, slug=COMMUNICATION, title=TITLE)
    make_policy(session, clerk=clerk, slug="our-comms", title="Communications Policy")
    monkeypatch.setattr(app.config["PORTAL_SETTINGS"], "channels_policy", "our-comms")
    _add(session, clerk, "Ashcombe TC")
    assert _review_tasks(app, session, clerk) == [
        (
            "Review the Communications Policy: Ashcombe TC (Instagram) joined the register",
            "/policies/our-comms/versions",
        )
    ]


def test_with_no_policy_in_force_there_is_nothing_to_review(app, session, clerk):
    make_policy(session, clerk=clerk, slug=COMMUNICATION, title=TITLE, publish=False)
    _add(session, clerk, "Ashcombe TC")
    assert _review_tasks(app, session, clerk) == []
    assert _notices(app, session) == {}


def test_the_daily_run_sends_the_channel_notices(app, session, database_url, clerk, communication):
    _add(session, clerk, "Ashcombe TC")
    with app.test_request_context():
        counts = reminders.run(session, smtp_settings(database_url, 25), today())
    session.commit()
    assert counts["channel changes"] == 1
    assert [address for address, _ in _emails(session)] == [clerk.email]
