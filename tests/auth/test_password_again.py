"""A password typed again to confirm a serious act counts as a sign-in attempt (issue 15, §3).

The account page, signing a policy, and the Clerk's on-behalf and paper forms all
check the password with the same per-account throttle as the sign-in page: five
failures in fifteen minutes, then even the right password waits. (Issuing an
authorisation is tested in tests/authorisations/test_password_again.py.)
"""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import SignInFailure
from portal.auth.passwords import password_matches
from portal.people.models import EngagementType, Person
from portal.policies.models import Acknowledgement
from tests.factories import PASSWORD, make_clerk, make_person, make_policy
from tests.helpers import Client

WRONG = "not my password at all"
NEW_PASSWORD = "a-brand-new-passphrase-2027"
THROTTLED = "Too many wrong passwords have been entered for your account"


def _count(session, query) -> int:
    session.expire_all()
    found = session.scalar(query)
    session.commit()  # end the read: on SQLite an open transaction would hold up the requests
    return found


def failures(session, email: str) -> int:
    return _count(session, select(func.count()).where(SignInFailure.account == email))


def failure_events(session, purpose: str) -> int:
    return _count(
        session,
        select(func.count()).where(
            AuditEvent.action == "auth.password_check_failed",
            AuditEvent.details.contains(f'"purpose":"{purpose}"'),
        ),
    )


def acknowledgements(session) -> int:
    return _count(session, select(func.count()).select_from(Acknowledgement))


def _change(client: Client, current: str):
    return client.post(
        "/account", {"current_password": current, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )


def test_wrong_current_passwords_on_the_account_page_are_throttled_like_sign_in(client, session):
    person = make_person(session, email="alex@council.example")
    client.sign_in_as(person)
    answers = [_change(client, WRONG).get_data(as_text=True) for _ in range(12)]
    assert all("Your current password is not correct" in html for html in answers[:5])
    assert all(THROTTLED in html for html in answers[5:])
    right = _change(client, PASSWORD)
    assert right.status_code == 200
    assert THROTTLED in right.get_data(as_text=True)
    # Only the five checked before the wait count; the rest were refused unchecked.
    assert failures(session, "alex@council.example") == 5
    assert failure_events(session, "change_password") == 5
    session.expire_all()
    assert password_matches(session.get(Person, person.id).password_hash, PASSWORD)
    session.commit()
    # It is the same account as at the sign-in page, so that waits too.
    elsewhere = client.another_browser().sign_in_with_password("alex@council.example", PASSWORD)
    assert "Too many failed attempts" in elsewhere.get_data(as_text=True)


def test_failures_at_sign_in_make_the_account_page_wait_too(client, another_client, session):
    person = make_person(session, email="alex@council.example")
    for _ in range(5):
        another_client.sign_in_with_password("alex@council.example", WRONG)
    client.sign_in_as(person)
    assert THROTTLED in _change(client, PASSWORD).get_data(as_text=True)


def test_the_right_password_clears_earlier_slips(client, session):
    person = make_person(session, email="alex@council.example")
    client.sign_in_as(person)
    for _ in range(4):
        _change(client, WRONG)
    assert failures(session, "alex@council.example") == 4
    assert _change(client, PASSWORD).status_code == 302
    assert failures(session, "alex@council.example") == 0


@pytest.fixture
def council(session):
    clerk = make_clerk(session)
    person = make_person(session, name="Sam Starter", email="sam@council.example")
    policy, version = make_policy(session, clerk=clerk)
    return clerk, person, policy, version


def test_signing_a_policy_counts_wrong_passwords(client, session, council):
    _, person, policy, version = council
    client.sign_in_as(person)

    def sign(password: str):
        return client.post(
            f"/policies/{policy.slug}/sign",
            {"version_id": str(version.id), "password": password, "typed_name": person.name, "confirm": "y"},
        )

    for _ in range(5):
        assert "Your password is not correct" in sign(WRONG).get_data(as_text=True)
    refused = sign(PASSWORD)
    assert refused.status_code == 200 and THROTTLED in refused.get_data(as_text=True)
    assert acknowledgements(session) == 0
    assert failures(session, "sam@council.example") == 5
    assert failure_events(session, "sign_policy") == 5


def test_signing_on_behalf_counts_the_clerks_wrong_passwords(client, session, council):
    clerk, person, policy, _ = council
    client.sign_in_as(clerk)

    def on_behalf(password: str):
        return client.post(
            f"/policies/{policy.slug}/on-behalf",
            {"person_email": person.email, "reason": "Signed the printed copy", "password": password},
        )

    for _ in range(5):
        assert "Your password is not correct" in on_behalf(WRONG).get_data(as_text=True)
    refused = on_behalf(PASSWORD)
    assert refused.status_code == 200 and THROTTLED in refused.get_data(as_text=True)
    assert acknowledgements(session) == 0
    assert failures(session, clerk.email) == 5
    assert failure_events(session, "sign_on_behalf") == 5


def test_recording_a_paper_form_counts_the_clerks_wrong_passwords(client, session):
    clerk = make_clerk(session)
    volunteer = make_person(session, engagement=EngagementType.VOLUNTEER, with_password=False)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)

    def paper(password: str):
        return client.post(
            f"/policies/{policy.slug}/paper",
            {
                "person_email": volunteer.email,
                "witness_name": "Wendy Witness",
                "signed_on": "2026-11-20",
                "password": password,
                "scan": (io.BytesIO(b"%PDF-1.4 scanned form"), "form.pdf", "application/pdf"),
            },
            content_type="multipart/form-data",
        )

    for _ in range(5):
        assert "Your password is not correct" in paper(WRONG).get_data(as_text=True)
    refused = paper(PASSWORD)
    assert refused.status_code == 200 and THROTTLED in refused.get_data(as_text=True)
    assert acknowledgements(session) == 0
    assert failures(session, clerk.email) == 5
    assert failure_events(session, "record_paper") == 5


# Parallel attempts -------------------------------------------------------------------


def _all_at_once(requests: list) -> list:  # type: ignore[type-arg]
    """Run the requests in parallel threads, released together, and return their responses."""
    start = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)  # type: ignore[type-arg]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait()
            responses[index] = requests[index]()
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return responses


def test_ten_parallel_wrong_sign_ins_record_exactly_five_failures(app, session):
    make_person(session, email="alex@council.example")
    session.commit()
    browsers = [Client(app) for _ in range(10)]  # each its own cookies, its own request session
    tokens = [browser.csrf_token() for browser in browsers]
    responses = _all_at_once(
        [
            (
                lambda b=browser, t=token: b.post(
                    "/sign-in", {"email": "alex@council.example", "password": WRONG, "csrf_token": t}
                )
            )
            for browser, token in zip(browsers, tokens, strict=True)
        ]
    )
    assert all(r.status_code == 200 for r in responses)
    assert failures(session, "alex@council.example") == 5
    throttled = [r for r in responses if "Too many failed attempts" in r.get_data(as_text=True)]
    assert len(throttled) == 5


def test_ten_parallel_wrong_passwords_on_the_account_page_record_exactly_five(app, session):
    person = make_person(session, email="alex@council.example")
    session.commit()
    browsers = [Client(app) for _ in range(10)]
    for browser in browsers:
        browser.sign_in_as(person)
    tokens = [browser.csrf_token() for browser in browsers]
    responses = _all_at_once(
        [
            (
                lambda b=browser, t=token: b.post(
                    "/account",
                    {
                        "current_password": WRONG,
                        "password": NEW_PASSWORD,
                        "confirm_password": NEW_PASSWORD,
                        "csrf_token": t,
                    },
                )
            )
            for browser, token in zip(browsers, tokens, strict=True)
        ]
    )
    assert all(r.status_code == 200 for r in responses)
    assert failures(session, "alex@council.example") == 5
    assert sum(THROTTLED in r.get_data(as_text=True) for r in responses) == 5
