"""Addresses and browsers sealed under a key per person (or per month, for nobody signed
in), and forgotten by deleting the key (issue: evidence against insiders, section 4,
"personal fields"). The records, their hashes and the audit chain still verify."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.audit import personal
from portal.audit.forgetting import FORGOTTEN, RecordKey
from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.auth.models import SignInFailure
from portal.clock import add_months
from portal.config import BadMonthsSetting
from portal.people import addresses
from portal.people.service import mark_leaver
from portal.policies.models import RecordKind, SigningMethod
from portal.policies.receipts import evidence_hash
from portal.policies.records import RequestDetails, append_record
from tests.conduct.test_forgetting import _dump
from tests.factories import PASSWORD, make_clerk, make_person, make_policy

ADDRESS = "198.51.100.23"
BROWSER = "Ashcombe Test Browser/7.1"
STRANGER = "203.0.113.250"
MONTHS = {"after_leaving": 72, "not_signed_in": 12}
TODAY = date.today()


def _signature(session, person, policy, version):
    ack = append_record(
        session,
        person=person,
        policy=policy,
        version=version,
        kind=RecordKind.SIGNED,
        method=SigningMethod.SELF,
        actor=person,
        reauthenticated=True,
        request=RequestDetails(ip_address=ADDRESS, user_agent=BROWSER),
        typed_name=person.name,
    )
    session.commit()
    return ack


def _sign_in(client, person, address=ADDRESS, password=PASSWORD):
    return client.post(
        "/sign-in",
        {"email": person.email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _last_event(session, action):
    return session.scalar(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    )


@pytest.fixture
def council(app, session):
    clerk = make_clerk(session)
    policy, version = make_policy(session, clerk=clerk)
    return clerk, policy, version


def test_addresses_and_browsers_are_stored_sealed_and_a_dump_holds_none_of_them(
    app, client, session, council, database_url
):
    clerk, policy, version = council
    person = make_person(session, name="Petra Person")
    with app.app_context():
        ack = _signature(session, person, policy, version)
    assert _sign_in(client, person).status_code == 302
    session.commit()
    event = _last_event(session, "auth.signed_in")
    for stored, value in ((ack.ip_address, ADDRESS), (ack.user_agent, BROWSER), (event.ip_address, ADDRESS)):
        assert personal.is_sealed(stored) and value not in stored
        assert personal.read(session, stored) == value
    assert stored.startswith(f"{personal.PREFIX}{personal.person_key(person.id)}|")
    dump = _dump(database_url, session)
    session.commit()
    assert ADDRESS not in dump and BROWSER not in dump and "Petra Person" in dump


def test_a_leavers_addresses_are_forgotten_after_the_set_time_and_the_evidence_still_verifies(
    app, client, session, council
):
    clerk, policy, version = council
    long_gone = make_person(session, name="Lena Longgone", start_date=date(2015, 1, 5))
    recently_gone = make_person(session, name="Rita Recent", start_date=date(2015, 1, 5))
    still_here = make_person(session, name="Stan Stays", start_date=date(2015, 1, 5))
    with app.app_context():
        acks = {p.id: _signature(session, p, policy, version) for p in (long_gone, recently_gone, still_here)}
    assert _sign_in(client, long_gone).status_code == 302
    session.commit()
    signed_in = _last_event(session, "auth.signed_in")
    with app.app_context():
        mark_leaver(session, clerk, long_gone, add_months(TODAY, -73))
        mark_leaver(session, clerk, recently_gone, add_months(TODAY, -12))
        session.commit()
        done = addresses.run(session, TODAY, MONTHS)
        session.commit()

    assert (done.people, done.months) == (1, 0)
    gone = acks[long_gone.id]
    assert personal.read(session, gone.ip_address) == FORGOTTEN
    assert personal.read(session, gone.user_agent) == FORGOTTEN
    assert personal.read(session, signed_in.ip_address) == FORGOTTEN
    for kept in (recently_gone, still_here):
        assert personal.read(session, acks[kept.id].ip_address) == ADDRESS
        assert personal.read(session, acks[kept.id].user_agent) == BROWSER
    # The record itself stands: its evidence hash covers what is stored, and so does the chain.
    assert gone.evidence_sha256 == evidence_hash(gone)
    assert verify_chain(session).ok
    forgotten = _last_event(session, "retention.addresses_forgotten")
    assert forgotten.details == '{"months":0,"people":1}'
    # The Town Clerk's audit trail shows the leaver's sign-in as removed, nothing else lost.
    client.sign_in_as(clerk)
    page = client.get(f"/audit?action=auth.signed_in&object_id={long_gone.id}").get_data(as_text=True)
    assert FORGOTTEN in page and ADDRESS not in page
    # A second run finds nothing more to do and writes no event.
    with app.app_context():
        assert addresses.run(session, TODAY, MONTHS) == addresses.Forgotten(0, 0)


def test_addresses_of_requests_by_nobody_signed_in_are_kept_under_the_months_key(
    app, client, session, council
):
    clerk, _, _ = council
    assert _sign_in(client, clerk, address=STRANGER, password="not the password").status_code == 200
    session.commit()
    failure = session.scalar(select(SignInFailure))
    refused = _last_event(session, "auth.sign_in_failed")
    this_month = personal.month_key(datetime.now())
    for stored in (failure.ip_address, refused.ip_address):
        assert stored.startswith(f"{personal.PREFIX}{this_month}|") and STRANGER not in stored
        assert personal.read(session, stored) == STRANGER
    with app.app_context():
        old = personal.seal(session, personal.month_key(datetime(2020, 3, 9)), STRANGER)
        session.commit()
        done = addresses.run(session, TODAY, MONTHS)
        session.commit()
    assert (done.people, done.months) == (0, 1)
    assert personal.read(session, old) == FORGOTTEN
    assert personal.read(session, failure.ip_address) == STRANGER  # this month's is kept


def test_the_setting_names_both_periods_and_a_mistake_stops_the_portal():
    assert addresses.parse_address_retention("after_leaving=24,not_signed_in=3") == {
        "after_leaving": 24,
        "not_signed_in": 3,
    }
    for bad in (
        "after_leaving=24",
        "after_leaving=x,not_signed_in=3",
        "after_leaving=24,not_signed_in=3,other=1",
    ):
        with pytest.raises(BadMonthsSetting):
            addresses.parse_address_retention(bad)


def test_a_plain_address_from_before_sealing_is_read_as_it_is(session):
    assert personal.read(session, "192.0.2.1") == "192.0.2.1" and personal.read(session, None) is None


# PostgreSQL: the runtime login cannot make a person's key due, nor delete one --------------


def _postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("database roles exist on PostgreSQL only")


def test_editing_the_people_row_does_not_make_a_key_due(app, session, council, database_url):
    """The portal's login may edit a person; the owner's function judges a leaver only from
    the append-only "people.left" event, so an insider cannot erase someone's evidence by
    marking them as having left years ago."""
    _postgres_only(database_url)
    clerk, policy, version = council
    person = make_person(session, start_date=date(2010, 1, 4))
    with app.app_context():
        ack = _signature(session, person, policy, version)
        person.is_active, person.leaving_date = False, date(2012, 1, 1)
        session.commit()
        assert addresses.run(session, TODAY, MONTHS) == addresses.Forgotten(0, 0)
    assert personal.read(session, ack.ip_address) == ADDRESS


def test_the_database_keeps_its_floor_and_the_runtime_login_cannot_delete_a_key(
    app, session, council, database_url
):
    _postgres_only(database_url)
    clerk, policy, version = council
    person = make_person(session, start_date=date(2010, 1, 4))
    with app.app_context():
        ack = _signature(session, person, policy, version)
        mark_leaver(session, clerk, person, add_months(TODAY, -24))
        session.commit()
        # Asking for no retention at all: the owner's floor (72 months) still applies.
        assert addresses.run(session, TODAY, {"after_leaving": 0, "not_signed_in": 0}) == addresses.Forgotten(
            0, 0
        )
    assert personal.read(session, ack.ip_address) == ADDRESS
    with pytest.raises(DBAPIError, match="permission denied"):
        session.execute(
            text("DELETE FROM record_keys WHERE reference = :r"), {"r": personal.person_key(person.id)}
        )
    session.rollback()
    assert session.scalar(select(RecordKey.id).where(RecordKey.reference == personal.person_key(person.id)))
