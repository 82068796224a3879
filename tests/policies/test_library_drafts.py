"""Saving a draft again: its sections are replaced, not duplicated (once a 500)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.policies.models import PolicySection, PolicyVersion
from tests.factories import POLICY_TEXT, make_clerk, make_policy

FORM = {
    "label": "2",
    "effective_date": "2026-06-01",
    "change_kind": "material",
    "change_summary": "Breaks are now lunch breaks",
    "adopted_minute": "Full Council, 1 June 2026, minute 7",
    "review_due": "2027-06-01",
    "engagements": ["employee", "volunteer"],
}


def test_an_existing_draft_can_be_saved_again_with_the_same_and_new_sections(client, session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    assert (
        client.post(f"/policies/{policy.slug}/versions/new", {**FORM, "body": POLICY_TEXT}).status_code == 302
    )
    draft_id = session.scalar(select(PolicyVersion.id).where(PolicyVersion.label == "2"))
    edit = f"/policies/{policy.slug}/versions/{draft_id}/edit"
    # The same sections, one with new wording: the case that failed.
    changed = POLICY_TEXT.replace("your breaks", "your lunch breaks")
    response = client.post(edit, {**FORM, "body": changed})
    assert response.status_code == 302, response.status_code
    # Saved once more with a section added and another taken away.
    reshaped = (
        changed.replace("## Purpose", "## 3.1 Scope") + "\n## 3.3 Off duty\n\nTake care off duty too.\n"
    )
    assert client.post(edit, {**FORM, "body": reshaped}).status_code == 302
    session.expire_all()
    sections = list(
        session.scalars(
            select(PolicySection).where(PolicySection.version_id == draft_id).order_by(PolicySection.position)
        )
    )
    assert [s.section_id for s in sections] == ["3.1", "3.2", "3.3"]
    assert "lunch breaks" in sections[1].body_markdown
    assert session.scalar(select(func.count()).where(AuditEvent.action == "policies.version_edited")) == 2
