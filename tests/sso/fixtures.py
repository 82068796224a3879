"""The `provider` fixture: one real OpenID provider for the whole test session.

Not a conftest, so only the tests that sign in pay for starting node: a conftest or a
test module brings it in with `pytest_plugins = ["tests.sso.fixtures"]`.

The accounts file outlives each test (the fixture is session-wide), so every test
names its own subs; each `requests.Session` is a browser of its own at the provider.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sso.provider import TestProvider, start_provider

# The Flask test client's host: where the provider sends the person back.
PORTAL_REDIRECT_URI = "http://localhost/sign-in/council/callback"
PORTAL_POST_LOGOUT_REDIRECT_URI = "http://localhost/sign-in"


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestProvider]:
    with start_provider(
        tmp_path_factory.mktemp("sso-provider"), PORTAL_REDIRECT_URI, PORTAL_POST_LOGOUT_REDIRECT_URI
    ) as running:
        yield running
