"""Policies that stay current: a version's review date brings the Town Clerk a task and one
email, until the re-adopted wording is published; the adopting minute is shown on the
policy's page and printed on new receipts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.clock import today
from portal.errors import NotFound
from portal.jobs import reminders
from portal.outbox.models import OutboxMessage
from portal.people.models import Role
from portal.people.service import mark_leaver
from portal.policies import service
from portal.policies.models import ChangeKind, Receipt
from portal.policies.reviews import review_notices
from portal.tasks import tasks_for
from tests.business_cases.helpers import pdf_text
from tests.factories import POLICY_TEXT, make_clerk, make_person
from tests.helpers import text_of
from tests.notifications.conftest import smtp_settings

MINUTE = "Full Council, 12 March 2026, minute 2026/041"


def _version(session, clerk, *, slug: str, review_due: date, label: str = "1", minor: bool = False):
    """A published version of `slug` (created if new) due for review on `review_due`."""
    try:
        policy = service.get_policy(session, slug)
    except NotFound:
        policy = service.create_policy(
            session,
            clerk,
            service.PolicyDetails(slug=slug, title=f"{slug.title()} Policy", owner_role=Role.TOWN_CLERK),
        )
    version = service.draft_version(
        session,
        clerk,
        policy,
        service.VersionDetails(
            label=label,
            effective_date=review_due - timedelta(days=365),
            body=POLICY_TEXT,
            change_kind=ChangeKind.MINOR if minor else ChangeKind.MATERIAL,
            change_summary="Reviewed" if minor else "First version",
            adopted_minute=MINUTE,
            review_due=review_due,
            scope=service.scope_for_next_draft(policy),
        ),
    )
    service.publish_version(session, clerk, policy, version)
    session.commit()
    return policy, version


def _clerks_tasks(app, session, person) -> list:
    with app.test_request_context():
        found = [task for task in tasks_for(session, person) if task.title.startswith("Review the")]
    session.commit()
    return found


def _review_emails(session) -> list[tuple[str, str]]:
    found = [
        (m.to_address, m.subject)
        for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "policy_review_due").order_by(OutboxMessage.id)
        )
    ]
    session.commit()
    return found


def test_the_clerk_has_a_task_from_a_policys_review_date_and_nobody_else_does(app, session):
    clerk = make_clerk(session)
    deputy = make_person(session, roles={Role.DEPUTY_CLERK})
    on = today()
    _version(session, clerk, slug="tomorrow", review_due=on + timedelta(days=1))
    _version(session, clerk, slug="today", review_due=on)
    _version(session, clerk, slug="lapsed", review_due=on - timedelta(days=7))

    tasks = _clerks_tasks(app, session, clerk)
    assert [(t.title, t.due, t.overdue) for t in tasks] == [
        ("Review the Lapsed Policy: version 1 is due for review", on - timedelta(days=7), True),
        ("Review the Today Policy: version 1 is due for review", on, False),
    ]
    assert tasks[0].href == "/policies/lapsed/versions"
    # The Deputy manages the library but does not publish: the review is the Clerk's.
    assert _clerks_tasks(app, session, deputy) == []


def test_publishing_the_re_adopted_wording_ends_the_review(app, session):
    clerk = make_clerk(session)
    on = today()
    _version(session, clerk, slug="lapsed", review_due=on - timedelta(days=1))
    assert len(_clerks_tasks(app, session, clerk)) == 1
    _version(session, clerk, slug="lapsed", review_due=on + timedelta(days=365), label="2", minor=True)
    assert _clerks_tasks(app, session, clerk) == []


def test_a_withdrawn_policy_has_nothing_to_review(app, session):
    clerk = make_clerk(session)
    policy, version = _version(session, clerk, slug="lapsed", review_due=today() - timedelta(days=1))
    service.archive_version(session, clerk, policy, version)
    session.commit()
    assert _clerks_tasks(app, session, clerk) == []


def test_each_town_clerk_is_emailed_once_per_version_due(app, session):
    clerk = make_clerk(session)
    second = make_person(session, email="second.clerk@council.example", roles={Role.TOWN_CLERK})
    gone = make_person(session, email="gone.clerk@council.example", roles={Role.TOWN_CLERK})
    make_person(session, email="deputy@council.example", roles={Role.DEPUTY_CLERK})
    mark_leaver(session, clerk, gone, today())
    session.commit()
    on = today()
    _version(session, clerk, slug="lapsed", review_due=on)
    _version(session, clerk, slug="later", review_due=on + timedelta(days=30))

    with app.app_context():
        assert review_notices(session, on) == {"policy reviews": 2}
        assert review_notices(session, on + timedelta(days=1)) == {}  # once, however often it runs
    session.commit()
    assert _review_emails(session) == [
        (clerk.email, "The Lapsed Policy is due for review"),
        (second.email, "The Lapsed Policy is due for review"),
    ]
    body = session.scalar(select(OutboxMessage.text_body).where(OutboxMessage.to_address == clerk.email))
    assert "/policies/lapsed/versions" in body and "minute" in body

    # The re-adopted version has a review date of its own, announced when it comes.
    _version(session, clerk, slug="lapsed", review_due=on + timedelta(days=2), label="2", minor=True)
    with app.app_context():
        assert review_notices(session, on + timedelta(days=1)) == {}
        assert review_notices(session, on + timedelta(days=2)) == {"policy reviews": 2}
    session.commit()
    assert len(_review_emails(session)) == 4


def test_the_daily_run_sends_the_review_notice(app, session, database_url):
    clerk = make_clerk(session)
    _version(session, clerk, slug="lapsed", review_due=today() - timedelta(days=3))
    with app.test_request_context():
        counts = reminders.run(session, smtp_settings(database_url, 25), today())
    session.commit()
    assert counts["policy reviews"] == 1
    assert _review_emails(session) == [(clerk.email, "The Lapsed Policy is due for review")]


def test_the_versions_page_says_when_the_review_is_due(client, session):
    clerk = make_clerk(session)
    _version(session, clerk, slug="lapsed", review_due=today() - timedelta(days=1))
    _version(session, clerk, slug="fresh", review_due=today() + timedelta(days=100))
    client.sign_in_as(clerk)
    lapsed = text_of(client.get("/policies/lapsed/versions").get_data(as_text=True))
    assert f"Version 1 was adopted by the council: {MINUTE}." in lapsed
    assert "Version 1 is due for review." in lapsed
    fresh = text_of(client.get("/policies/fresh/versions").get_data(as_text=True))
    assert f"adopted by the council: {MINUTE}" in fresh and "is due for review" not in fresh


def test_the_policy_page_and_a_new_receipt_name_the_minute_that_adopted_the_version(client, session, sign_as):
    clerk = make_clerk(session)
    person = make_person(session, name="Sam Starter")
    policy, _ = _version(session, clerk, slug="networking", review_due=date(2099, 1, 1))
    client.sign_in_as(person)
    page = text_of(client.get("/policies/networking").get_data(as_text=True))
    assert f"Adopted by the council {MINUTE}" in page
    assert "Next review due by 1 January 2099" in page

    ack = sign_as(person, policy)
    receipt = session.scalar(select(Receipt).where(Receipt.acknowledgement_id == ack.id))
    words = pdf_text(receipt.pdf)
    assert f"Policy: Networking Policy, version 1 Adopted by the council: {MINUTE}" in words
    # It is still the sealed evidence it was: the receipt checks against the record.
    checked = client.get(f"/receipts/verify?code={receipt.code}").get_data(as_text=True)
    assert "This receipt is genuine" in checked
