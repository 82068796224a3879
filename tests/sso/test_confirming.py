"""Re-authentication at the moments that matter, for someone who signed in with their
council account (issue 22): a fresh login at the provider, made after the button was
pressed, for that act on that page; the evidence records the issuer and auth_time."""

from __future__ import annotations

import json

import requests
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import SignInFailure
from portal.authorisations.models import AuthorisationRevocation
from portal.policies.models import Acknowledgement, Receipt
from tests.business_cases.helpers import pdf_text
from tests.everything import one_of_everything
from tests.factories import make_clerk, make_person, make_policy
from tests.helpers import Client
from tests.sso.portal import (
    answer_from_provider,
    confirm_it_is_you,
    new_sub,
    sign_in_with_council_account,
    to_provider,
)
from tests.sso.provider import TestProvider, login


def _details(session, action: str) -> list[dict[str, object]]:
    session.expire_all()
    query = select(AuditEvent.details).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return [json.loads(text) for text in session.scalars(query)]


def _signed_in(client: Client, sso: TestProvider, person) -> str:
    sub = new_sub()
    sso.set_account(sub, email=person.email, name=person.name)
    assert sign_in_with_council_account(client, sso, sub).status_code == 302
    return sub


def test_signing_a_policy_with_a_fresh_login_records_it_as_evidence(client, session, sso: TestProvider):
    clerk = make_clerk(session)
    person = make_person(session, name="Sam Starter", email="sam.sso@council.example")
    policy, version = make_policy(session, clerk=clerk)
    session.commit()
    sub = _signed_in(client, sso, person)
    page = f"/policies/{policy.slug}"

    before = client.get(page).get_data(as_text=True)
    assert "Confirm it is you to sign this policy" in before
    assert 'name="password"' not in before and "Sign the policy</button>" not in before

    back = confirm_it_is_you(
        client,
        sso,
        sub,
        purpose="sign_policy",
        page=page,
        typed={"typed_name": "Sam Starter", "confirm": "y"},
    )

    assert back.status_code == 302 and back.headers["Location"] == page
    after = client.get(page).get_data(as_text=True)
    assert "You confirmed it is you with your council account" in after
    assert 'value="Sam Starter"' in after  # what was typed before going to confirm is kept
    signed = client.post(
        f"{page}/sign", {"version_id": str(version.id), "typed_name": "Sam Starter", "confirm": "y"}
    )
    assert signed.status_code == 302, signed.get_data(as_text=True)
    ack = session.scalar(select(Acknowledgement))
    assert ack is not None and ack.reauthenticated
    [confirmed] = _details(session, "auth.identity_confirmed")
    assert confirmed["purpose"] == "sign_policy" and confirmed["issuer"] == sso.issuer
    [event] = _details(session, "policies.signed")
    assert (event["confirmed_with"], event["issuer"]) == ("council_account", sso.issuer)
    assert event["auth_time"] == confirmed["auth_time"]
    receipt = session.scalar(select(Receipt).where(Receipt.acknowledgement_id == ack.id))
    text = pdf_text(receipt.pdf)
    assert "signed in again with their council account at" in text and sso.issuer in text


def test_a_login_older_than_the_press_is_refused(client, session, sso: TestProvider):
    """A provider that ignored prompt=login would hand back the old login: its auth_time
    is then earlier than the press, less the allowance."""
    clerk = make_clerk(session)
    person = make_person(session, email="early@council.example")
    policy, version = make_policy(session, clerk=clerk)
    session.commit()
    sub = _signed_in(client, sso, person)
    page = f"/policies/{policy.slug}"
    url = to_provider(client.post("/confirm-it-is-you", {"purpose": "sign_policy", "next": page}), sso)
    callback = login(url, sub=sub, http=requests.Session())
    # As if the button had been pressed two minutes after that login (the allowance is one).
    with client.http.session_transaction() as browser_session:
        browser_session["oidc_pending"]["pressed_at"] += 120
    back = answer_from_provider(client, callback)

    assert back.status_code == 302 and back.headers["Location"] == page
    assert "did not ask you to sign in again" in client.get(page).get_data(as_text=True)
    assert _details(session, "auth.identity_confirmation_failed")[-1] == {
        "purpose": "sign_policy",
        "reason": "auth_time",
    }
    refused = client.post(
        f"{page}/sign", {"version_id": str(version.id), "typed_name": person.name, "confirm": "y"}
    )
    assert "Confirm it is you first" in refused.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Acknowledgement)) == 0
    # Sending the form without confirming is not a guess at a password.
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_a_confirmation_is_for_one_act_on_one_page(client, session, sso: TestProvider):
    clerk = make_clerk(session)
    person = make_person(session, email="one.act@council.example")
    policy, version = make_policy(session, clerk=clerk)
    other, other_version = make_policy(session, clerk=clerk, slug="other-policy", title="Other Policy")
    session.commit()
    sub = _signed_in(client, sso, person)
    confirm_it_is_you(client, sso, sub, purpose="sign_policy", page=f"/policies/{policy.slug}")

    elsewhere = client.post(
        f"/policies/{other.slug}/sign",
        {"version_id": str(other_version.id), "typed_name": person.name, "confirm": "y"},
    )

    assert "Confirm it is you first" in elsewhere.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Acknowledgement)) == 0


def test_someone_elses_council_account_does_not_confirm(client, session, sso: TestProvider):
    clerk = make_clerk(session)
    person = make_person(session, email="mine@council.example")
    colleague = make_person(session, email="theirs@council.example")
    policy, _ = make_policy(session, clerk=clerk)
    session.commit()
    _signed_in(client, sso, person)
    theirs = _signed_in(client.another_browser(), sso, colleague)
    page = f"/policies/{policy.slug}"

    back = confirm_it_is_you(client, sso, theirs, purpose="sign_policy", page=page)

    assert back.headers["Location"] == page
    assert "That was a different council account" in client.get(page).get_data(as_text=True)
    assert _details(session, "auth.identity_confirmation_failed")[-1]["reason"] == "other_account"


def test_revoking_an_authorisation_with_the_council_account(app, client, session, sso: TestProvider):
    everything = one_of_everything(app, session)
    session.commit()
    sub = _signed_in(client, sso, everything.clerk)
    request_id = everything.ids["issued"]
    page = f"/authorisations/{request_id}"
    assert "Confirm it is you to revoke this authorisation" in client.get(page).get_data(as_text=True)

    confirm_it_is_you(client, sso, sub, purpose="revoke_authorisation", page=page, typed={"reason": "Left"})
    shown = client.get(page).get_data(as_text=True)
    assert "You confirmed it is you" in shown and ">Left</textarea>" in shown
    done = client.post(f"{page}/revoke", {"reason": "Left the events team"})

    assert done.status_code == 302
    assert session.scalar(select(func.count()).select_from(AuthorisationRevocation)) == 1
    [event] = _details(session, "authorisations.revoked")
    assert (event["confirmed_with"], event["issuer"]) == ("council_account", sso.issuer)


def test_the_clerk_signs_on_behalf_after_confirming_with_the_council_account(client, session, sso):
    clerk = make_clerk(session)
    person = make_person(session, email="away@council.example")
    policy, _ = make_policy(session, clerk=clerk)
    session.commit()
    sub = _signed_in(client, sso, clerk)
    page = f"/policies/{policy.slug}/on-behalf"
    form = {"person_email": person.email, "reason": "Signed the printed copy while on sick leave"}
    assert "Confirm it is you to sign on their behalf" in client.get(page).get_data(as_text=True)

    confirm_it_is_you(client, sso, sub, purpose="sign_on_behalf", page=page, typed=form)
    assert f'value="{person.email}"' in client.get(page).get_data(as_text=True)
    done = client.post(page, form)

    assert done.status_code == 302
    [event] = _details(session, "policies.signed")
    assert (event["method"], event["confirmed_with"]) == ("on_behalf", "council_account")
    # Used up: the next act on the page asks again.
    assert "Confirm it is you to sign on their behalf" in client.get(page).get_data(as_text=True)


def test_a_long_text_typed_before_confirming_is_not_kept_in_the_cookie():
    from portal.auth.confirmation import TYPED_BUDGET, keep_typed

    store: dict[str, object] = {}
    keep_typed(store, "/p", {"reason": "x" * (TYPED_BUDGET + 1), "csrf_token": "t"})
    assert store == {}
    keep_typed(store, "/p", {"reason": "short", "password": "never kept", "csrf_token": "t"})
    assert store["typed_before_confirming"] == {"path": "/p", "fields": {"reason": "short"}}
