"""The test OpenID provider and its headless person, on their own (no portal): the
single sign-on tests trust these helpers, so they are shown to work here first."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from tests.sso.provider import ProviderError, TestProvider, login, logout, start_provider


def _signed_in_claims(
    provider: TestProvider, http: requests.Session, sub: str, **extra: str
) -> dict[str, Any]:
    request = provider.authorization_request(**extra)
    callback = login(request.url, sub=sub, http=http)
    claims = provider.id_token_claims(provider.exchange_code(callback, request)["id_token"])
    assert claims["nonce"] == request.nonce
    return claims


def _wait_for_the_next_second() -> None:
    # auth_time is in whole seconds: two logins within one second carry the same one.
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.05)


def test_discovery_names_the_endpoints_a_client_needs(provider: TestProvider) -> None:
    metadata = provider.metadata()
    assert metadata["issuer"] == provider.issuer
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint"):
        assert metadata[endpoint].startswith(f"{provider.issuer}/")
    assert metadata["code_challenge_methods_supported"] == ["S256"]


def test_code_flow_with_pkce_gives_an_id_token_with_email_and_auth_time(provider: TestProvider) -> None:
    provider.set_account("flow-1", email="ada@example.org", name="Ada Lovelace")
    request = provider.authorization_request()

    callback = login(request.url, sub="flow-1")

    parts = urlsplit(callback)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == provider.redirect_uri
    assert parse_qs(parts.query)["iss"] == [provider.issuer]  # RFC 9207, sent by oidc-provider
    claims = provider.id_token_claims(provider.exchange_code(callback, request)["id_token"])
    assert claims["iss"] == provider.issuer
    assert claims["aud"] == "portal"
    assert claims["sub"] == "flow-1"
    assert claims["nonce"] == request.nonce
    assert claims["email"] == "ada@example.org"
    assert claims["email_verified"] is True
    assert claims["name"] == "Ada Lovelace"
    assert abs(claims["auth_time"] - time.time()) < 60
    assert claims["exp"] - claims["iat"] == 3600


def test_pkce_is_required(provider: TestProvider) -> None:
    query = parse_qs(urlsplit(provider.authorization_request().url).query)
    without_pkce = {k: v for k, v in query.items() if not k.startswith("code_challenge")}
    endpoint = provider.metadata()["authorization_endpoint"]
    response = requests.get(endpoint, params=without_pkce, allow_redirects=False, timeout=10)
    assert "error=invalid_request" in response.headers["Location"]


def test_authlibs_client_completes_a_forced_login(provider: TestProvider) -> None:
    # As portal/auth/oidc.py asks: client_secret_basic, S256, query response, a forced login.
    provider.set_account("flow-authlib", email="mary@example.org", name="Mary Somerville")
    client = OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope="openid email profile",
        redirect_uri=provider.redirect_uri,
        code_challenge_method="S256",
    )
    verifier, nonce = generate_token(64), generate_token(32)
    url, state = client.create_authorization_url(
        provider.metadata()["authorization_endpoint"],
        code_verifier=verifier,
        nonce=nonce,
        response_mode="query",
        prompt="login",
        max_age=0,
    )

    callback = login(url, sub="flow-authlib")

    token = client.fetch_token(
        provider.metadata()["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=verifier,
    )
    claims = provider.id_token_claims(token["id_token"])
    assert (claims["sub"], claims["nonce"], claims["aud"]) == ("flow-authlib", nonce, "portal")


def test_a_changed_email_shows_in_the_next_login(provider: TestProvider) -> None:
    http = requests.Session()
    provider.set_account("flow-2", email="old@example.org", name="Grace Hopper")
    assert _signed_in_claims(provider, http, "flow-2")["email"] == "old@example.org"

    provider.set_account("flow-2", email="new@example.org", name="Grace Hopper")

    # The same browser: the provider signs in silently, with the account read afresh.
    assert _signed_in_claims(provider, http, "flow-2")["email"] == "new@example.org"


@pytest.mark.parametrize("forcing", [{"prompt": "login"}, {"max_age": "0"}], ids=["prompt", "max_age"])
def test_a_forced_login_asks_again_in_the_same_session_and_moves_auth_time(
    provider: TestProvider, forcing: dict[str, str]
) -> None:
    http = requests.Session()
    provider.set_account("flow-3", email="kath@example.org", name="Katherine Johnson")
    first = _signed_in_claims(provider, http, "flow-3")
    assert _signed_in_claims(provider, http, "flow-3")["auth_time"] == first["auth_time"]  # silent
    _wait_for_the_next_second()

    forced = provider.authorization_request(**forcing)
    asked = http.get(forced.url, allow_redirects=False, timeout=10)

    assert urlsplit(asked.headers["Location"]).path.startswith("/interaction/")
    again = _signed_in_claims(provider, http, "flow-3", **forcing)
    assert again["auth_time"] > first["auth_time"]


def test_another_person_can_sign_in_over_an_existing_session(provider: TestProvider) -> None:
    http = requests.Session()
    provider.set_account("flow-4a", email="a@example.org", name="A")
    provider.set_account("flow-4b", email="b@example.org", name="B")
    assert _signed_in_claims(provider, http, "flow-4a")["sub"] == "flow-4a"

    assert _signed_in_claims(provider, http, "flow-4b", prompt="login")["sub"] == "flow-4b"


def test_an_unknown_or_removed_account_cannot_sign_in(provider: TestProvider) -> None:
    with pytest.raises(ProviderError, match="asked for a login again"):
        login(provider.authorization_request().url, sub="nobody-at-all")

    http = requests.Session()
    provider.set_account("flow-5", email="gone@example.org", name="Gone Soon")
    _signed_in_claims(provider, http, "flow-5")
    provider.remove_account("flow-5")
    silent = http.get(provider.authorization_request(prompt="none").url, allow_redirects=False, timeout=10)
    assert "error=login_required" in silent.headers["Location"]


def test_an_id_token_for_another_client(provider: TestProvider) -> None:
    provider.set_account("flow-6", email="other@example.org", name="Other")

    claims = provider.id_token_claims(provider.code_for_other_client("flow-6", "nonce-6"))

    assert claims["aud"] == "another-portal"
    assert claims["nonce"] == "nonce-6"
    assert claims["iss"] == provider.issuer


def test_logout_returns_to_the_portal_and_ends_the_session(provider: TestProvider) -> None:
    http = requests.Session()
    provider.set_account("flow-7", email="bye@example.org", name="Bye")
    request = provider.authorization_request()
    id_token = provider.exchange_code(login(request.url, sub="flow-7", http=http), request)["id_token"]
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": provider.post_logout_redirect_uri,
            "state": "s7",
        }
    )

    back = logout(f"{provider.metadata()['end_session_endpoint']}?{query}", http=http)

    assert back == f"{provider.post_logout_redirect_uri}?state=s7"
    silent = http.get(provider.authorization_request(prompt="none").url, allow_redirects=False, timeout=10)
    assert "error=login_required" in silent.headers["Location"]


def test_a_provider_of_its_own_with_another_redirect_uri_and_short_id_tokens(tmp_path: Path) -> None:
    browser_callback = "http://127.0.0.1:8765/sign-in/council/callback"
    with start_provider(
        tmp_path,
        "http://localhost/sign-in/council/callback",
        "http://localhost/sign-in",
        extra_redirect_uris=[browser_callback],
        id_token_ttl=30,
    ) as own:
        own.set_account("flow-8", email="own@example.org", name="Own")
        request = own.authorization_request(redirect_uri=browser_callback)
        callback = login(request.url, sub="flow-8")
        assert callback.startswith(f"{browser_callback}?")
        claims = own.id_token_claims(own.exchange_code(callback, request)["id_token"])
        assert claims["exp"] - claims["iat"] == 30
    assert own.process is not None and own.process.returncode is not None  # stopped
