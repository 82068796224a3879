"""The portal's side of single sign-on in tests: a person going through the whole round
trip with the Flask test client."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlsplit

import requests
from werkzeug.test import TestResponse

from tests.helpers import Client
from tests.sso.provider import TestProvider, login


def new_sub() -> str:
    """Accounts outlive a test at the session-wide provider: each test makes its own."""
    return f"sub-{uuid.uuid4().hex[:12]}"


def to_provider(response: TestResponse, provider: TestProvider) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.startswith(provider.metadata()["authorization_endpoint"])
    return location


def answer_from_provider(client: Client, callback_url: str) -> TestResponse:
    """The browser arrives back (a GET that changes nothing), then its page posts on."""
    parts = urlsplit(callback_url)
    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200 and "Finishing signing in" in page.get_data(as_text=True)
    return client.post("/sign-in/council/callback", dict(parse_qsl(parts.query)))


def sign_in_with_council_account(
    client: Client, provider: TestProvider, sub: str, *, http: requests.Session | None = None
) -> TestResponse:
    url = to_provider(client.post("/sign-in/council"), provider)
    return answer_from_provider(client, login(url, sub=sub, http=http or requests.Session()))


def confirm_it_is_you(
    client: Client,
    provider: TestProvider,
    sub: str,
    *,
    purpose: str,
    page: str,
    typed: dict[str, str] | None = None,
) -> TestResponse:
    """The button on an act's page: a fresh login at the provider, then back to the page."""
    pressed = client.post("/confirm-it-is-you", {"purpose": purpose, "next": page, **(typed or {})})
    url = to_provider(pressed, provider)
    assert "prompt=login" in url and "max_age=0" in url
    return answer_from_provider(client, login(url, sub=sub, http=requests.Session()))
