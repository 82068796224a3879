"""Retention of disciplinary records, legal holds, and linking further receipts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.clock import add_months
from portal.conduct import retention
from portal.conduct.models import DisciplinaryCase, EvidenceSnapshot
from tests.conduct.helpers import decide, only_case, open_case
from tests.factories import make_person

MONTHS = {"warning": 6, "no_warning": 6, "dismissal": 72}
TODAY = date.today()


def _fresh(session) -> None:
    """See what the requests (another session) changed: a new transaction, nothing cached."""
    session.commit()
    session.expire_all()


def _decided(client, session, staff, stage="first_written", **extra):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case_id = only_case(session).id
    assert decide(client, staff, case_id, stage, **extra).status_code == 302
    client.post(f"/conduct/{case_id}/packs", {})
    return only_case(session)


def test_the_schedule_reads_its_settings_and_refuses_bad_ones():
    assert retention.parse_retention("warning=6,no_warning=3,dismissal=72") == {
        "warning": 6,
        "no_warning": 3,
        "dismissal": 72,
    }
    for bad in (
        "warning=6",
        "warning=six,no_warning=6,dismissal=72",
        "warning=6,no_warning=6,dismissal=72,x=1",
    ):
        with pytest.raises(retention.BadRetentionSettings):
            retention.parse_retention(bad)


def test_a_warning_is_kept_for_six_months_after_it_expires(client, session, staff):
    case = _decided(client, session, staff)
    assert retention.kept_until(case, MONTHS) == add_months(add_months(TODAY, 6), 6)
    page = client.get(f"/conduct/{case.id}").get_data(as_text=True)
    assert "Kept until" in page


def _long_ago(months: int) -> str:
    """A decision date that far back: on PostgreSQL the database judges by its own clock
    (migration 0015), so a test cannot ask about a later day; it decides earlier instead."""
    return (add_months(TODAY, -months) - timedelta(days=1)).isoformat()


def test_a_case_decided_today_is_not_due(client, session, staff):
    _decided(client, session, staff)
    _fresh(session)
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == []


def test_retention_removes_what_is_due_and_leaves_an_audit_entry_without_personal_details(
    app, client, session, staff
):
    # Live for 6 months (the council's default), kept 6 more: decided 12 months and a day ago, it is due.
    case = _decided(client, session, staff, decided_on=_long_ago(12))
    reference = case.reference
    _fresh(session)
    assert retention.run(session, TODAY, MONTHS, dry_run=True) == [reference]
    assert (
        session.scalar(select(func.count()).select_from(DisciplinaryCase)) == 1
    )  # a dry run removes nothing
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == [reference]
    session.commit()
    assert session.scalar(select(func.count()).select_from(DisciplinaryCase)) == 0
    assert session.scalar(select(func.count()).select_from(EvidenceSnapshot)) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "conduct.removed_by_retention"))
    assert reference in event.details and staff.subject.name not in event.details
    assert "allegation" not in event.details
    assert verify_chain(session).ok


def test_a_legal_hold_keeps_a_case_until_it_is_lifted(client, session, staff):
    case = _decided(client, session, staff, stage="no_action", decided_on=_long_ago(6))
    reference = case.reference
    refused = client.post(f"/conduct/{case.id}/hold", {"hold-reason": ""})
    assert "Give the reason" in refused.get_data(as_text=True)
    client.post(f"/conduct/{case.id}/hold", {"hold-reason": "Employment tribunal claim received"})
    _fresh(session)
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == []
    assert "Under a legal hold" in client.get(f"/conduct/{case.id}").get_data(as_text=True)
    client.post(f"/conduct/{case.id}/hold/lift", {"hold-reason": "The claim was withdrawn"})
    _fresh(session)
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == [reference]
    actions = list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("conduct.legal_hold%"))
            .order_by(AuditEvent.id)
        )
    )
    assert actions == ["conduct.legal_hold_placed", "conduct.legal_hold_lifted"]


def test_open_cases_are_never_due(client, session, staff):
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    assert retention.run(session, add_months(TODAY, 200), MONTHS, dry_run=False) == []


def test_the_command_runs_with_a_dry_run(app, client, session, staff):
    _decided(client, session, staff, stage="no_action", decided_on=(TODAY - timedelta(days=400)).isoformat())
    session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0 and "disciplinary_cases: 1 would be removed" in dry.output
    assert "(dry run: nothing changed)" in dry.output
    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0 and "disciplinary_cases: 1 removed" in done.output
    again = runner.invoke(args=["retention", "run"])
    assert "disciplinary_cases: 0 removed" in again.output


def test_only_the_employees_own_receipts_can_be_linked(client, session, staff, sign_as):
    from portal.policies.models import Receipt

    sign_as(staff.subject, staff.policy)
    other = make_person(session, name="Olive Other")
    sign_as(other, staff.policy)
    client.sign_in_as(staff.hr)
    open_case(client, staff)
    case = only_case(session)
    receipts = session.scalars(select(Receipt).options(selectinload(Receipt.acknowledgement)))
    codes = {r.acknowledgement.person_id: r.code for r in receipts}
    refused = client.post(f"/conduct/{case.id}/receipts", {"link-code": codes[other.id]})
    assert "belongs to someone else" in refused.get_data(as_text=True)
    unknown = client.post(f"/conduct/{case.id}/receipts", {"link-code": "ZZZZ-ZZZZ-ZZZZ"})
    assert "No receipt has that code" in unknown.get_data(as_text=True)
    assert only_case(session).linked_receipts == []
    own = codes[staff.subject.id].lower().replace("-", "")  # typed loosely
    assert client.post(f"/conduct/{case.id}/receipts", {"link-code": own}).status_code == 302
    client.post(f"/conduct/{case.id}/receipts", {"link-code": own})
    assert [link.receipt.code for link in only_case(session).linked_receipts] == [codes[staff.subject.id]]


def test_a_reference_is_never_given_again_after_retention_removes_its_case(client, session, staff):
    """Numbering by counting the cases still held gave the next case a number in use
    (its insert failed) once the schedule had removed an earlier one."""
    removed = _decided(client, session, staff, stage="no_action", decided_on=_long_ago(7)).reference
    open_case(client, staff)
    kept = only_case(session).reference
    _fresh(session)
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == [removed]
    session.commit()
    assert open_case(client, staff).status_code == 302
    newest = only_case(session).reference
    assert newest not in (removed, kept) and newest > kept


def test_removing_a_case_keeps_the_key_of_another_with_the_same_evidence(client, session, staff):
    """Two cases about one employee, one policy and one day freeze identical evidence. On
    PostgreSQL the trigger that forgets a purged case's key found it by the evidence's hash
    alone, so it forgot the open case's key too (migration 0026)."""
    removed = _decided(client, session, staff, stage="no_action", decided_on=_long_ago(7))
    reference, evidence = removed.reference, removed.evidence.content_sha256
    open_case(client, staff)
    assert only_case(session).evidence.content_sha256 == evidence
    _fresh(session)
    assert retention.run(session, TODAY, MONTHS, dry_run=False) == [reference]
    session.commit()
    assert "a resident's complaint letter" in only_case(session).allegation
