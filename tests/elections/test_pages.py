"""The elections pages (the Town Clerk's) and the banners and flags a period puts on
other pages: the authorisation pages, a poster's home page, business cases in review."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.clock import today
from portal.elections import service
from portal.elections.models import Election
from portal.people.models import Role
from tests.elections.conftest import add_election
from tests.factories import make_department, make_person
from tests.helpers import text_of

TODAY = today()
BANNER = "Pre-election period: polling day is"


def _record(client, **overrides):
    form = {
        "kind": "by_election",
        "title": "By-election for Hillside ward",
        "poll_on": (TODAY + timedelta(days=50)).isoformat(),
        "period_starts_on": "",
    }
    form.update(overrides)
    return client.post("/elections/new", form)


def test_the_clerk_records_an_election_with_the_default_start(app, client, session, council):
    client.sign_in_as(council[0])
    assert "Elections" in text_of(client.get("/").get_data(as_text=True))  # in the navigation
    response = _record(client)
    assert response.status_code == 302
    election = session.scalars(select(Election)).one()
    with app.app_context():
        assert election.period_starts_on == service.notice_deadline(election.poll_on)
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "By-election for Hillside ward" in page and "the last day for the notice of election" in page
    listing = text_of(client.get("/elections").get_data(as_text=True))
    assert "By-election for Hillside ward" in listing and "Coming up" in listing


def test_bad_input_is_refused_with_messages_and_kept(client, session, council):
    client.sign_in_as(council[0])
    page = text_of(_record(client, kind="", title="Kept title", poll_on="").get_data(as_text=True))
    assert "Choose what kind of election it is" in page and "Enter polling day" in page
    page = _record(client, period_starts_on=(TODAY + timedelta(days=51)).isoformat()).get_data(as_text=True)
    assert (
        "must start before polling day" in text_of(page) and 'value="By-election for Hillside ward"' in page
    )
    assert session.scalar(select(func.count()).select_from(Election)) == 0


def test_only_the_town_clerk_may_record(client, session, council):
    deputy = make_person(session, roles={Role.DEPUTY_CLERK, Role.MAYOR})
    client.sign_in_as(deputy)
    assert client.get("/elections").status_code == 403
    assert _record(client).status_code == 403
    assert "/elections" not in client.get("/").get_data(as_text=True)


def test_correcting_and_cancelling_from_the_election_page(client, session, council):
    client.sign_in_as(council[0])
    _record(client)
    election = session.scalars(select(Election)).one()
    moved = TODAY + timedelta(days=57)
    response = client.post(
        f"/elections/{election.id}/correct",
        {
            "correct-kind": "by_election",
            "correct-title": "By-election for Hillside ward",
            "correct-poll_on": moved.isoformat(),
            "correct-period_starts_on": (TODAY + timedelta(days=58)).isoformat(),
        },
    )
    assert "must start before polling day" in text_of(response.get_data(as_text=True))
    refused = text_of(
        client.post(f"/elections/{election.id}/cancel", {"cancel-reason": ""}).get_data(as_text=True)
    )
    assert "Say why it is cancelled" in refused
    done = client.post(f"/elections/{election.id}/cancel", {"cancel-reason": "Uncontested"})
    assert done.status_code == 302
    session.refresh(election)
    assert election.status == "cancelled" and election.poll_on == TODAY + timedelta(days=50)
    assert client.get(f"/elections/{election.id + 1}").status_code == 404


def test_the_authorisation_pages_carry_the_banner_during_a_period_only(client, session, council, poster):
    clerk = council[0]
    client.sign_in_as(clerk)
    assert BANNER not in text_of(client.get("/authorisations").get_data(as_text=True))
    add_election(session, clerk, starts=TODAY + timedelta(days=1), poll=TODAY + timedelta(days=30))
    assert BANNER not in text_of(client.get("/authorisations").get_data(as_text=True))  # not yet
    add_election(session, clerk, starts=TODAY, poll=TODAY + timedelta(days=20), title="County election")
    poll = (TODAY + timedelta(days=20)).strftime("%-d %B %Y")
    for url in ("/authorisations", "/authorisations/1", "/authorisations/new"):
        page = text_of(client.get(url).get_data(as_text=True))
        assert f"{BANNER} {poll}" in page, url
        assert "Local Government Act 1986, section 2" in page
        assert "Code of Recommended Practice on Local Authority Publicity" in page


def test_a_posters_home_page_carries_the_banner_and_nobody_elses(client, session, council, poster):
    clerk, _, manager, *_ = council
    add_election(session, clerk, starts=TODAY - timedelta(days=3), poll=TODAY)
    client.sign_in_as(poster)
    assert BANNER in text_of(client.get("/").get_data(as_text=True))  # polling day itself
    client.sign_in_as(manager)
    assert BANNER not in text_of(client.get("/").get_data(as_text=True))


def test_business_cases_in_review_are_flagged_during_a_period(app, client, session, council):
    from portal.business_cases.risk import current_matrix
    from portal.business_cases.service import submit
    from tests.business_cases.helpers import complete_case

    clerk = council[0]
    deputy = make_person(session, roles={Role.DEPUTY_CLERK})
    department = make_department(session, name="Library")
    moderators = [make_person(session, department=department) for _ in range(2)]
    with app.app_context():
        draft = complete_case(session, clerk, department, moderators, account_name="Draft page")
        submitted = complete_case(session, clerk, department, moderators, account_name="Submitted page")
        submit(session, clerk, submitted, current_matrix())
    session.commit()
    client.sign_in_as(deputy)
    assert "Pre-election period" not in text_of(client.get("/business-cases").get_data(as_text=True))
    add_election(session, clerk, starts=TODAY, poll=TODAY + timedelta(days=25))
    listing = text_of(client.get("/business-cases").get_data(as_text=True))
    assert (
        "Pre-election period until polling day" in listing
        and "Consider approving it with a launch after the poll" in listing
    )
    flagged = text_of(client.get(f"/business-cases/{submitted.id}").get_data(as_text=True))
    assert "Pre-election period until polling day" in flagged
    assert "Pre-election period until polling day" not in text_of(
        client.get(f"/business-cases/{draft.id}").get_data(as_text=True)
    )


def test_the_list_is_paged(client, session, council):
    clerk = council[0]
    for number in range(51):
        add_election(
            session, clerk, starts=date(2027, 1, 4), poll=date(2027, 2, 4), title=f"Election {number}"
        )
    client.sign_in_as(clerk)
    page = text_of(client.get("/elections").get_data(as_text=True))
    assert "Elections recorded (51)" in page and "Page 1 of 2" in page
    assert "Page 2 of 2" in text_of(client.get("/elections?page=2").get_data(as_text=True))
