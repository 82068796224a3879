"""Section 5 of the insider threat, for the evidence tables beyond acknowledgements: a
superuser edits a frozen business case decision, the disciplinary evidence or an
evidence pack behind the portal's back, and `audit verify` names the record."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from portal.audit.seal import verify_records
from tests.everything import business_cases, disciplinary_case
from tests.factories import PASSWORD, make_clerk, make_person, make_policy
from tests.helpers import as_superuser


@pytest.fixture
def evidence(app, session):
    clerk = make_clerk(session)
    subject = make_person(session, name="Sam Subject")
    policy, _version = make_policy(session, clerk=clerk)
    with app.app_context():
        cases = business_cases(session, clerk)
        cases |= disciplinary_case(session, clerk, subject, policy)
    session.commit()
    assert verify_records(session, keys_came_later=False).problems == []
    session.commit()  # end the read, as another person's would be: SQLite's writer may go ahead
    return cases


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("case_decisions", "UPDATE case_decisions SET outcome = 'rejected'"),
        ("disciplinary_evidence", "UPDATE disciplinary_evidence SET content_sha256 = repeat('0', 64)"),
        ("disciplinary_packs", "UPDATE disciplinary_packs SET sha256 = repeat('0', 64)"),
    ],
)
def test_an_edited_evidence_record_is_named_by_verify(evidence, session, database_url, table, statement):
    if database_url.startswith("sqlite"):
        statement = statement.replace("repeat('0', 64)", "'" + "0" * 64 + "'")
    _edit_and_expect_verify_to_name(session, database_url, statement, table)


def _edit_and_expect_verify_to_name(session, database_url: str, statement: str, table: str) -> None:
    as_superuser(database_url, statement)
    session.expire_all()
    problems = verify_records(session, keys_came_later=False).problems
    assert [p.table for p in problems] == [table]
    assert "altered" in problems[0].reason


def test_a_stripped_seal_on_a_decision_is_named_by_verify(evidence, session, database_url):
    as_superuser(database_url, "UPDATE case_decisions SET seal = NULL, seal_key_id = NULL")
    session.expire_all()
    problems = verify_records(session, keys_came_later=False).problems
    assert [p.table for p in problems] == ["case_decisions"]


def test_the_audit_verify_command_fails_on_an_edited_pack(app, evidence, database_url):
    as_superuser(database_url, "UPDATE disciplinary_packs SET generated_at = generated_at")
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0  # nothing changed
    as_superuser(database_url, f"UPDATE disciplinary_packs SET sha256 = '{'1' * 64}'")
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "evidence record disciplinary_packs" in result.output


@pytest.fixture
def authorisation(app, session):
    """An issued authorisation and a revoked one: the written evidence of who may post."""
    from portal.authorisations.records import get_request
    from portal.authorisations.revocation import revoke
    from tests.everything import one_of_everything

    everything = one_of_everything(app, session)
    with app.app_context():
        issued = get_request(session, everything.ids["issued"])
        revoke(session, everything.clerk, issued, "Left the events team", password=PASSWORD)
    session.commit()
    assert verify_records(session, keys_came_later=False).problems == []
    session.commit()


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("authorisation_issues", "UPDATE authorisation_issues SET typed_name = 'Someone Else'"),
        ("authorisation_revocations", "UPDATE authorisation_revocations SET reason = 'Nothing to see'"),
    ],
)
def test_an_edited_authorisation_issue_or_revocation_is_named_by_verify(
    authorisation, session, database_url, table, statement
):
    _edit_and_expect_verify_to_name(session, database_url, statement, table)


def test_dropping_the_append_only_trigger_and_editing_is_still_caught(authorisation, session, database_url):
    """The attack of the introduction as a superuser (or the old owning role) would run
    it: drop the trigger, edit, put the trigger back. The keyed seal names the row."""
    if database_url.startswith("sqlite"):
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "DROP TRIGGER authorisation_issues_no_update_or_delete ON authorisation_issues"
        )
        connection.exec_driver_sql("UPDATE authorisation_issues SET typed_name = 'Someone Else'")
        connection.exec_driver_sql(
            "CREATE TRIGGER authorisation_issues_no_update_or_delete BEFORE UPDATE OR DELETE "
            "ON authorisation_issues FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table()"
        )
    engine.dispose()
    session.expire_all()
    problems = verify_records(session, keys_came_later=False).problems
    assert [p.table for p in problems] == ["authorisation_issues"]
