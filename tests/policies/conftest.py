from __future__ import annotations

import pytest

from portal.policies import service
from portal.policies.signing import RequestDetails, sign
from tests.factories import PASSWORD


@pytest.fixture
def sign_as(app, session):
    """Sign a policy's current version as a person, the way the sign page does."""

    def signer(person, policy, **request):
        policy = service.get_policy(session, policy.slug)
        with app.app_context():  # the receipt is rendered from a template
            ack = sign(
                session,
                person,
                policy,
                version_id=service.current_version(policy).id,
                password=PASSWORD,
                typed_name=person.name,
                confirmed=True,
                request=RequestDetails(**request),
            )
        session.commit()
        return ack

    return signer
