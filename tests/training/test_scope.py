"""A question is asked only of people the policies it cites bind (issue: right in law,
section 1): `quizzes check` reads each policy's scope from the database."""

from __future__ import annotations

from portal.people.models import EngagementType, Role
from portal.training.sync import check
from tests.factories import add_version, make_clerk, make_policy

STAFF = [e for e in EngagementType if e != EngagementType.COUNCILLOR]


def _problems(folder, session) -> list[str]:
    """The problems with the questions (a changed question may also leave a test quiz
    short of questions to draw, which is another check's business)."""
    return [str(p) for p in check(session, folder)[1] if p.file.endswith("basics.yaml")]


def _edit(folder, old: str, new: str) -> None:
    path = folder / "questions" / "basics.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_question_for_councillors_citing_a_policy_that_does_not_bind_them_is_refused(session, bank_folder):
    make_policy(session, clerk=make_clerk(session), engagements=STAFF)
    session.commit()
    problems = _problems(bank_folder, session)
    assert problems == [
        "quizzes/questions/basics.yaml:82: the audience includes councillor, whom policy 'test-policy' "
        "does not bind; cite a policy that binds them, narrow the audience, or declare duty_of for a "
        "role the policy gives a duty to"
    ]


def test_the_same_question_passes_where_the_policy_binds_councillors(session, bank_folder):
    make_policy(session, clerk=make_clerk(session), engagements=list(EngagementType))
    session.commit()
    assert _problems(bank_folder, session) == []


def test_a_question_about_a_duty_the_policy_gives_a_named_role_declares_it(session, bank_folder):
    make_policy(session, clerk=make_clerk(session), engagements=STAFF)
    session.commit()
    _edit(
        bank_folder,
        "  audience: {engagements: [councillor], roles: []}\n  type: single\n  stem: A councillor question.",
        "  audience: {engagements: [councillor], roles: [mayor]}\n  duty_of: mayor\n"
        "  type: single\n  stem: A councillor question.",
    )
    assert _problems(bank_folder, session) == []
    _edit(bank_folder, "roles: [mayor]}\n  duty_of: mayor", "roles: []}\n  duty_of: mayor")
    assert _problems(bank_folder, session) == [
        "quizzes/questions/basics.yaml:83: duty_of must name one role, and the question's "
        "audience.roles must be exactly that role"
    ]


def test_a_retired_question_is_not_checked(session, bank_folder):
    make_policy(session, clerk=make_clerk(session), engagements=STAFF)
    session.commit()
    _edit(
        bank_folder,
        "status: ready\n  topic: confidentiality\n  audience: {engagements: [councillor]",
        "status: retired\n  topic: confidentiality\n  audience: {engagements: [councillor]",
    )
    assert _problems(bank_folder, session) == []


def test_the_check_reads_the_scope_of_each_policys_current_version(session, bank_folder):
    clerk = make_clerk(session)
    policy, _ = make_policy(session, clerk=clerk, engagements=list(EngagementType))
    assert _problems(bank_folder, session) == []
    # The version people sign now no longer binds councillors: the question is refused...
    add_version(session, clerk=clerk, policy=policy, label="2", engagements=STAFF)
    assert [p.split(": ")[0] for p in _problems(bank_folder, session)] == ["quizzes/questions/basics.yaml:82"]
    # ...and a draft that would bind them again changes nothing until it is published.
    add_version(
        session, clerk=clerk, policy=policy, label="3", engagements=list(EngagementType), publish=False
    )
    assert len(_problems(bank_folder, session)) == 1


def test_a_version_limited_to_some_roles_binds_only_their_holders(session, bank_folder):
    make_policy(session, clerk=make_clerk(session), engagements=list(EngagementType), roles=[Role.MAYOR])
    councillors = [
        p for p in _problems(bank_folder, session) if p.startswith("quizzes/questions/basics.yaml:82")
    ]
    assert councillors == [
        "quizzes/questions/basics.yaml:82: the audience includes people who hold none of the roles mayor, "
        "whom policy 'test-policy' does not bind; cite a policy that binds them, narrow the audience, or "
        "declare duty_of for a role the policy gives a duty to"
    ]
    _edit(
        bank_folder,
        "audience: {engagements: [councillor], roles: []}",
        "audience: {engagements: [councillor], roles: [mayor]}",
    )
    assert not any(p.startswith("quizzes/questions/basics.yaml:82") for p in _problems(bank_folder, session))
