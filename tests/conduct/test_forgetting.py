"""Retention that truly forgets (issue: evidence against insiders, section 4): a case's
audit events are stored encrypted under the case's own key, wrapped by a key outside
the database; deleting the key forgets them and the chain still verifies."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, func, make_url, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal.audit import forgetting
from portal.audit.models import AuditEvent
from portal.audit.seal import KeyRing
from portal.audit.service import verify_chain
from portal.clock import add_months
from portal.conduct import retention
from portal.conduct.models import CaseHearer, CaseLetter
from portal.conduct.need_to_know import RETENTION_FACTS
from tests.conduct.helpers import arrange_hearing, decide, only_case, open_case
from tests.helpers import text_of

MONTHS = {"warning": 6, "no_warning": 6, "dismissal": 72}


def _case_events(session, reference: str) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.object_id == reference).order_by(AuditEvent.id))
    )


def _decided_case(client, session, staff):
    client.sign_in_as(staff.hr)
    assert open_case(client, staff).status_code == 302
    case = only_case(session)
    assert decide(client, staff, case.id, "first_written").status_code == 302
    session.commit()
    return only_case(session)


def test_a_cases_events_are_stored_encrypted_with_only_the_retention_facts_in_clear(client, session, staff):
    case = _decided_case(client, session, staff)
    events = _case_events(session, case.audit_reference)
    assert [e.action for e in events][:1] == ["conduct.case_opened"] and len(events) >= 2
    for event in events:
        assert event.actor_id is None and event.on_behalf_of_id is None and event.ip_address is None
        stored = json.loads(event.details)
        assert stored[forgetting.ENCRYPTED_UNDER] == case.audit_reference
        assert set(stored) - {forgetting.ENCRYPTED_UNDER, forgetting.CIPHERTEXT} <= RETENTION_FACTS
    opened = forgetting.readable(session, events[-1].details)
    assert opened["stage"] == "first_written" and "stage_skipped" in opened
    # The key is kept wrapped: the row holds neither the key nor anything readable.
    (key,) = session.scalars(
        select(forgetting.RecordKey).where(forgetting.RecordKey.reference == case.audit_reference)
    )
    assert len(bytes(key.wrapped_key)) == forgetting.NONCE_BYTES + 32 + 16


def test_hr_still_reads_who_did_what_and_from_where(client, session, staff):
    case = _decided_case(client, session, staff)
    page = client.get(f"/audit?object_id={case.audit_reference}").get_data(as_text=True)
    table = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    assert "Harriet HR" in table and "127.0.0.1" in table and "first_written" in table


def test_without_the_key_outside_the_database_nothing_opens(app, client, session, staff, monkeypatch):
    """Someone with a copy of the database but not the evidence key: the wrapped keys do
    not unwrap, so the events read as forgotten."""
    case = _decided_case(client, session, staff)
    event = _case_events(session, case.audit_reference)[0]
    stranger = KeyRing("1", {"1": b"a key that is not the council's evidence key at all"})
    monkeypatch.setattr(forgetting, "key_ring", lambda: stranger)
    assert forgetting.readable(session, event.details) == {
        "reference": case.reference,
        "case_id": case.id,
        "evidence_sha256": json.loads(event.details)["evidence_sha256"],
        "forgotten": forgetting.FORGOTTEN,
    }


def test_deleting_the_key_forgets_the_events_and_the_chain_still_verifies(
    client, session, staff, owner_database_url
):
    case = _decided_case(client, session, staff)
    session.commit()  # end this session's transaction: SQLite lets one writer in at a time
    # As the owner: on PostgreSQL the portal's runtime login may not delete a key.
    engine = create_engine(owner_database_url)
    with Session(engine) as owner, owner.begin():
        assert forgetting.forget(owner, [case.audit_reference]) == 1
    engine.dispose()
    session.commit()
    for event in _case_events(session, case.audit_reference):
        opened = forgetting.readable(session, event.details)
        assert opened["forgotten"] == forgetting.FORGOTTEN and "stage_skipped" not in opened
    assert verify_chain(session).ok
    page = client.get(f"/audit?object_id={case.audit_reference}").get_data(as_text=True)
    table = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    assert "removed by the retention schedule" in table
    assert "Harriet HR" not in table and "127.0.0.1" not in table


# The whole of section 4: retention, then a full dump of the database -----------------

WORDS = {
    "allegation": "Posted the Smithfield allotment dispute minutes to a private group.",
    "notes": "Interview: admitted posting the Smithfield minutes from a phone.",
    "outcome": "A first written warning for the Smithfield posting.",
    "reasons": "The Smithfield minutes named two residents.",
    "hold": "Smithfield tribunal claim pending",
    "lift": "Smithfield claim withdrawn",
    # The hearing, the warning and the appeal (migration 0020).
    "place": "The Smithfield Pavilion",
    "evidence": "Smithfield group screenshots",
    "hearing_reason": "Smithfield has one officer besides the employee",
    "improvement": "Keep Smithfield papers off private groups",
    "late": "Smithfield appeal sent to the wrong address",
    "appeal_reason": "Smithfield councillors all heard the case",
    "companion": "Smithfield Colleague",
    "appeal_outcome": "Smithfield warning upheld on appeal",
}


def _dump(database_url: str, session) -> str:
    if database_url.startswith("sqlite"):
        return "\n".join(session.connection().connection.driver_connection.iterdump())
    url = make_url(database_url)
    found = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            url.database or "",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout


def test_after_retention_a_full_dump_holds_nothing_of_the_case(app, client, session, staff, database_url):
    client.sign_in_as(staff.hr)
    assert open_case(client, staff, allegation=WORDS["allegation"]).status_code == 302
    case_id = only_case(session).id
    meeting = {
        "meeting-held_on": date.today().isoformat(),
        "meeting-title": "Interview",
        "meeting-notes": WORDS["notes"],
    }
    assert client.post(f"/conduct/{case_id}/meetings", meeting).status_code == 302
    client.post(f"/conduct/{case_id}/meetings/{only_case(session).meetings[0].id}/share", {})
    hearing = arrange_hearing(
        client,
        case_id,
        staff.officer,  # the investigating officer hears it too, with a reason
        place=WORDS["place"],
        evidence=WORDS["evidence"],
        independence_reason=WORDS["hearing_reason"],
    )
    assert hearing.status_code == 302
    decided = (add_months(date.today(), -12) - timedelta(days=1)).isoformat()
    assert (
        decide(
            client,
            staff,
            case_id,
            "first_written",
            hearing=False,
            outcome=WORDS["outcome"],
            reasons=WORDS["reasons"],
            decided_on=decided,
            improvement_needed=WORDS["improvement"],
        ).status_code
        == 302
    )
    appeal = {"appeal-lodged_on": date.today().isoformat(), "appeal-late_reason": WORDS["late"]}
    assert client.post(f"/conduct/{case_id}/appeal", appeal).status_code == 302
    appeal_hearing = {
        "heard_on": date.today().isoformat(),
        "heard_by": "officer",
        "officer_email": staff.officer.email,
        "independence_reason": WORDS["appeal_reason"],
        "companion_kind": "colleague",
        "companion_name": WORDS["companion"],
        "result": "upheld",
        "outcome": WORDS["appeal_outcome"],
    }
    appealed = client.post(
        f"/conduct/{case_id}/appeal/hearing", {f"appeal_hearing-{k}": v for k, v in appeal_hearing.items()}
    )
    assert appealed.status_code == 302
    assert [letter.kind for letter in only_case(session).letters] == [
        "invitation",
        "outcome",
        "appeal_outcome",
    ]
    client.post(f"/conduct/{case_id}/hold", {"hold-reason": WORDS["hold"]})
    client.post(f"/conduct/{case_id}/hold/lift", {"hold-reason": WORDS["lift"]})
    case = only_case(session)
    reference, audit_reference = case.reference, case.audit_reference
    session.commit()
    # While the case is live its words are sealed at rest: the portal opens them for HR,
    # a dump of the database holds none of them (portal.audit.sealed_text).
    page = text_of(client.get(f"/conduct/{case_id}").get_data(as_text=True))
    for label in ("allegation", "notes", "outcome", "reasons", "place", "improvement", "appeal_outcome"):
        assert WORDS[label] in page, label
    before = _dump(database_url, session)
    session.commit()
    for label, words in WORDS.items():
        assert words not in before, label

    with app.app_context():
        assert retention.run(session, date.today(), MONTHS, dry_run=False) == [reference]
    session.commit()

    after = _dump(database_url, session)
    session.commit()
    for label, words in WORDS.items():
        assert words not in after, label
    for model in (CaseLetter, CaseHearer):  # the letters carry every word above, and who heard it
        assert session.scalar(select(func.count()).select_from(model)) == 0, model
    # Nothing ties the subject to the case: no case row, no notice, no readable event.
    assert f"record:{case_id}:" not in after
    events = _case_events(session, audit_reference)
    assert [e.action for e in events][-1] == "conduct.removed_by_retention"
    for event in events:
        assert event.actor_id is None and event.ip_address is None and event.on_behalf_of_id is None
        clear = {k: v for k, v in json.loads(event.details).items() if k != forgetting.CIPHERTEXT}
        assert set(clear) <= RETENTION_FACTS | {forgetting.ENCRYPTED_UNDER, "record_type", "kept_until"}
        assert staff.subject.name not in json.dumps(clear)
        assert forgetting.readable(session, event.details).get("forgotten") or (
            event.action == "conduct.removed_by_retention"
        )
    assert (
        session.scalar(
            select(forgetting.RecordKey.id).where(forgetting.RecordKey.reference == audit_reference)
        )
        is None
    )
    # Kept for another purpose: the subject's own account and signatures.
    assert staff.subject.name in after
    assert verify_chain(session).ok


def test_the_runtime_role_cannot_delete_a_cases_key(
    client, session, staff, database_url, runtime_database_url
):
    """Deleting a key forgets a case: only the owner's retention purge may (migration 0016)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("database roles exist on PostgreSQL only")
    _decided_case(client, session, staff)
    engine = create_engine(runtime_database_url)
    for statement in (
        "DELETE FROM record_keys",
        "UPDATE record_keys SET wrap_key_id = 'x'",
        "TRUNCATE record_keys",
    ):
        with pytest.raises(DBAPIError, match="permission denied"), engine.begin() as connection:
            connection.exec_driver_sql(statement)
    engine.dispose()


def test_a_case_written_in_clear_before_sealing_is_sealed_by_the_daily_job(app, client, session, staff):
    """Cases opened before migration 0021 hold their words in clear; the daily job seals
    them (the migration cannot: it does not hold the evidence key)."""
    from portal.audit import personal
    from portal.conduct.tasks import seal_text_job

    client.sign_in_as(staff.hr)
    assert open_case(client, staff, allegation=WORDS["allegation"]).status_code == 302
    case = only_case(session)
    assert personal.is_sealed(case.allegation_sealed) and case.allegation == WORDS["allegation"]
    case.allegation_sealed = WORDS["allegation"]  # as an older portal stored it
    session.commit()
    assert only_case(session).allegation == WORDS["allegation"]
    with app.app_context():
        assert seal_text_job(session, date.today()) == "1 disciplinary record(s) sealed"
        session.commit()
        assert seal_text_job(session, date.today()) == "0 disciplinary record(s) sealed"
    case = only_case(session)
    assert personal.is_sealed(case.allegation_sealed) and WORDS["allegation"] not in case.allegation_sealed
    assert case.allegation == WORDS["allegation"]
    assert verify_chain(session).ok
