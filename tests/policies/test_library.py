from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.outbox.models import OutboxMessage
from portal.people.models import EngagementType, Role
from portal.policies import service
from portal.policies.models import ChangeKind, Policy, PolicyVersion
from tests.factories import POLICY_TEXT, add_version, make_clerk, make_person, make_policy
from tests.policies.test_parsing import COMMUNICATION_SEED, NETWORKING_SEED, needs_seeds


def _details(**overrides):
    values = dict(
        label="2",
        effective_date=date(2026, 6, 1),
        body=POLICY_TEXT,
        change_kind=ChangeKind.MATERIAL,
        change_summary="Clarified 3.2",
        adopted_minute="Full Council, 1 June 2026, minute 7",
        review_due=date(2027, 6, 1),
        scope=service.Scope(tuple(EngagementType)),
    )
    values.update(overrides)
    return service.VersionDetails(**values)


def test_a_version_stores_its_text_hash_and_sections(session):
    clerk = make_clerk(session)
    policy, version = make_policy(session, clerk=clerk)
    assert version.content_sha256 == service.sha256_text(version.body_markdown)
    assert [s.section_id for s in version.sections] == ["purpose", "3.2"]
    assert version.status == "published" and version.published_by_id == clerk.id


def test_a_published_version_cannot_be_edited(session):
    clerk = make_clerk(session)
    policy, version = make_policy(session, clerk=clerk)
    with pytest.raises(DomainError, match="cannot be changed"):
        service.update_draft(
            session, clerk, policy, version, _details(body=POLICY_TEXT + "\nSneaky change.\n")
        )


def test_publishing_a_new_version_archives_the_old_one(session):
    clerk = make_clerk(session)
    policy, first = make_policy(session, clerk=clerk)
    second = add_version(
        session, clerk=clerk, policy=policy, label="2", text=POLICY_TEXT.replace("breaks", "lunch breaks")
    )
    session.expire_all()
    policy = service.get_policy(session, policy.slug)
    assert service.current_version(policy).id == second.id
    assert session.get(PolicyVersion, first.id).status == "archived"


def test_a_garbled_draft_is_refused_and_nothing_is_saved(session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    with pytest.raises(DomainError, match="No sections"):
        service.draft_version(
            session, clerk, policy, _details(body="nothing here that looks like a heading at all")
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PolicyVersion)) == 1


def test_labels_are_unique_within_a_policy(session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    with pytest.raises(DomainError, match="already has a version labelled 1"):
        service.draft_version(session, clerk, policy, _details(label="1"))


def test_a_draft_cannot_be_published_without_its_minute(session):
    clerk = make_clerk(session)
    policy, draft = make_policy(session, clerk=clerk, publish=False)
    draft.adopted_minute = ""
    with pytest.raises(DomainError, match="minute"):
        service.publish_version(session, clerk, policy, draft)


def test_the_clerk_drafts_previews_compares_and_publishes_in_the_browser_flow(client, session):
    clerk = make_clerk(session)
    policy, first = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    response = client.post(
        f"/policies/{policy.slug}/versions/new",
        {
            "label": "2",
            "effective_date": "2026-06-01",
            "change_kind": "material",
            "change_summary": "Breaks are now lunch breaks",
            "adopted_minute": "Full Council, 1 June 2026, minute 7",
            "review_due": "2027-06-01",
            "body": POLICY_TEXT.replace("your breaks", "your lunch breaks"),
            "engagements": [e.value for e in EngagementType],
        },
    )
    assert response.status_code == 302
    draft = session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2"))
    preview = client.get(f"/policies/{policy.slug}/versions/{draft.id}").get_data(as_text=True)
    assert "Preview of draft" in preview and "lunch breaks" in preview
    compared = client.get(f"/policies/{policy.slug}/compare?older={first.id}&newer={draft.id}").get_data(
        as_text=True
    )
    assert "<ins>lunch</ins>" in compared and "Unchanged" in compared and "Changed" in compared
    assert client.post(f"/policies/{policy.slug}/versions/{draft.id}/publish").status_code == 302
    session.expire_all()
    assert session.get(PolicyVersion, draft.id).status == "published"
    assert session.scalar(select(func.count()).where(AuditEvent.action == "policies.version_published")) == 2


def test_only_the_town_clerk_can_publish(client, session):
    clerk = make_clerk(session)
    deputy = make_person(session, roles={Role.DEPUTY_CLERK})
    policy, draft = make_policy(session, clerk=clerk, publish=False)
    client.sign_in_as(deputy)
    preview = client.get(f"/policies/{policy.slug}/versions/{draft.id}").get_data(as_text=True)
    assert "Only the Town Clerk can publish it" in preview and "Publish version" not in preview
    assert client.post(f"/policies/{policy.slug}/versions/{draft.id}/publish").status_code == 403
    session.expire_all()
    assert session.get(PolicyVersion, draft.id).status == "draft"


def test_archiving_the_current_version_withdraws_the_policy(client, session):
    clerk = make_clerk(session)
    policy, version = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    assert client.post(f"/policies/{policy.slug}/versions/{version.id}/archive").status_code == 302
    session.expire_all()
    assert service.current_version(service.get_policy(session, policy.slug)) is None


def test_a_bad_draft_form_shows_every_problem(client, session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    html = client.post(
        f"/policies/{policy.slug}/versions/new", {"label": "", "body": "", "review_due": "nope"}
    ).get_data(as_text=True)
    assert "There is a problem" in html
    for message in [
        "Enter a label",
        "Enter the text of the policy",
        "Summarise what changed",
        "The review date must be a real date",
        "Choose at least one group of people who must sign it",
    ]:
        assert message in html


def test_unknown_policies_and_versions_are_404(client, session):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)
    client.sign_in_as(clerk)
    assert client.get("/policies/no-such-policy").status_code == 404
    assert client.get(f"/policies/{policy.slug}/versions/99999").status_code == 404
    assert client.get(f"/policies/{policy.slug}/compare?older=1&newer=99999").status_code == 404


def test_adding_a_policy_in_the_browser_flow(client, session):
    clerk = make_clerk(session)
    client.sign_in_as(clerk)
    response = client.post(
        "/policies/new",
        {
            "title": "Email Policy",
            "slug": "email",
            "owner_role": "town_clerk",
        },
    )
    # Who must sign is said by each version: the next step drafts the first one.
    assert response.headers["Location"].endswith("/policies/email/versions/new")
    policy = session.scalar(select(Policy).where(Policy.slug == "email"))
    assert policy.title == "Email Policy"
    bad = client.post("/policies/new", {"title": "X", "slug": "Not A Slug!", "owner_role": "town_clerk"})
    assert "lower-case letters" in bad.get_data(as_text=True)


@needs_seeds
@pytest.mark.parametrize(
    ("seed", "slug", "sections"),
    [
        (NETWORKING_SEED, "networking", ["purpose", "scope", "3.0", "3.2", "3.3", "3.4"]),
        (COMMUNICATION_SEED, "communication", None),
    ],
)
def test_the_import_command_reads_the_councils_documents(app, session, seed, slug, sections):
    result = app.test_cli_runner().invoke(
        args=["policies", "import", str(seed), "--slug", slug, "--version", "2025.1", "--material"]
    )
    assert result.exit_code == 0, result.output
    version = session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2025.1"))
    assert version.status == "draft" and version.change_kind == "material"
    if sections:
        assert f"sections: {', '.join(sections)}" in result.output


def test_the_import_command_refuses_a_garbled_file_and_creates_nothing(app, session, tmp_path):
    garbled = tmp_path / "garbled.txt"
    garbled.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    for file in (garbled, empty):
        result = app.test_cli_runner().invoke(
            args=["policies", "import", str(file), "--slug", "x", "--version", "1"]
        )
        assert result.exit_code != 0
        assert "Nothing was imported" in result.output or "not UTF-8" in result.output
    assert session.scalar(select(func.count()).select_from(Policy)) == 0


def test_publishing_from_the_pages_tells_who_must_sign_and_publishing_alone_does_not(app, session):
    def told() -> list[str]:
        return sorted(
            session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "policy_assigned"))
        )

    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk)  # published by service.publish_version
    staff = make_person(session, email="staff@council.example")
    session.commit()
    assert told() == []
    draft = add_version(session, clerk=clerk, policy=policy, label="2", publish=False)
    with app.test_request_context():  # the email's link is built from the request
        replaced = service.publish_and_announce(session, clerk, policy, draft)
    assert replaced is not None and replaced.label == "1"
    assert told() == sorted([clerk.email, staff.email])
