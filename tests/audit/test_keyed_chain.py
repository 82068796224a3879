"""The keyed audit chain and its anchors, against someone who can write to the database
(issue 17, section 1; the attacks of section 5): they can rewrite events and recompute
the plain SHA-256 chain, or delete the newest events, but they hold neither the key
nor the anchors."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal import create_app
from portal.audit.models import AuditEvent
from portal.audit.service import GENESIS_HASH, chain_hash, record, verify_chain
from portal.db import database
from portal.outbox.models import OutboxMessage
from tests.audit.test_chain import _tamper
from tests.conftest import settings_for

OLD_KEY = "o" * 43
NEW_KEY = "n" * 43


def _events(session, count, *, start=0):
    for number in range(start, start + count):
        record(
            session,
            actor=None,
            action="test.event",
            object_type="thing",
            object_id=number,
            details={"n": number},
        )
    session.commit()


def _rehash_from(database_url, session, event_id, **changes):
    """Rewrite one event and recompute the plain chain from it to the end, as an
    insider without the key would: every plain hash then fits again."""
    session.expire_all()
    events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    session.commit()
    statements = []
    previous = GENESIS_HASH
    for event in events:
        if event.id == event_id:
            for name, value in changes.items():
                setattr(event, name, value)
        event.previous_hash = previous
        event.hash = chain_hash(previous, event)
        previous = event.hash
        if event.id >= event_id:
            details = event.details.replace("'", "''")
            statements.append(
                f"UPDATE audit_events SET action = '{event.action}', details = '{details}', "
                f"previous_hash = '{event.previous_hash}', hash = '{event.hash}' WHERE id = {event.id}"
            )
    session.expire_all()
    _tamper(database_url, *statements)


def _head_id(session, *, first=False):
    order = AuditEvent.id if first else AuditEvent.id.desc()
    found = session.scalar(select(AuditEvent.id).order_by(order).limit(1))
    session.commit()  # end the read: on SQLite an open transaction blocks the intruder
    return found


def _app(database_url, tmp_path, **overrides):
    values = {"audit_anchor_file": str(tmp_path / "anchors.jsonl")}
    values.update(overrides)
    return create_app(settings_for(database_url, **values))


def test_every_event_carries_a_keyed_seal_with_its_key_id(session):
    _events(session, 2)
    events = list(session.scalars(select(AuditEvent)))
    assert all(event.seal_key_id == "dev" and len(event.seal) == 64 for event in events)
    assert verify_chain(session).ok


def test_a_rewritten_and_rehashed_chain_fails_on_its_keyed_seal(session, database_url):
    _events(session, 4)
    second = session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(1)).first()
    session.commit()
    _rehash_from(database_url, session, second.id, details=json.dumps({"n": 99}))
    report = verify_chain(session)
    assert report.broken_event_id == second.id
    assert "seal does not match" in report.reason


def test_audit_verify_exits_1_on_a_rehashed_chain(app, session, database_url):
    _events(session, 3)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    last = _head_id(session)
    _rehash_from(database_url, session, last, action="test.forged")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at event {last}" in result.output and "keyed seal" in result.output


def test_a_stripped_seal_after_sealed_events_is_caught(session, database_url):
    _events(session, 3)
    last = _head_id(session)
    _tamper(database_url, f"UPDATE audit_events SET seal = NULL, seal_key_id = NULL WHERE id = {last}")
    session.expire_all()
    report = verify_chain(session)
    assert report.broken_event_id == last and "no seal" in report.reason


def test_events_from_before_keys_are_reported_not_failed(app, session, database_url):
    _events(session, 3)
    first = _head_id(session, first=True)
    # What migration 0013 leaves: events written before it have no seal.
    _tamper(database_url, f"UPDATE audit_events SET seal = NULL, seal_key_id = NULL WHERE id = {first}")
    session.expire_all()
    report = verify_chain(session)
    assert report.ok and report.unsealed == 1
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "1 events sealed before keys were introduced" in result.output


def test_anchor_writes_the_head_to_the_file_and_queues_an_email(session, database_url, tmp_path):
    _events(session, 3)
    anchored = _app(database_url, tmp_path, audit_anchor_email="auditor@audit-firm.example")
    result = anchored.test_cli_runner().invoke(args=["audit", "anchor"])
    assert result.exit_code == 0, result.output
    head = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    line = json.loads((tmp_path / "anchors.jsonl").read_text().splitlines()[-1])
    assert (line["event_id"], line["event_count"], line["seal"]) == (head.id, 3, head.seal)
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "audit_anchor")).one()
    assert message.to_address == "auditor@audit-firm.example" and message.person_id is None
    assert head.seal in message.text_body
    # A second anchor appends; the first line is never rewritten.
    first_line = (tmp_path / "anchors.jsonl").read_text().splitlines()[0]
    _events(session, 1, start=3)
    anchored.test_cli_runner().invoke(args=["audit", "anchor"])
    lines = (tmp_path / "anchors.jsonl").read_text().splitlines()
    assert len(lines) == 2 and lines[0] == first_line
    database(anchored).engine.dispose()


def test_deleting_the_newest_events_after_an_anchor_is_reported(session, database_url, tmp_path):
    anchored = _app(database_url, tmp_path)
    runner = anchored.test_cli_runner()
    _events(session, 3)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    _events(session, 12, start=3)
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "checked against 2 anchors" in ok.output
    ids = list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    session.commit()
    # The remaining chain still verifies on its own: only the anchors can tell.
    _tamper(database_url, f"DELETE FROM audit_events WHERE id > {ids[2]}")
    assert verify_chain(session).ok
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    first_anchor = json.loads((tmp_path / "anchors.jsonl").read_text().splitlines()[0])
    assert "12 events after the anchor of" in result.output
    assert f"chain now ends at event {ids[2]}" in result.output
    assert first_anchor["event_id"] == ids[2]
    database(anchored).engine.dispose()


def test_a_rewritten_anchored_head_is_reported(session, database_url, tmp_path):
    anchored = _app(database_url, tmp_path)
    _events(session, 2)
    anchored.test_cli_runner().invoke(args=["audit", "anchor"])
    head = _head_id(session)
    # Strip every seal and re-hash: all events now look as if written before keys...
    _rehash_from(database_url, session, head, action="test.forged")
    _tamper(database_url, "UPDATE audit_events SET seal = NULL, seal_key_id = NULL")
    session.expire_all()
    assert verify_chain(session).ok
    # ...but the anchor outside the database still holds the head's seal.
    result = anchored.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"event {head} no longer matches the anchor" in result.output
    database(anchored).engine.dispose()


def test_jobs_run_anchors_the_chain_last(session, database_url, tmp_path):
    anchored = _app(database_url, tmp_path)
    _events(session, 2)
    result = anchored.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.output.strip().splitlines()[-1].startswith("audit anchor: event")
    assert len((tmp_path / "anchors.jsonl").read_text().splitlines()) == 1
    database(anchored).engine.dispose()


def test_old_events_verify_after_the_key_is_rotated(session, database_url, tmp_path):
    before = _app(database_url, tmp_path, evidence_key=OLD_KEY, evidence_key_id="2026")
    with before.app_context():
        _events(session, 2)
    rotated = _app(
        database_url,
        tmp_path,
        evidence_key=NEW_KEY,
        evidence_key_id="2027",
        evidence_old_keys=f"2026:{OLD_KEY}",
    )
    with rotated.app_context():
        _events(session, 2, start=2)
        assert verify_chain(session).ok
    assert [e.seal_key_id for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "2026",
        "2026",
        "2027",
        "2027",
    ]
    assert rotated.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    # Without the old key configured, the old seals cannot be checked: that is a problem.
    forgotten = _app(database_url, tmp_path, evidence_key=NEW_KEY, evidence_key_id="2027")
    result = forgotten.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "'2026', which is not configured" in result.output
    for each in (before, rotated, forgotten):
        database(each).engine.dispose()


def test_every_evidence_table_is_sealed(app):
    from portal.audit.seal import sealed_tables

    assert {cls.__tablename__ for cls in sealed_tables()} == {
        "acknowledgements",
        "authorisation_issues",
        "authorisation_revocations",
        "authorisation_terms",
        "case_submissions",
        "case_decisions",
        "disciplinary_evidence",
        "disciplinary_packs",
        "disciplinary_letters",
        "breach_evidence",
    }
