"""A council with an authorised poster (the authorisations' test council, its member
authorised to post), for the elections tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.authorisations import service as authorisations
from portal.elections.models import Election
from portal.training import attempts
from tests.authorisations.conftest import council  # noqa: F401 (the same fixture)
from tests.factories import PASSWORD
from tests.policies.conftest import sign_as  # noqa: F401 (the same fixture)
from tests.training.conftest import bank_folder, loaded  # noqa: F401 (the same fixtures)
from tests.training.helpers import answer_all


@pytest.fixture
def poster(app, session, council, sign_as):  # noqa: F811 (the fixtures imported above)
    """The council's team member, holding a written authorisation to post from today."""
    from portal.policies.service import get_policy

    clerk, _, manager, member, channel = council
    with app.app_context():  # a request emails the Mayor and the Town Clerk
        request = authorisations.request_authorisation(
            session,
            manager,
            authorisations.RequestDetails(
                person=member,
                channel_ids=[channel.id],
                scope="Event notices",
                conditions="",
                starts_on=date.today(),
                ends_on=date.today() + timedelta(days=200),
                justification="Runs the events page",
            ),
        )
    session.commit()
    sign_as(member, get_policy(session, "test-policy"))
    attempt = attempts.start_attempt(session, member, attempts.get_quiz(session, "authorised-poster"))
    answer_all(session, member, attempt, right=True)
    attempts.submit(session, member, attempt)
    with app.app_context():
        authorisations.issue(
            session, clerk, request, password=PASSWORD, typed_name=clerk.name, ip_address=None
        )
    session.commit()
    return member


def add_election(
    session, clerk, *, starts: date, poll: date, title: str = "Town council election"
) -> Election:
    """An election row as it would be stored, whatever its dates (the service refuses a
    past poll; the boundaries are tested on rows like this), with the audit event the
    service writes beside it: pages kept until the next change (portal.audit.cache) see
    it as a change."""
    from portal.audit.service import record
    from portal.db import utcnow
    from portal.elections.service import OBJECT_TYPE

    election = Election(
        kind="ordinary",
        title=title,
        poll_on=poll,
        period_starts_on=starts,
        start_given=True,
        status="recorded",
        recorded_by_id=clerk.id,
        recorded_at=utcnow(),
        cancel_reason="",
    )
    session.add(election)
    session.flush()
    record(session, actor=clerk, action="election.recorded", object_type=OBJECT_TYPE, object_id=election.id)
    session.commit()
    return election
