"""The channels register: why each channel is there (Networking Policy 3.4).

A department's own channel enters only through its approved business case
(tests/business_cases/test_case_channel.py); the council's corporate channels are added
by hand with the council's decision, its resolution or minute reference. Channels
registered before revision 0019 had no basis recorded, and say so until one is.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.authorisations import service
from portal.authorisations.models import BASIS_NOT_RECORDED, Channel
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Role
from tests.factories import make_department, make_person
from tests.helpers import text_of

MINUTE = "Minute 23/145, Council meeting 12 March 2024"
NEW_CHANNEL = {"platform": "instagram", "name": "Ashcombe TC", "url": "https://instagram.example/atc"}


@pytest.fixture
def clerk(session):
    return make_person(session, name="Clara Clerk", roles={Role.TOWN_CLERK})


def _audit(session, action: str) -> list[dict]:
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    return [json.loads(event.details) for event in events]


def _unrecorded(session, name: str = "Old page") -> Channel:
    """A channel as revision 0019 left one it found: no basis, the columns' defaults."""
    channel = Channel(platform="facebook", name=name, url="https://facebook.example/old", created_at=utcnow())
    session.add(channel)
    session.commit()
    session.refresh(channel)
    return channel


def test_the_clerk_adds_a_corporate_channel_with_the_councils_decision(client, session, clerk):
    client.sign_in_as(clerk)
    response = client.post("/authorisations/channels", {**NEW_CHANNEL, "basis": f"  {MINUTE} "})
    assert response.status_code == 302
    channel = session.scalar(select(Channel).where(Channel.name == "Ashcombe TC"))
    assert (channel.department_id, channel.basis_kind, channel.basis) == (None, "council_resolution", MINUTE)
    assert _audit(session, "authorisations.channel_added") == [
        {**NEW_CHANNEL, "basis_kind": "council_resolution", "basis": MINUTE}
    ]
    page = text_of(client.get("/authorisations/channels").get_data(as_text=True))
    assert f"Ashcombe TC (Instagram) https://instagram.example/atc Corporate {MINUTE}" in page
    assert verify_chain(session).ok


def test_a_corporate_channel_needs_its_basis_and_an_empty_one_gets_a_clear_error(client, session, clerk):
    client.sign_in_as(clerk)
    page = client.post("/authorisations/channels", {**NEW_CHANNEL, "basis": "   "}).get_data(as_text=True)
    assert "Enter the council resolution or minute reference that set up this channel" in page
    assert 'href="#basis"' in page  # the error summary links to the field
    assert session.scalar(select(func.count()).select_from(Channel)) == 0


@pytest.mark.parametrize(
    ("basis", "message"),
    [
        ("The council agreed it in the spring", "Include the minute or resolution number"),
        ("Minute 23/145\nand the discussion that followed", "Give the reference on one line"),
        ("Minute 23/145 " + "x" * 200, "Keep the reference to 200 characters or fewer"),
    ],
)
def test_a_basis_must_be_a_reference(client, session, clerk, basis, message):
    client.sign_in_as(clerk)
    page = client.post("/authorisations/channels", {**NEW_CHANNEL, "basis": basis}).get_data(as_text=True)
    assert message in page
    assert session.scalar(select(func.count()).select_from(Channel)) == 0
    assert _audit(session, "authorisations.channel_added") == []


def test_a_channel_added_by_hand_never_belongs_to_a_department(client, session, clerk):
    """A department's own account enters only through its approved business case: the
    form offers no department, and one posted anyway is not taken."""
    library = make_department(session, name="Library")
    client.sign_in_as(clerk)
    page = client.get("/authorisations/channels").get_data(as_text=True)
    assert 'name="department"' not in page and "Add a corporate channel" in page
    client.post("/authorisations/channels", {**NEW_CHANNEL, "basis": MINUTE, "department": str(library.id)})
    channel = session.scalar(select(Channel).where(Channel.name == "Ashcombe TC"))
    assert channel.department_id is None and channel.basis_kind == "council_resolution"


def test_a_channel_from_before_0019_shows_it_needs_a_basis_until_the_clerk_records_one(
    client, session, clerk
):
    channel = _unrecorded(session)
    assert (channel.basis_kind, channel.basis, channel.needs_basis) == (
        "not_recorded",
        BASIS_NOT_RECORDED,
        True,
    )
    client.sign_in_as(clerk)
    page = text_of(client.get("/authorisations/channels").get_data(as_text=True))
    assert "1 channel has no recorded basis" in page
    assert f"Needs a basis ({BASIS_NOT_RECORDED}) Record the basis of Old page (Facebook)" in page
    home = text_of(client.get("/").get_data(as_text=True))
    assert "Record the council's decision for the channel Old page (Facebook)" in home

    form = client.get(f"/authorisations/channels/{channel.id}/basis").get_data(as_text=True)
    assert 'name="basis"' in form and 'value=""' in form  # the marker is not offered as a basis
    refused = client.post(f"/authorisations/channels/{channel.id}/basis", {"basis": ""})
    assert "Enter the council resolution or minute reference" in refused.get_data(as_text=True)
    assert client.post(f"/authorisations/channels/{channel.id}/basis", {"basis": MINUTE}).status_code == 302
    session.refresh(channel)
    assert (channel.basis_kind, channel.basis, channel.needs_basis) == ("council_resolution", MINUTE, False)
    assert _audit(session, "authorisations.channel_basis_recorded") == [
        {"basis": MINUTE, "replaces": "not_recorded"}
    ]
    assert "no recorded basis" not in client.get("/authorisations/channels").get_data(as_text=True)
    assert "Record the council's decision" not in client.get("/").get_data(as_text=True)


def test_recording_the_same_basis_twice_records_it_once_and_a_new_one_replaces_it(session, clerk):
    channel = _unrecorded(session)
    service.record_basis(session, clerk, channel, MINUTE)
    service.record_basis(session, clerk, channel, MINUTE)
    service.record_basis(session, clerk, channel, "Minute 25/012, Council meeting 14 January 2025")
    assert _audit(session, "authorisations.channel_basis_recorded") == [
        {"basis": MINUTE, "replaces": "not_recorded"},
        {"basis": "Minute 25/012, Council meeting 14 January 2025", "replaces": "council_resolution"},
    ]


def test_only_the_town_clerk_records_a_basis_and_nobody_sees_the_task_without_the_right(
    client, session, clerk
):
    channel = _unrecorded(session)
    client.sign_in_as(make_person(session, roles={Role.DEPUTY_CLERK, Role.MANAGER}))
    assert client.post(f"/authorisations/channels/{channel.id}/basis", {"basis": MINUTE}).status_code == 403
    assert "Record the council's decision" not in client.get("/").get_data(as_text=True)
    session.refresh(channel)
    assert channel.needs_basis


def test_a_business_cases_channel_keeps_its_case_as_its_basis(client, session, clerk):
    library = make_department(session, name="Library")
    channel = service.add_case_channel(
        session, clerk, **NEW_CHANNEL, department_id=library.id, case_reference="BC-2026-0001"
    )
    session.commit()
    client.sign_in_as(clerk)
    assert client.get(f"/authorisations/channels/{channel.id}/basis").status_code == 404
    assert client.post(f"/authorisations/channels/{channel.id}/basis", {"basis": MINUTE}).status_code == 404
    with pytest.raises(DomainError, match="approved business case"):
        service.record_basis(session, clerk, channel, MINUTE)
    page = text_of(client.get("/authorisations/channels").get_data(as_text=True))
    assert "Ashcombe TC (Instagram) https://instagram.example/atc Library Business case BC-2026-0001" in page


def test_the_demo_councils_channels_are_corporate_with_their_minutes_and_a_reload_fills_a_gap(app, session):
    from portal.demo import DEMO_CHANNELS, load_demo_council

    with app.app_context():
        load_demo_council(session)
    session.commit()
    channels = {c.name: c for c in session.scalars(select(Channel))}
    assert {name: (c.department_id, c.basis_kind, c.basis) for name, c in channels.items()} == {
        name: (None, "council_resolution", basis) for _platform, name, _url, basis in DEMO_CHANNELS
    }
    website = channels["Ashcombe Town Council website"]
    website.basis_kind, website.basis = "not_recorded", BASIS_NOT_RECORDED  # as 0019 found it
    session.commit()
    with app.app_context():
        load_demo_council(session)
    session.commit()
    session.refresh(website)
    assert (website.basis_kind, website.basis) == (
        "council_resolution",
        "Minute 14/032, Council meeting 13 January 2014",
    )
    assert session.scalar(select(func.count()).select_from(Channel)) == len(DEMO_CHANNELS)
