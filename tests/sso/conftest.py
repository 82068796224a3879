"""Single sign-on tests run against one real OpenID provider (node oidc-provider on
loopback, tests/sso/provider.mjs), started once for the session by `provider`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal.config import Settings
from tests.sso.fixtures import provider  # noqa: F401 (a fixture, shared with this folder)
from tests.sso.provider import TestProvider

COUNCIL_DOMAIN = "council.example"  # tests.factories gives everyone an address here


@pytest.fixture
def sso(
    app: Flask,
    provider: TestProvider,  # noqa: F811 (the fixture above)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[TestProvider]:
    """The portal with single sign-on set up against the real test provider."""
    settings: Settings = app.config["PORTAL_SETTINGS"]
    monkeypatch.setattr(settings, "oidc_issuer", provider.issuer)
    monkeypatch.setattr(settings, "oidc_client_id", provider.client_id)
    monkeypatch.setattr(settings, "oidc_client_secret", provider.client_secret)
    monkeypatch.setattr(settings, "oidc_email_domains", COUNCIL_DOMAIN)
    monkeypatch.setattr(settings, "base_url", "http://localhost")
    yield provider
