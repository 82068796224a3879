"""Signing in with the council account, and confirming it is you before signing a
policy, in the real browser against a real OpenID provider (tests/sso/provider.mjs).

What only a browser shows: the portal's Content-Security-Policy lets its forms' redirects
through to the provider (form-action names the issuer's origin, and browsers apply it to
the redirect after a form is sent), the "Finishing signing in" page moves on by itself
under the CSP nonce, and prompt=login makes the provider ask again though the browser
still has its session there. Only the portal's pages are checked with axe: the
provider's development pages are not ours to fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.demo import DEMO_DOMAIN, demo_email
from portal.people.models import Person
from tests.browser.conftest import run_axe
from tests.sso.portal import new_sub
from tests.sso.provider import TestProvider, start_provider

pytestmark = pytest.mark.browser

NAME = "Nina Foster"  # the demo council's new starter, with two policies to sign


@pytest.fixture
def identity_provider(app, live_server, monkeypatch, tmp_path) -> Iterator[TestProvider]:
    """A provider that sends people back to the live server, and the running app (the one
    the live server serves) set up to use it; monkeypatch puts the settings back after."""
    with start_provider(
        tmp_path / "provider", f"{live_server.url}/sign-in/council/callback", f"{live_server.url}/sign-in"
    ) as running:
        settings = app.config["PORTAL_SETTINGS"]
        monkeypatch.setattr(settings, "oidc_issuer", running.issuer)
        monkeypatch.setattr(settings, "oidc_client_id", running.client_id)
        monkeypatch.setattr(settings, "oidc_client_secret", running.client_secret)
        monkeypatch.setattr(settings, "oidc_email_domains", DEMO_DOMAIN)
        # The redirect URI is built from base_url, never the Host header: it must be ours.
        monkeypatch.setattr(settings, "base_url", live_server.url)
        yield running


Errors = list[tuple[str, str]]  # (console text, page address)


def _portal_errors(page, provider: TestProvider) -> Errors:
    """The browser console's errors (CSP refusals among them) on every page but the
    provider's own, which has no favicon: Chromium's 404 for it is not the portal's."""
    errors: Errors = []

    def note(message) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and not where.startswith(provider.issuer + "/"):
            errors.append((message.text, where))

    page.on("console", note)
    return errors


def _log_in_at_provider(page, provider: TestProvider, sub: str, errors: Errors) -> None:
    """At the provider's development login page: the sub as the login, any password."""
    try:
        page.wait_for_url(f"{provider.issuer}/interaction/**", timeout=10_000)
    except PlaywrightTimeoutError:
        # A form-action refusal leaves the browser where it was, saying why only in the console.
        raise AssertionError(f"the browser did not reach the provider from {page.url}: {errors}") from None
    page.locator('input[name="login"]').fill(sub)
    page.locator('input[name="password"]').fill("any password will do")
    page.get_by_role("button", name="Sign-in").click()


def _back_at(page, live_server, path: str, errors: Errors) -> None:
    """Back at the portal once the "Finishing signing in" page has posted itself on: the
    callback's GET only shows that page, which must leave without a click."""
    page.wait_for_url(f"{live_server.url}{path}", timeout=10_000)
    assert errors == []


def _signed_event_details(session, email: str) -> list[dict[str, object]]:
    session.expire_all()
    person_id = session.scalar(select(Person.id).where(Person.email == email))
    query = (
        select(AuditEvent.details)
        .where(AuditEvent.action == "policies.signed", AuditEvent.actor_id == person_id)
        .order_by(AuditEvent.id)
    )
    details = [json.loads(text) for text in session.scalars(query)]
    session.rollback()  # no read transaction left open: SQLite would lock the live server out
    return details


def test_a_council_account_signs_in_confirms_it_is_them_and_signs_a_policy(
    page, session, live_server, demo_council, identity_provider
):
    provider = identity_provider
    sub = new_sub()
    provider.set_account(sub, email=demo_email("nina.foster"), name=NAME)
    errors = _portal_errors(page, provider)

    page.goto("/sign-in")
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign in with your council account").click()
    _log_in_at_provider(page, provider, sub, errors)
    _back_at(page, live_server, "/", errors)
    expect(page.get_by_role("heading", name="What I need to do")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(page.get_by_text(NAME).first).to_be_visible()
    assert run_axe(page) == []

    page.locator(".govuk-task-list__link", has_text="Read and sign").first.click()
    expect(page.get_by_role("heading", name="Sign to confirm you have read it")).to_be_visible()
    policy_path = page.url.removeprefix(live_server.url)
    assert re.fullmatch(r"/policies/[\w-]+", policy_path), policy_path
    confirm = page.get_by_role("button", name="Confirm it is you to sign this policy")
    expect(confirm).to_be_visible()
    expect(page.locator('input[type="password"]')).to_have_count(0)  # the provider asks instead
    expect(page.get_by_role("button", name="Sign the policy")).to_have_count(0)
    assert run_axe(page) == []

    # Typed first: it must survive the trip to the provider and back.
    page.get_by_label("I confirm the statement above").check()
    page.get_by_label("Type your full name").fill(NAME)
    authorize = provider.metadata()["authorization_endpoint"]
    with page.expect_request(lambda request: request.url.startswith(authorize + "?")) as asked:
        confirm.click()
    # The browser still has its session at the provider: only prompt=login makes it ask.
    query = parse_qs(urlsplit(asked.value.url).query)
    assert (query["prompt"], query["max_age"]) == (["login"], ["0"])
    _log_in_at_provider(page, provider, sub, errors)
    _back_at(page, live_server, policy_path, errors)
    expect(page.locator("#identity-confirmed")).to_contain_text("You confirmed it is you")
    expect(page.get_by_text("You have confirmed it is you.")).to_be_visible()
    expect(page.get_by_label("Type your full name")).to_have_value(NAME)
    expect(page.get_by_label("I confirm the statement above")).to_be_checked()
    expect(page.get_by_role("button", name="Confirm it is you to sign this policy")).to_have_count(0)
    assert run_axe(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name="Sign the policy").click()
    expect(page.get_by_role("heading", name="Policy signed")).to_be_visible()
    assert run_axe(page) == []
    [signed] = _signed_event_details(session, demo_email("nina.foster"))
    assert signed["confirmed_with"] == "council_account"
    assert signed["issuer"] == provider.issuer

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert page.url == f"{live_server.url}/sign-in?signed_out=council"
    sign_out_too = page.get_by_role("link", name="Sign out of your council account too")
    expect(sign_out_too).to_have_attribute(
        "href", re.compile("^" + re.escape(provider.metadata()["end_session_endpoint"]) + r"\?")
    )
    assert run_axe(page) == []

    # The link ends the provider's session too, and the provider sends the browser back to
    # the post-logout URI the portal registered; only then does the provider ask again.
    sign_out_too.click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/sign-in", timeout=10_000)
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(sign_out_too).to_have_count(0)
    assert run_axe(page) == []
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url(f"{provider.issuer}/interaction/**", timeout=10_000)
    expect(page.locator('input[name="login"]')).to_be_visible()
    assert errors == []


def test_the_finishing_signing_in_page_passes_axe_as_a_browser_without_javascript_sees_it(
    page, identity_provider
):
    """The journey's own "Finishing signing in" page leaves before axe could look at it, so
    here it is loaded with scripts off (its auto-submit never runs, and it keeps its
    Continue button, as without JavaScript), then scripts go back on for axe, whose
    promise needs the page's timers. Its GET changes nothing, so any answer will do; the
    provider is there because without single sign-on set up the page is not found."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("Emulation.setScriptExecutionDisabled", {"value": True})
    page.goto("/sign-in/council/callback?code=not-a-real-code&state=not-a-real-state")
    devtools.send("Emulation.setScriptExecutionDisabled", {"value": False})
    expect(page.get_by_role("heading", name="Finishing signing in")).to_be_visible()
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    assert run_axe(page) == []


def test_someone_the_portal_does_not_know_is_told_so_and_not_signed_in(
    page, live_server, demo_council, identity_provider
):
    provider = identity_provider
    sub = new_sub()
    provider.set_account(sub, email=f"not.here@{DEMO_DOMAIN}", name="Not Here")
    errors = _portal_errors(page, provider)

    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with your council account").click()
    _log_in_at_provider(page, provider, sub, errors)

    expect(page.get_by_role("heading", name="You could not be signed in")).to_be_visible()
    expect(page.get_by_text("There is no one in the portal with this email address")).to_be_visible()
    assert run_axe(page) == []
    assert errors == []
    page.goto("/")
    assert urlsplit(page.url).path == "/sign-in"
