"""Where a breach goes, by engagement type, kept as data (issue: right in law, section 1)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, update

from portal.people.breach_routes import DEFAULT_ROUTES, BreachRoute, Route, all_routes, route_for
from portal.people.models import EngagementType
from portal.policies import service as policies
from portal.policies.models import Acknowledgement
from portal.policies.signing import RequestDetails, sign
from tests.conduct.helpers import open_case
from tests.factories import PASSWORD, make_clerk, make_person, make_policy
from tests.helpers import migrate

E = EngagementType

DEFAULTS = {
    E.EMPLOYEE: Route.DISCIPLINARY,
    E.TEMPORARY: Route.DISCIPLINARY,
    E.BANK: Route.DISCIPLINARY,
    E.SECONDMENT: Route.EMPLOYER_REPORT,
    E.HONORARY: Route.EMPLOYER_REPORT,
    E.AGENCY: Route.AGENCY_REPORT,
    E.CONTRACTOR: Route.CONTRACT,
    E.VOLUNTEER: Route.VOLUNTEER_CONCERN,
    E.COUNCILLOR: Route.MONITORING_OFFICER,
}


def test_the_default_routes_are_the_councils_usual_ones(session):
    """As migration 0017 writes them (the tests put the same rows back after each test)."""
    assert dict(all_routes(session)) == DEFAULTS == DEFAULT_ROUTES


def _signed_statement(app, session, engagement: EngagementType, slug: str) -> str:
    clerk = make_clerk(session)
    person = make_person(session, engagement=engagement)
    policy, version = make_policy(session, clerk=clerk, slug=slug, engagements=list(EngagementType))
    with app.app_context():
        ack: Acknowledgement = sign(
            session,
            person,
            policies.get_policy(session, policy.slug),
            version_id=version.id,
            password=PASSWORD,
            typed_name=person.name,
            confirmed=True,
            request=RequestDetails(),
        )
    return ack.statement_text


@pytest.mark.parametrize(
    ("engagement", "names"),
    [
        (E.EMPLOYEE, "the council may deal with the matter under its Disciplinary Policy"),
        (E.COUNCILLOR, "a complaint may be made to the Monitoring Officer under the Members' Code of Conduct"),  # noqa: E501
        (E.VOLUNTEER, "the council may deal with the matter under my volunteer agreement"),
        (E.AGENCY, "the council may report the matter to my agency"),
        (E.CONTRACTOR, "the council may deal with the matter under my contract with it"),
    ],
)
def test_the_signed_statement_names_the_route_that_applies_to_the_person(app, session, engagement, names):
    statement = _signed_statement(app, session, engagement, slug=f"policy-{engagement.value}")
    assert statement.endswith(f"if I break it, {names}.")
    if engagement != E.EMPLOYEE:
        assert "Disciplinary Policy" not in statement


def test_a_council_that_changes_a_route_changes_what_is_signed(app, session):
    changed = update(BreachRoute).where(BreachRoute.engagement_type == "bank").values(route="agency_report")
    session.execute(changed)
    session.commit()
    assert route_for(session, E.BANK) == Route.AGENCY_REPORT
    assert "report the matter to my agency" in _signed_statement(app, session, E.BANK, slug="bank-policy")


@pytest.mark.parametrize(
    ("engagement", "route_words"),
    [
        (E.COUNCILLOR, "a referral to the Monitoring Officer"),
        (E.VOLUNTEER, "a conduct concern under their volunteer agreement"),
        (E.AGENCY, "a report to their agency"),
        (E.SECONDMENT, "a report to their employer or appointing body"),
        (E.CONTRACTOR, "a matter under their contract"),
    ],
)
def test_a_disciplinary_case_is_never_opened_where_the_route_is_another(
    client, session, staff, engagement, route_words
):
    subject = make_person(session, name="Nat Other", engagement=engagement)
    client.sign_in_as(staff.hr)
    page = open_case(client, staff, subject=subject).get_data(as_text=True)
    assert "is not employed by the council" in page and route_words in page
    assert "not a disciplinary case" in page and "Record it under Breach records" in page


@pytest.mark.parametrize("engagement", [E.EMPLOYEE, E.TEMPORARY, E.BANK])
def test_a_disciplinary_case_is_opened_for_those_the_council_employs(client, session, staff, engagement):
    subject = make_person(session, name="Emma Employed", engagement=engagement)
    client.sign_in_as(staff.hr)
    assert open_case(client, staff, subject=subject).status_code == 302


def test_migration_0017_writes_the_default_routes(tmp_path):
    url = f"sqlite:///{tmp_path / 'routes.sqlite3'}"
    migrate(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = dict(connection.execute(select(BreachRoute.engagement_type, BreachRoute.route)).tuples().all())
    engine.dispose()
    assert rows == {e.value: r.value for e, r in DEFAULT_ROUTES.items()}
