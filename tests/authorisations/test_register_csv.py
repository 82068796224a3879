"""The register of posting authorisations, which every member of staff can download,
shows formula-like names and scopes as text (see tests/test_csv_exports.py)."""

from __future__ import annotations

from datetime import date, timedelta

from portal.authorisations import service
from portal.people.models import Role
from tests.authorisations.test_authorisations import _issued
from tests.factories import PASSWORD, make_person
from tests.test_csv_exports import assert_no_formula


def test_the_posting_register_defuses_formulas(app, client, session, loaded, sign_as):
    clerk = loaded
    manager = make_person(session, roles={Role.MANAGER})
    member = make_person(session, name="=HYPERLINK(1)", manager=manager)
    channel = service.add_channel(
        session,
        clerk,
        platform="facebook",
        name="@SUM(1+1)",
        url="https://fb.example/c",
        basis="Minute 24/001",
    )
    session.commit()
    request = _issued(app, session, (clerk, None, manager, member, channel), sign_as)
    request.scope = "-2+3 and +1"
    session.flush()
    with app.app_context():
        service.issue(session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None)
    session.commit()
    client.sign_in_as(make_person(session))  # every member of staff may download it
    text = client.get("/authorisations/register.csv").get_data(as_text=True)
    assert_no_formula(text)
    assert "'=HYPERLINK(1)" in text and "'@SUM(1+1) (Facebook)" in text and "'-2+3 and +1" in text
    assert str(date.today() + timedelta(days=30)) in text
