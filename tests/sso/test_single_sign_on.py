"""Signing in with the council's account against a real OpenID provider (issue 22):
matching by email once, then by (issuer, subject); every refusal with no session and an
audit event; the checks on state, code, nonce, audience and expiry."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import time_machine
from joserfc import jwt
from joserfc.jwk import OctKey
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth import oidc
from portal.auth.models import CouncilAccount
from portal.people.service import mark_leaver
from tests.factories import PASSWORD, make_clerk, make_person
from tests.helpers import Client
from tests.sso.fixtures import PORTAL_POST_LOGOUT_REDIRECT_URI, PORTAL_REDIRECT_URI
from tests.sso.portal import (
    answer_from_provider,
    new_sub,
    sign_in_with_council_account,
    to_provider,
)
from tests.sso.provider import TestProvider, login, start_provider


class _Event:
    def __init__(self, event: AuditEvent) -> None:
        self.object_id, self.actor_id = event.object_id, event.actor_id
        self.details = json.loads(event.details)


def _events(session, action: str) -> list[_Event]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return [_Event(event) for event in session.scalars(query)]


def _signed_in_as(client: Client) -> str | None:
    home = client.get("/")
    return None if home.status_code == 302 else home.get_data(as_text=True)


def test_the_sign_in_page_offers_the_council_account_only_when_set_up(client, session, sso, monkeypatch, app):
    page = client.get("/sign-in")
    assert "Sign in with your council account" in page.get_data(as_text=True)
    # The button posts here, and the answer redirects there: browsers apply form-action to both.
    assert f"form-action 'self' {sso.issuer};" in page.headers["Content-Security-Policy"]
    monkeypatch.setattr(app.config["PORTAL_SETTINGS"], "oidc_issuer", "")
    assert "Sign in with your council account" not in client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in/council").status_code == 404


def test_first_sign_in_matches_by_email_then_by_issuer_and_subject(client, session, sso: TestProvider):
    person = make_person(session, name="Ada Officer", email="ada.officer@council.example")
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email="Ada.Officer@council.example", name="Ada Officer")

    done = sign_in_with_council_account(client, sso, sub)

    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "Ada Officer" in (_signed_in_as(client) or "")
    [account] = session.scalars(select(CouncilAccount)).all()
    assert (account.person_id, account.issuer, account.subject) == (person.id, sso.issuer, sub)
    [linked] = _events(session, "auth.council_account_linked")
    assert linked.object_id == str(person.id)
    [signed_in] = _events(session, "auth.signed_in")
    assert signed_in.details == {"with": "council_account"}

    # Microsoft says the email claim can change: a bound account is known by its subject.
    sso.set_account(sub, email="ada.renamed@council.example", name="Ada Renamed")
    again = client.another_browser()
    assert sign_in_with_council_account(again, sso, sub).status_code == 302
    assert "Ada Officer" in (_signed_in_as(again) or "")
    assert session.scalar(select(func.count()).select_from(CouncilAccount)) == 1


def test_single_sign_on_never_creates_people(client, session, sso: TestProvider):
    sub = new_sub()
    sso.set_account(sub, email="stranger@council.example", name="A Stranger")

    refused = sign_in_with_council_account(client, sso, sub)

    assert refused.status_code == 200
    assert "There is no one in the portal with this email address" in refused.get_data(as_text=True)
    assert _signed_in_as(client) is None
    [event] = _events(session, "auth.sign_in_failed")
    assert event.details == {"reason": "unknown", "with": "council_account"}
    assert session.scalar(select(func.count()).select_from(CouncilAccount)) == 0


def test_an_address_outside_the_council_domains_is_not_matched(client, session, sso: TestProvider):
    make_person(session, email="guest@elsewhere.example")
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email="guest@elsewhere.example", name="A Guest")

    refused = sign_in_with_council_account(client, sso, sub)

    assert refused.status_code == 200 and _signed_in_as(client) is None
    assert _events(session, "auth.sign_in_failed")[0].details["reason"] == "not_council_domain"


def test_a_leaver_cannot_sign_in_though_their_account_still_exists(client, session, sso: TestProvider, app):
    clerk = make_clerk(session)
    person = make_person(session, email="leaving@council.example")
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email=person.email, name=person.name)
    assert sign_in_with_council_account(client, sso, sub).status_code == 302
    with app.test_request_context():
        mark_leaver(session, clerk, person, datetime.now(UTC).date())
    session.commit()
    # Unlinked at leaving: nothing needs it once they have gone.
    assert session.scalar(select(func.count()).select_from(CouncilAccount)) == 0

    later = client.another_browser()
    refused = sign_in_with_council_account(later, sso, sub)

    assert refused.status_code == 200 and "has ended" in refused.get_data(as_text=True)
    assert _signed_in_as(later) is None and _signed_in_as(client) is None
    assert _events(session, "auth.sign_in_failed")[-1].details["reason"] == "left"


def test_a_wrong_state_is_refused(client, session, sso: TestProvider):
    make_person(session, email="state@council.example")
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email="state@council.example", name="State Person")
    callback = login(to_provider(client.post("/sign-in/council"), sso), sub=sub, http=requests.Session())
    answer = dict(parse_qsl(urlsplit(callback).query), state="not-the-state-we-sent")

    refused = client.post("/sign-in/council/callback", answer)

    assert refused.status_code == 200 and _signed_in_as(client) is None
    assert _events(session, "auth.sign_in_failed")[-1].details == {
        "reason": "state",
        "with": "council_account",
    }


def test_an_answer_with_no_sign_in_pending_is_refused(client, session, sso: TestProvider):
    refused = client.post("/sign-in/council/callback", {"code": "made-up", "state": "made-up"})
    assert refused.status_code == 200 and "Start again" in refused.get_data(as_text=True)


def test_a_replayed_code_is_refused(client, session, sso: TestProvider):
    make_person(session, email="replay@council.example")
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email="replay@council.example", name="Replay Person")
    callback = login(to_provider(client.post("/sign-in/council"), sso), sub=sub, http=requests.Session())
    assert answer_from_provider(client, callback).status_code == 302

    # A second sign-in in another browser, answered with the first one's code.
    thief = client.another_browser()
    fresh = to_provider(thief.post("/sign-in/council"), sso)
    state = dict(parse_qsl(urlsplit(fresh).query))["state"]
    used = dict(parse_qsl(urlsplit(callback).query))
    refused = thief.post("/sign-in/council/callback", {**used, "state": state})

    assert refused.status_code == 200 and _signed_in_as(thief) is None
    assert _events(session, "auth.sign_in_failed")[-1].details["reason"] == "code"


def _real_id_token(sso: TestProvider, sub: str, nonce: str) -> str:
    request = sso.authorization_request(nonce=nonce)
    callback = login(request.url, sub=sub, http=requests.Session())
    token: str = sso.exchange_code(callback, request)["id_token"]
    return token


def _check(app, token: str, nonce: str) -> oidc.Identity:
    settings = app.config["PORTAL_SETTINGS"]
    with app.app_context():
        return oidc.check_id_token(settings, oidc.provider(settings), token, nonce=nonce)


def test_the_id_token_checks(app, sso: TestProvider):
    sub = new_sub()
    sso.set_account(sub, email="checks@council.example", name="Check Person")
    token = _real_id_token(sso, sub, "the-nonce")
    assert _check(app, token, "the-nonce").subject == sub

    with pytest.raises(oidc.SignInNotCompleted) as wrong_nonce:
        _check(app, token, "another-nonce")
    assert wrong_nonce.value.reason == "nonce"

    with pytest.raises(oidc.SignInNotCompleted) as elsewhere:
        _check(app, sso.code_for_other_client(sub, "the-nonce"), "the-nonce")
    assert elsewhere.value.reason == "audience"

    # An hour after it was issued, less than the allowance (ID tokens live an hour here).
    with (
        time_machine.travel(datetime.now(UTC) + timedelta(hours=1, minutes=2)),
        pytest.raises(oidc.SignInNotCompleted) as expired,
    ):
        _check(app, token, "the-nonce")
    assert expired.value.reason == "expired"

    header, payload, signature = token.split(".")
    with pytest.raises(oidc.SignInNotCompleted) as forged:
        _check(app, f"{header}.{payload}.{signature[::-1]}", "the-nonce")
    assert forged.value.reason == "signature"


def test_an_expired_id_token_signs_nobody_in(client, session, app, monkeypatch, tmp_path):
    """A provider whose ID tokens live one second, and no clock-skew allowance."""
    make_person(session, email="late@council.example")
    session.commit()
    with start_provider(
        tmp_path, PORTAL_REDIRECT_URI, PORTAL_POST_LOGOUT_REDIRECT_URI, id_token_ttl=1
    ) as quick:
        settings = app.config["PORTAL_SETTINGS"]
        for name, value in [
            ("oidc_issuer", quick.issuer),
            ("oidc_client_id", quick.client_id),
            ("oidc_client_secret", quick.client_secret),
            ("oidc_email_domains", "council.example"),
            ("oidc_clock_skew_seconds", 0),
            ("base_url", "http://localhost"),
        ]:
            monkeypatch.setattr(settings, name, value)
        sub = new_sub()
        quick.set_account(sub, email="late@council.example", name="Late Person")
        callback = login(
            to_provider(client.post("/sign-in/council"), quick), sub=sub, http=requests.Session()
        )
        # The token is made when the portal redeems the code: the portal's clock runs a few
        # seconds ahead of the provider's, well past the token's one second.
        with time_machine.travel(datetime.now(UTC) + timedelta(seconds=5)):
            refused = answer_from_provider(client, callback)
    assert refused.status_code == 200 and _signed_in_as(client) is None
    assert _events(session, "auth.sign_in_failed")[-1].details["reason"] == "expired"


def test_the_clerk_can_require_the_council_account_for_council_addresses(client, session, sso: TestProvider):
    clerk = make_clerk(session)
    staff = make_person(session, email="officer@council.example")
    volunteer = make_person(session, email="helper@volunteers.example")
    session.commit()
    assert client.sign_in_with_password(staff.email, PASSWORD).status_code == 302

    clerk_browser = client.another_browser()
    clerk_browser.sign_in_as(clerk)
    page = clerk_browser.get("/sign-in/settings").get_data(as_text=True)
    assert sso.issuer in page and "council.example" in page
    saved = clerk_browser.post("/sign-in/settings", {"required": "yes"})
    assert saved.status_code == 302
    assert "must now sign in with their council account" in clerk_browser.get("/sign-in/settings").get_data(
        as_text=True
    )
    assert _events(session, "auth.council_account_rule_changed")[-1].details == {"required": True}

    refused = client.another_browser().sign_in_with_password(staff.email, PASSWORD)
    assert refused.status_code == 200 and "sign in with their council account" in refused.get_data(
        as_text=True
    )
    assert client.another_browser().sign_in_with_password(volunteer.email, PASSWORD).status_code == 302


def test_a_council_account_cannot_be_required_without_single_sign_on(client, session, app, monkeypatch):
    clerk = make_clerk(session)
    session.commit()
    client.sign_in_as(clerk)
    assert "not set up" in client.get("/sign-in/settings").get_data(as_text=True)
    client.post("/sign-in/settings", {"required": "yes"})
    assert "not set up, so it cannot be required" in client.get("/sign-in/settings").get_data(as_text=True)
    assert client.another_browser().sign_in_with_password(clerk.email, PASSWORD).status_code == 302


def test_signing_out_offers_the_providers_sign_out(client, session, sso: TestProvider):
    make_person(session, email="bye@council.example")
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email="bye@council.example", name="Bye Person")
    sign_in_with_council_account(client, sso, sub)

    out = client.post("/sign-out")

    assert out.headers["Location"] == "/sign-in?signed_out=council"
    page = client.get(out.headers["Location"]).get_data(as_text=True)
    end_session = sso.metadata()["end_session_endpoint"]
    assert f'href="{end_session}?client_id=portal&amp;post_logout_redirect_uri=http' in page
    assert _signed_in_as(client) is None


def _unsigned(claims: dict[str, object], header: dict[str, str]) -> str:
    def part(value: dict[str, object] | dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def test_a_token_signed_with_none_or_the_client_secret_is_refused(app, sso: TestProvider):
    sub = new_sub()
    sso.set_account(sub, email="algs@council.example", name="Alg Person")
    claims = sso.id_token_claims(_real_id_token(sso, sub, "n"))
    with pytest.raises(oidc.SignInNotCompleted) as none:
        _check(app, _unsigned(claims, {"alg": "none", "typ": "JWT"}), "n")
    assert none.value.reason == "signature"
    # HS256 with the client secret: anyone holding the secret could then mint tokens.
    forged = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(sso.client_secret.encode()))
    with pytest.raises(oidc.SignInNotCompleted) as symmetric:
        _check(app, forged, "n")
    assert symmetric.value.reason == "signature"


def test_a_re_authentication_without_auth_time_is_refused(app):
    identity = oidc.Identity(issuer="https://idp.example", subject="s", email=None, name=None, auth_time=None)
    pending = oidc.Pending(state="s", nonce="n", code_verifier="v", pressed_at=1, purpose="sign_policy")
    with pytest.raises(oidc.SignInNotCompleted) as refused:
        oidc.logged_in_after(identity, pending, app.config["PORTAL_SETTINGS"])
    assert refused.value.reason == "no_auth_time"


def test_a_discovery_document_naming_another_host_is_not_trusted(app, sso: TestProvider, monkeypatch):
    settings = app.config["PORTAL_SETTINGS"]
    document = {**sso.metadata(), "jwks_uri": "https://keys.attacker.example/jwks"}
    monkeypatch.setattr(oidc, "_cached", lambda url, refresh=False: document)
    with pytest.raises(oidc.SignInNotCompleted) as elsewhere:
        oidc.provider(settings)
    assert elsewhere.value.reason == "discovery_elsewhere"
    monkeypatch.setattr(oidc, "_cached", lambda url, refresh=False: {**document, "issuer": "https://other.example"})
    with pytest.raises(oidc.SignInNotCompleted) as other_issuer:
        oidc.provider(settings)
    assert other_issuer.value.reason == "discovery_issuer"


def test_someone_without_a_password_is_not_offered_a_change_of_it(client, session, sso: TestProvider):
    person = make_person(session, email="no.password@council.example", with_password=False)
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email=person.email, name=person.name)
    sign_in_with_council_account(client, sso, sub)

    page = client.get("/account").get_data(as_text=True)

    assert "You have no portal password" in page and "Change password</button>" not in page


def test_the_subject_access_copy_names_the_linked_council_account(app, client, session, sso: TestProvider):
    from portal.privacy.service import person_to_export
    from portal.privacy.subject_access import export

    person = make_person(session, email="asks@council.example")
    session.commit()
    sub = new_sub()
    sso.set_account(sub, email=person.email, name=person.name)
    sign_in_with_council_account(client, sso, sub)
    session.expire_all()

    with app.test_request_context():
        loaded = person_to_export(session, person.id)
        assert loaded is not None
        [account] = export(session, loaded)["council_accounts"]

    assert (account["issuer"], account["subject"]) == (sso.issuer, sub)


def test_a_key_set_of_the_wrong_shape_refuses_the_token_without_an_error(app, sso: TestProvider, monkeypatch):
    sub = new_sub()
    sso.set_account(sub, email="shape@council.example", name="Shape Person")
    token = _real_id_token(sso, sub, "n")
    real = oidc._cached
    jwks_uri = sso.metadata()["jwks_uri"]

    def broken(url: str, refresh: bool = False) -> dict[str, object]:
        return {"not_keys": [{"kty": "nonsense"}]} if url == jwks_uri else real(url, refresh=refresh)

    monkeypatch.setattr(oidc, "_cached", broken)
    with pytest.raises(oidc.SignInNotCompleted) as refused:
        _check(app, token, "n")
    assert refused.value.reason == "signature"
