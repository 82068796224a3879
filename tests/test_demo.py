from __future__ import annotations

from sqlalchemy import delete, func, select

from portal.audit.service import verify_chain
from portal.demo import DEMO_PASSWORD, load_demo_council
from portal.people.models import Department, EngagementType, Person, PersonRole, Role
from portal.policies.models import Policy


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
