from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from portal.audit.models import AuditEvent
from portal.audit.service import verify_chain
from portal.demo import DEMO_PASSWORD, demo_email, load_demo_council
from portal.outbox.models import OutboxMessage
from portal.people.models import Department, EngagementType, Person, PersonRole, Role
from portal.policies.models import Policy, PolicyVersion
from portal.policies.status import Status, statuses_for_people
from portal.training.programme import TrainingStatus, statuses_for


def test_the_demo_council_covers_every_role_and_engagement_type(app, session):
    with app.app_context():
        load_demo_council(session)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Person)) >= 25
    assert session.scalar(select(func.count()).select_from(Department)) >= 4
    assert set(session.scalars(select(Person.engagement_type).distinct())) == {
        e.value for e in EngagementType
    }
    assert set(session.scalars(select(PersonRole.role).distinct())) == {r.value for r in Role}
    assert {p.slug for p in session.scalars(select(Policy))} == {
        "social-media-networking",
        "social-media-electronic-communication",
    }
    assert verify_chain(session).ok


def test_loading_twice_changes_nothing(app, session):
    with app.app_context():
        load_demo_council(session)
        session.commit()
        again = load_demo_council(session)
    session.commit()
    assert again.people_created == 0 and again.departments_created == 0
    assert "nothing changed" in again.describe()


def test_demo_load_prints_passwords_only_in_demo_mode(app):
    runner = app.test_cli_runner()
    quiet = runner.invoke(args=["demo", "load"])
    assert quiet.exit_code == 0
    assert DEMO_PASSWORD not in quiet.output
    app.config["PORTAL_SETTINGS"].demo = True
    try:
        loud = runner.invoke(args=["demo", "load"])
    finally:
        app.config["PORTAL_SETTINGS"].demo = False
    assert DEMO_PASSWORD in loud.output and "clerk@" in loud.output


def test_if_empty_leaves_a_real_council_alone(app, session):
    from tests.factories import make_person

    make_person(session)
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert "no demo added" in result.output
    assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_if_empty_still_brings_the_demo_quiz_bank_up_to_date(app, session):
    """`make run` runs only `demo load --if-empty`: questions added to the shipped bank
    since the demo was loaded must still reach it."""
    from portal.training.models import QuestionVersion

    with app.app_context():
        load_demo_council(session)
        session.commit()
    newest = session.scalar(select(func.max(QuestionVersion.id)))
    session.execute(delete(QuestionVersion).where(QuestionVersion.id == newest))
    session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "no demo added (1 new questions)" in result.output


def test_the_readme_states_the_demo_password():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert f"`{DEMO_PASSWORD}`" in readme


# The demo's people with something overdue (portal/demo/overdue.py), by their local part.
ESCALATED_TO_THE_MANAGER, ESCALATED_TO_THE_CLERK, NOT_YET_ESCALATED = (
    "megan.doyle",
    "ryan.fletcher",
    "callum.reid",
)


def _demo_person(session, local: str) -> Person:
    return session.scalar(
        select(Person).options(selectinload(Person.role_grants)).where(Person.email == demo_email(local))
    )


def _loaded(app, session) -> None:
    with app.app_context():
        load_demo_council(session)
    session.commit()


def test_the_demo_council_has_people_overdue_and_escalations(app, session):
    _loaded(app, session)
    megan, ryan, callum = (
        _demo_person(session, local)
        for local in (ESCALATED_TO_THE_MANAGER, ESCALATED_TO_THE_CLERK, NOT_YET_ESCALATED)
    )
    policies = statuses_for_people(session, [megan, ryan, callum])
    training = statuses_for(session, [megan, ryan, callum])
    for person in (megan, ryan):
        assert {s.status for s in policies[person.id]} == {Status.OVERDUE}
        assert TrainingStatus.OVERDUE in {s.status for s in training[person.id]}
    # Callum signed both policies, late; his onboarding quiz is still overdue.
    assert {s.status for s in policies[callum.id]} == {Status.CURRENT}
    assert TrainingStatus.OVERDUE in {s.status for s in training[callum.id]}

    escalations = {
        (m.to_address, m.subject)
        for m in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "escalation"))
    }
    assert (demo_email("events.manager"), "Megan Doyle is overdue") in escalations
    assert (demo_email("clerk"), "Ryan Fletcher is overdue") in escalations
    assert not any("Callum" in subject for _, subject in escalations)  # not late enough yet
    overdue_notices = set(
        session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "overdue"))
    )
    assert {megan.email, ryan.email, callum.email} <= overdue_notices
    # The setup was replayed on the day the portal went live, before they started: the
    # audit trail is in time order, and says so.
    published = session.scalar(select(func.max(PolicyVersion.published_at)))
    assert published.date() < min(megan.start_date, callum.start_date)
    times = list(session.scalars(select(AuditEvent.occurred_at).order_by(AuditEvent.id)))
    assert times == sorted(times) and times[0].date() < megan.start_date
    assert verify_chain(session).ok


def test_the_clerk_and_the_manager_see_who_is_overdue(app, session, client):
    _loaded(app, session)
    client.sign_in_as(_demo_person(session, "clerk"))
    overview = client.get("/reports?status=overdue").get_data(as_text=True)
    assert "Megan Doyle" in overview and "Ryan Fletcher" in overview and "Callum Reid" in overview
    for page in ("/policies/status?status=overdue", "/training/progress?status=overdue"):
        shown = client.get(page).get_data(as_text=True)
        assert "Megan Doyle" in shown and "Ryan Fletcher" in shown, page

    client.sign_in_as(_demo_person(session, "events.manager"))
    for page in ("/policies/status?status=overdue", "/training/progress?status=overdue", "/reports"):
        shown = client.get(page).get_data(as_text=True)
        assert "Megan Doyle" in shown and "Overdue" in shown, page
        assert "Ryan Fletcher" not in shown, page  # not in her team

    client.sign_in_as(_demo_person(session, ESCALATED_TO_THE_MANAGER))
    assert "Overdue" in client.get("/").get_data(as_text=True)

    # The escalations are emails: the administrator sees them waiting in the outbox.
    client.sign_in_as(_demo_person(session, "admin"))
    outbox = client.get("/outbox?status=queued&q=is+overdue").get_data(as_text=True)
    assert "Megan Doyle is overdue" in outbox and "Ryan Fletcher is overdue" in outbox


def test_loading_twice_keeps_the_same_overdue_people_and_escalations(app, session):
    def counts() -> tuple[int, ...]:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Person, OutboxMessage, AuditEvent)
        )

    _loaded(app, session)
    first = counts()
    _loaded(app, session)
    assert counts() == first
