"""Retention of breach records and legal holds, on SQLite and PostgreSQL.

A closed record is kept PORTAL_BREACH_RETENTION_MONTHS (72) months after it closed, then
removed with its evidence and its key, leaving an audit entry with nothing personal in
it. On PostgreSQL the runtime role cannot delete the evidence: the owner's function
purge_breach_record judges the record from the append-only audit events, by the
database's own date and never sooner than its floor (migration 0024).

The database's date cannot be moved, so a record is made "long ago" honestly: the policy
is backdated (an ordinary table), and the record is opened and closed on past dates
through the service, so every audit event is genuine and the chain still verifies.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update

from portal.audit import forgetting, personal
from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.breaches import retention, service
from portal.breaches.models import BreachEvidence, BreachRecord
from portal.breaches.tasks import remove_due_records
from portal.clock import add_months, today
from portal.errors import DomainError
from portal.outbox.models import OutboxMessage
from portal.people.models import EngagementType, Role
from portal.policies.models import PolicyVersion
from portal.policies.service import get_policy
from portal.tasks import retention_kinds
from tests.factories import make_clerk, make_person, make_policy
from tests.test_database_roles import _refused, runtime  # noqa: F401 (the same fixture)

MONTHS = 72  # PORTAL_BREACH_RETENTION_MONTHS' default, and the owner's floor
TODAY = today()  # London's, as the service and the PostgreSQL function count days
ALLEGATION = "Shared the Pemberton allotment waiting list in a volunteers' chat group."
NOTES = "Pemberton agreed to delete the messages."


@pytest.fixture
def cast(app, session):
    """The Town Clerk, a volunteer, a handler and a policy in force since 2015, inside an
    app context (the services queue notices and read the settings)."""
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk, slug="social-media", title="Social Media Policy")
    # In force long ago, so an incident (and its close) can be dated years back.
    session.execute(
        update(PolicyVersion)
        .where(PolicyVersion.policy_id == policy.id)
        .values(effective_date=date(2015, 1, 1), published_at=datetime(2015, 1, 1, tzinfo=UTC))
    )
    session.commit()
    volunteer = make_person(
        session, name="Vera Volunteer", engagement=EngagementType.VOLUNTEER, start_date=date(2015, 1, 1)
    )
    handler = make_person(session, name="Harriet HR", roles={Role.HR})
    with app.app_context():
        yield {"clerk": clerk, "subject": volunteer, "handler": handler, "slug": policy.slug}


def _open(session, cast, *, incident_date=TODAY) -> BreachRecord:
    found = service.open_record(
        session,
        cast["clerk"],
        service.Concern(
            subject=cast["subject"],
            allegation=ALLEGATION,
            incident_date=incident_date,
            policy=get_policy(session, cast["slug"]),
            sections=["3.2"],
            handler=cast["handler"],
        ),
    )
    session.commit()
    return found


def _closed(session, cast, closed_on: date) -> BreachRecord:
    found = _open(session, cast, incident_date=closed_on)
    service.close_record(
        session, cast["clerk"], found, closed_on=closed_on, outcome="no_further_action", notes=NOTES
    )
    session.commit()
    return found


def _long_ago(months: int = MONTHS) -> date:
    """Closed that long ago and a day more: the retention period ended yesterday."""
    return add_months(TODAY, -months) - timedelta(days=1)


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _still_there(session, record_id: int) -> bool:
    session.commit()
    session.expire_all()
    return (
        _count(session, BreachRecord, BreachRecord.id == record_id) == 1
        and _count(session, BreachEvidence, BreachEvidence.record_id == record_id) == 1
    )


def _purge(engine, record_id: int, months: int) -> bool:
    with engine.begin() as connection:
        return bool(
            connection.execute(
                text("SELECT purge_breach_record(:id, :months)"), {"id": record_id, "months": months}
            ).scalar()
        )


# The schedule ---------------------------------------------------------------------------


def test_kept_until_is_none_while_open_and_counts_from_the_closing_date(session, cast):
    found = _open(session, cast, incident_date=date(2025, 3, 31))
    assert retention.kept_until(found, MONTHS) is None
    service.close_record(
        session, cast["clerk"], found, closed_on=date(2025, 8, 31), outcome="no_further_action", notes=""
    )
    assert retention.kept_until(found, MONTHS) == date(2031, 8, 31)
    assert retention.kept_until(found, 6) == date(2026, 2, 28)  # a shorter month: its last day


def test_a_record_closed_today_is_not_due_and_one_past_its_period_is(session, cast):
    closed_today = _closed(session, cast, TODAY).reference
    # Kept until today: due only from tomorrow (the PostgreSQL function agrees, by its clock).
    _closed(session, cast, add_months(TODAY, -MONTHS))
    assert retention.run(session, TODAY, MONTHS, dry_run=True) == []
    past = _closed(session, cast, _long_ago()).reference
    assert retention.run(session, TODAY, MONTHS, dry_run=True) == [past]
    assert closed_today != past and _count(session, BreachRecord) == 3


def test_an_open_record_is_never_due(session, cast):
    found = _open(session, cast, incident_date=_long_ago())
    later = add_months(TODAY, 200)
    assert retention.run(session, later, MONTHS, dry_run=True) == []
    assert retention.run(session, later, MONTHS, dry_run=False) == []
    assert _still_there(session, found.id)


# Removal --------------------------------------------------------------------------------


def test_a_record_past_retention_is_removed_and_forgotten_leaving_an_impersonal_entry(session, cast):
    found = _closed(session, cast, _long_ago())
    reference, name = found.reference, found.audit_reference
    sealed = found.allegation_sealed
    assert personal.is_sealed(sealed) and found.allegation == ALLEGATION
    assert _count(session, forgetting.RecordKey, forgetting.RecordKey.reference == name) == 1
    assert _count(session, OutboxMessage, OutboxMessage.dedupe_key.like("breach:%")) == 1
    session.commit()

    assert retention.run(session, TODAY, MONTHS, dry_run=True) == [reference]
    assert _still_there(session, found.id)  # a dry run removes nothing
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == [reference]
    session.commit()
    session.expire_all()

    assert _count(session, BreachRecord) == 0 and _count(session, BreachEvidence) == 0
    # The key is gone, so the sealed words (in a backup, say) and the events never open.
    assert _count(session, forgetting.RecordKey, forgetting.RecordKey.reference == name) == 0
    assert personal.open_with(forgetting.Keys(session, [name]).key(name), sealed) == forgetting.FORGOTTEN
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.object_id == name)))
    kept = [e for e in events if e.action != "breaches.removed_by_retention"]
    assert {e.action for e in kept} >= {"breaches.opened", "breaches.closed"}
    assert all(forgetting.readable(session, e.details)["forgotten"] == forgetting.FORGOTTEN for e in kept)
    # The notice to the handler goes with the record.
    assert _count(session, OutboxMessage, OutboxMessage.dedupe_key.like("breach:%")) == 0

    (removal,) = [e for e in events if e.action == "breaches.removed_by_retention"]
    details = json.loads(removal.details)
    assert details == {"reference": reference, "kept_until": add_months(_long_ago(), MONTHS).isoformat()}
    for personal_word in ("Vera", "Volunteer", "Harriet", "Pemberton", "allotment"):
        assert personal_word not in removal.details
    assert removal.actor_id is None and removal.ip_address is None
    assert verify_chain(session).ok
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == []  # nothing left to remove


def test_a_legal_hold_keeps_a_due_record_until_it_is_lifted(session, cast):
    found = _closed(session, cast, _long_ago())
    with pytest.raises(DomainError, match="Give the reason"):
        retention.place_hold(session, cast["clerk"], found, "  ")
    retention.place_hold(session, cast["clerk"], found, "Pemberton has made a claim")
    session.commit()
    assert retention.run(session, TODAY, MONTHS, dry_run=True) == []
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == []
    assert _still_there(session, found.id)
    retention.lift_hold(session, cast["clerk"], session.get(BreachRecord, found.id))
    session.commit()
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == [found.reference]
    session.commit()
    assert _count(session, BreachRecord) == 0
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("breaches.legal_hold%"))
        .order_by(AuditEvent.id)
    )
    assert list(actions) == ["breaches.legal_hold_placed", "breaches.legal_hold_lifted"]


def test_records_with_the_same_evidence_are_removed_without_forgetting_each_other(session, cast):
    """Two concerns about one volunteer on one day freeze identical evidence (one hash).
    Removing the due one must not forget the live one's key: the database tells them
    apart by the record id the opening event carries (migration 0024), never by the hash
    alone or by the printed reference, which the runtime can edit."""
    old = _closed(session, cast, _long_ago())
    live = _open(session, cast, incident_date=_long_ago())
    assert old.evidence.content_sha256 == live.evidence.content_sha256
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == [old.reference]
    session.commit()
    assert _still_there(session, live.id)
    assert session.get(BreachRecord, live.id).allegation == ALLEGATION


def test_the_schedule_removes_what_is_due_and_says_how_many(session, cast):
    assert "breach_records" in {kind.name for kind in retention_kinds()}
    _closed(session, cast, _long_ago())
    _closed(session, cast, TODAY)
    assert remove_due_records(session, TODAY) == 1
    session.commit()
    assert remove_due_records(session, TODAY) == 0
    assert _count(session, BreachRecord) == 1


def test_the_owners_floor_outlasts_a_shorter_period_on_postgresql_only(session, cast, database_url):
    """SQLite has no owner: the application's months apply. On PostgreSQL a period shorter
    than the floor, passed in by the runtime role, changes nothing."""
    found = _closed(session, cast, add_months(TODAY, -2))
    removed = retention.run(session, TODAY, 1, dry_run=False)
    session.commit()
    if database_url.startswith("postgresql"):
        assert removed == [] and _still_there(session, found.id)
    else:
        assert removed == [found.reference] and _count(session, BreachRecord) == 0


# PostgreSQL: only the owner's function deletes, judging from append-only rows -------------


def test_the_runtime_role_cannot_change_or_delete_evidence_or_keys(session, cast, runtime):  # noqa: F811
    found = _closed(session, cast, _long_ago())  # due, yet still not the runtime's to delete
    record_id, name = found.id, found.audit_reference
    session.commit()
    _refused(runtime, f"UPDATE breach_evidence SET content = '{{}}' WHERE record_id = {record_id}")
    _refused(runtime, f"DELETE FROM breach_evidence WHERE record_id = {record_id}")
    # The purge function's own flag is no use without the function.
    _refused(
        runtime,
        f"SET LOCAL portal.retention_purge_breach = '{record_id}'",
        f"DELETE FROM breach_evidence WHERE record_id = {record_id}",
    )
    _refused(runtime, f"DELETE FROM record_keys WHERE reference = '{name}'")
    _refused(runtime, f"UPDATE record_keys SET wrapped_key = '\\x00' WHERE reference = '{name}'")
    assert _still_there(session, record_id)
    assert _count(session, forgetting.RecordKey, forgetting.RecordKey.reference == name) == 1


def test_records_made_to_look_old_in_their_columns_are_not_purged(session, cast, runtime):  # noqa: F811
    """The runtime role may edit breach_records, so its columns decide nothing: the
    function reads the "closed" event, and there is none, or it is today's."""
    # Different incident days, so different evidence: each is judged on its own events.
    open_one = _open(session, cast, incident_date=TODAY - timedelta(days=1))
    closed_today = _closed(session, cast, TODAY)
    ids = (open_one.id, closed_today.id)
    session.commit()
    with runtime.begin() as connection:
        connection.execute(
            text(
                "UPDATE breach_records SET status = 'closed', closed_on = '2001-01-01', "
                "outcome = 'no_further_action', legal_hold_since = NULL WHERE id = ANY(:ids)"
            ),
            {"ids": list(ids)},
        )
    for record_id in ids:
        assert _purge(runtime, record_id, 0) is False
    assert retention.run(session, add_months(TODAY, 500), 0, dry_run=False) == []
    assert all(_still_there(session, record_id) for record_id in ids)


def test_a_hold_hidden_in_the_columns_still_keeps_the_record(session, cast, runtime):  # noqa: F811
    found = _closed(session, cast, _long_ago())
    retention.place_hold(session, cast["clerk"], found, "Standards hearing pending")
    session.commit()
    with runtime.begin() as connection:
        connection.execute(
            text("UPDATE breach_records SET legal_hold_since = NULL WHERE id = :id"), {"id": found.id}
        )
    assert _purge(runtime, found.id, MONTHS) is False
    assert _still_there(session, found.id)


def test_the_owners_floor_refuses_a_record_closed_two_months_ago(session, cast, runtime):  # noqa: F811
    found = _closed(session, cast, add_months(TODAY, -2))
    assert _purge(runtime, found.id, 1) is False
    assert _purge(runtime, found.id, 0) is False
    assert _still_there(session, found.id)


def test_an_open_record_cannot_borrow_a_due_records_reference(session, cast, runtime):  # noqa: F811
    """With identical evidence (one volunteer, one day), swapping the printed references
    (which the runtime role can edit) must not make the live record look due: the
    database ties a record to its "opened" event by the record id."""
    old = _closed(session, cast, _long_ago())
    live = _open(session, cast, incident_date=_long_ago())
    assert old.evidence.content_sha256 == live.evidence.content_sha256
    swap = {"old": old.id, "live": live.id, "a": old.reference, "b": live.reference}
    session.commit()
    with runtime.begin() as connection:
        connection.execute(text("UPDATE breach_records SET reference = 'swap' WHERE id = :old"), swap)
        connection.execute(text("UPDATE breach_records SET reference = :a WHERE id = :live"), swap)
        connection.execute(text("UPDATE breach_records SET reference = :b WHERE id = :old"), swap)
    assert _purge(runtime, live.id, MONTHS) is False
    assert _still_there(session, live.id)
    assert session.get(BreachRecord, live.id).allegation == ALLEGATION
