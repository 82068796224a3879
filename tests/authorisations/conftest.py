import pytest

from portal.authorisations import service
from portal.people.models import Role
from tests.factories import make_person
from tests.policies.conftest import sign_as  # noqa: F401 (the same fixture)
from tests.training.conftest import bank_folder, loaded  # noqa: F401 (the same fixtures)


@pytest.fixture
def council(session, loaded):  # noqa: F811 (the fixture imported above)
    """The clerk (who loaded the test bank), a mayor, a manager, their team member, a channel."""
    clerk = loaded
    mayor = make_person(session, name="Mary Mayor", roles={Role.MAYOR})
    manager = make_person(session, name="Manny Manager", roles={Role.MANAGER})
    member = make_person(session, name="Tess Team", email="tess@council.example", manager=manager)
    channel = service.add_channel(
        session,
        clerk,
        platform="facebook",
        name="Council page",
        url="https://facebook.example/council",
        basis="Minute 24/001",
    )
    session.commit()
    return clerk, mayor, manager, member, channel
