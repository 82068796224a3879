"""Whom a policy binds is data on each version (issue 18, section 1: "Scope is data on
each policy version. Councillors are not bound by the Networking Policy")."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.people.models import EngagementType, Role
from portal.policies import service
from portal.policies.clerk_records import sign_on_behalf
from portal.policies.models import ChangeKind, PolicyVersion
from portal.policies.signing import RequestDetails
from portal.policies.status import Status, statuses_for_people
from tests.factories import PASSWORD, POLICY_TEXT, add_version, make_clerk, make_person, make_policy

STAFF = [e for e in EngagementType if e != EngagementType.COUNCILLOR]
EVERYONE = list(EngagementType)


def _status(session, person, slug="test-policy", today=None):
    statuses = statuses_for_people(session, [person], today=today)[person.id]
    return next((s for s in statuses if s.policy.slug == slug), None)


def test_each_version_binds_whom_it_says_not_whom_the_policy_first_did(session, sign_as):
    clerk = make_clerk(session)
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR)
    employee = make_person(session)
    policy, first = make_policy(session, clerk=clerk, engagements=EVERYONE)
    assert _status(session, councillor) is not None
    second = add_version(session, clerk=clerk, policy=policy, label="2", engagements=STAFF)
    assert _status(session, councillor) is None
    assert _status(session, employee).version.id == second.id
    # The first version's scope is kept as it was published: evidence of whom it bound.
    session.expire_all()
    assert session.get(PolicyVersion, first.id).applies_to_engagements == [e.value for e in EVERYONE]
    with pytest.raises(DomainError, match="does not apply to you"):
        sign_as(councillor, policy)


def test_the_clerk_cannot_sign_for_someone_the_current_version_does_not_bind(app, session):
    clerk = make_clerk(session)
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR)
    policy, _ = make_policy(session, clerk=clerk, engagements=EVERYONE)
    add_version(session, clerk=clerk, policy=policy, label="2", engagements=STAFF)
    policy = service.get_policy(session, policy.slug)
    with pytest.raises(DomainError, match="does not apply to"), app.app_context():
        sign_on_behalf(
            session,
            clerk,
            councillor,
            policy,
            clerk_password=PASSWORD,
            reason="Asked",
            request=RequestDetails(),
        )


def test_someone_a_later_version_brings_into_scope_has_20_working_days_from_it(session):
    clerk = make_clerk(session)
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR, start_date=date(2020, 1, 6))
    employee = make_person(session, start_date=date(2020, 1, 6))
    with time_machine.travel(datetime(2026, 1, 5, 10, 0, tzinfo=UTC), tick=False):
        policy, _ = make_policy(session, clerk=clerk, engagements=STAFF)
    with time_machine.travel(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), tick=False):
        # A minor version asks nobody already bound to sign again, but it binds councillors now.
        add_version(session, clerk=clerk, policy=policy, label="2", material=False, engagements=EVERYONE)
    today = date(2026, 6, 2)
    newly_bound = _status(session, councillor, today=today)
    assert (newly_bound.status, newly_bound.due) == (Status.DUE, date(2026, 6, 29))
    # Everyone else still runs from the material version, as before.
    assert _status(session, employee, today=today).due == date(2026, 2, 2)


def test_a_draft_changes_no_ones_obligations_until_it_is_published(session):
    clerk = make_clerk(session)
    councillor = make_person(session, engagement=EngagementType.COUNCILLOR)
    policy, _ = make_policy(session, clerk=clerk, engagements=STAFF)
    add_version(session, clerk=clerk, policy=policy, label="2", engagements=EVERYONE, publish=False)
    assert _status(session, councillor) is None


def test_a_draft_takes_its_scope_from_the_version_before_it_and_can_change_it(client, session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk, engagements=STAFF, roles=[Role.MANAGER])
    client.sign_in_as(clerk)
    form = client.get(f"/policies/{policy.slug}/versions/new").get_data(as_text=True)
    assert 'value="employee" checked' in form and 'value="councillor" checked' not in form
    assert 'value="manager" checked' in form
    fields = {
        "label": "2",
        "effective_date": "2026-06-01",
        "change_kind": "material",
        "change_summary": "Councillors sign it too",
        "adopted_minute": "Full Council, 1 June 2026, minute 7",
        "review_due": "2027-06-01",
        "body": POLICY_TEXT,
        "engagements": [e.value for e in EVERYONE],
    }
    assert client.post(f"/policies/{policy.slug}/versions/new", fields).status_code == 302
    draft = session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2"))
    assert draft.applies_to_engagements == [e.value for e in EVERYONE] and draft.applies_to_roles == []
    edit = f"/policies/{policy.slug}/versions/{draft.id}/edit"
    assert 'value="councillor" checked' in client.get(edit).get_data(as_text=True)
    assert client.post(edit, {**fields, "engagements": ["councillor"]}).status_code == 302
    session.expire_all()
    assert session.get(PolicyVersion, draft.id).applies_to_engagements == ["councillor"]
    edited = session.scalars(select(AuditEvent).where(AuditEvent.action == "policies.version_edited")).one()
    said = json.loads(edited.details)
    assert (said["engagements"], said["roles"]) == (["councillor"], [])
    nobody = client.post(edit, {**fields, "engagements": []}).get_data(as_text=True)
    assert "Choose at least one group of people who must sign it" in nobody


def test_a_published_versions_scope_is_frozen(session):
    clerk = make_clerk(session)
    policy, version = make_policy(session, clerk=clerk, engagements=STAFF)
    details = service.VersionDetails(
        label="1",
        effective_date=version.effective_date,
        body=POLICY_TEXT,
        change_kind=ChangeKind.MATERIAL,
        change_summary="Add councillors",
        adopted_minute="minute",
        review_due=version.review_due,
        scope=service.Scope(tuple(EVERYONE)),
    )
    with pytest.raises(DomainError, match="cannot be changed"):
        service.update_draft(session, clerk, policy, version, details)


def test_the_versions_preview_and_comparison_show_whom_each_version_binds(client, session):
    clerk = make_clerk(session)
    policy, first = make_policy(session, clerk=clerk, engagements=STAFF, roles=[Role.MANAGER])
    draft = add_version(
        session, clerk=clerk, policy=policy, label="2", engagements=EVERYONE, roles=[], publish=False
    )
    client.sign_in_as(clerk)
    versions = client.get(f"/policies/{policy.slug}/versions").get_data(as_text=True)
    assert "Who must sign it now (the scope of version 1): Employee, Temporary worker" in versions
    assert "only those who are Manager" in versions
    preview = client.get(f"/policies/{policy.slug}/versions/{draft.id}").get_data(as_text=True)
    assert "This draft changes who must sign, compared with version 1 (current)" in preview
    assert "Now also to be signed by: Councillor" in preview
    assert "The roles it is limited to have changed" in preview
    compared = client.get(f"/policies/{policy.slug}/compare?older={first.id}&newer={draft.id}")
    page = compared.get_data(as_text=True)
    assert "Who must sign" in page and "Now also to be signed by: Councillor" in page
    unchanged = client.get(f"/policies/{policy.slug}/compare?older={first.id}&newer={first.id}")
    assert "Unchanged" in unchanged.get_data(as_text=True)


def test_publishing_records_whom_the_version_binds(session):
    clerk = make_clerk(session)
    make_policy(session, clerk=clerk, engagements=STAFF)
    published = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "policies.version_published")
    ).one()
    assert json.loads(published.details)["engagements"] == [e.value for e in STAFF]
    assert json.loads(published.details)["roles"] == []


def test_the_import_command_keeps_the_scope_of_the_version_before(app, session, tmp_path):
    clerk = make_clerk(session)
    make_policy(session, clerk=clerk, engagements=[EngagementType.EMPLOYEE])
    document = tmp_path / "policy.md"
    document.write_text(POLICY_TEXT)
    result = app.test_cli_runner().invoke(
        args=["policies", "import", str(document), "--slug", "test-policy", "--version", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "who must sign: Employee" in result.output
    draft = session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2"))
    assert draft.applies_to_engagements == ["employee"]
