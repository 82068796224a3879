from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from portal.config import PACKAGE_ROOT
from portal.training.bank import check_bank, read_bank
from portal.training.models import QuestionVersion, Quiz
from portal.training.sync import BankProblems, check, sync

SHIPPED = PACKAGE_ROOT / "quizzes"


def _problems(folder: Path, session=None) -> list[str]:
    return [str(p) for p in check(session, folder)[1]]


def test_the_shipped_quiz_bank_passes_its_checks():
    bank = read_bank(SHIPPED)
    assert [str(p) for p in check_bank(bank)] == []
    assert len(bank.questions) >= 60
    topics = {item["topic"] for _, item in bank.questions}
    assert topics == {
        "private-use",
        "confidentiality",
        "social-engineering",
        "holiday-status",
        "posting-for-council",
        "council-channels",
        "email-and-messaging",
        "election-publicity",
    }
    assert {quiz["id"] for _, quiz in bank.quizzes} == {"onboarding", "councillor", "authorised-poster"}


def test_the_shipped_citations_point_at_the_demo_policies(app, session):
    from portal.demo import load_demo_council

    with app.app_context():
        load_demo_council(session)  # publishes the policies and loads the bank
    session.commit()
    assert _problems(SHIPPED, session) == []
    assert session.scalar(select(func.count()).select_from(QuestionVersion)) >= 60


def test_the_test_bank_is_clean(bank_folder, loaded, session):
    assert _problems(bank_folder, session) == []


def _edit(folder: Path, old: str, new: str, name: str = "questions/basics.yaml") -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_missing_feedback_is_reported_with_file_and_line(bank_folder):
    _edit(
        bank_folder,
        "{key: b, text: Whenever it is quiet, score: 0, feedback: Breaks only.}",
        "{key: b, text: Whenever it is quiet, score: 0}",
    )
    assert _problems(bank_folder) == ["quizzes/questions/basics.yaml:11: every option must have feedback"]


def test_a_duplicate_id_is_reported(bank_folder):
    _edit(bank_folder, "- id: T-PRIV-2", "- id: T-PRIV-1")
    problems = _problems(bank_folder)
    assert any("the id T-PRIV-1 is already used in quizzes/questions/basics.yaml:2" in p for p in problems)


def test_a_scenario_loop_and_a_missing_ending_are_reported(bank_folder):
    _edit(bank_folder, "feedback: Right., ending: safe}", "feedback: Right., next: call}")
    _edit(bank_folder, "feedback: Report it., ending: unreported}", "feedback: Report it., ending: nowhere}")
    problems = _problems(bank_folder)
    assert any("the path call -> check -> call goes round in a loop" in p for p in problems)
    assert any("step 'check': there is no ending 'nowhere'" in p for p in problems)


def test_schema_problems_are_each_reported(bank_folder):
    _edit(bank_folder, "topic: private-use", "topic: gardening")
    _edit(bank_folder, "type: true_false", "type: essay")
    _edit(bank_folder, "pass_mark: 75", "pass_mark: 175", name="quizzes.yaml")
    problems = _problems(bank_folder)
    assert any(p.startswith("quizzes/questions/basics.yaml:5: topic must be one of") for p in problems)
    assert any("type must be single, multiple, true_false or scenario" in p for p in problems)
    assert any(p.startswith("quizzes/quizzes.yaml:3: pass_mark must be a percentage") for p in problems)


def test_invalid_yaml_is_reported_with_its_line(bank_folder):
    (bank_folder / "questions" / "broken.yaml").write_text("- id: X\n  stem: [unclosed\n")
    assert any(
        p.startswith("quizzes/questions/broken.yaml:3: not valid YAML") for p in _problems(bank_folder)
    )


def test_citations_must_point_at_published_sections(bank_folder, loaded, session):
    _edit(
        bank_folder,
        'citations: [{policy: test-policy, section: "3.2"}]',
        'citations: [{policy: test-policy, section: "9.9"}]',
    )
    _edit(
        bank_folder,
        "citations: [{policy: test-policy, section: purpose}]",
        "citations: [{policy: no-such-policy, section: purpose}]",
    )
    problems = _problems(bank_folder, session)
    assert "quizzes/questions/basics.yaml:14: policy 'test-policy' has no section '9.9'" in problems
    assert any("no published policy 'no-such-policy'" in p for p in problems)


def test_a_quiz_that_cannot_draw_enough_questions_is_reported(bank_folder):
    _edit(
        bank_folder,
        "- {topic: private-use, count: 2}",
        "- {topic: private-use, count: 5}",
        name="quizzes.yaml",
    )
    assert any(
        "topic private-use has 2 ready questions for this audience, fewer than the 5" in p
        for p in _problems(bank_folder)
    )


def test_sync_is_all_or_nothing(bank_folder, session, loaded):
    before = session.scalar(select(func.count()).select_from(QuestionVersion))
    _edit(bank_folder, "stem: When may you", "stem: Exactly when may you")
    _edit(bank_folder, "feedback: Breaks are allowed.}", "}")
    try:
        sync(session, bank_folder)
    except BankProblems as failure:
        assert failure.problems
    else:
        raise AssertionError("a broken bank was loaded")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(QuestionVersion)) == before


def test_a_changed_question_becomes_a_new_version_and_unchanged_ones_do_not(bank_folder, session, loaded):
    again = sync(session, bank_folder)
    assert again.new_versions == [] and again.unchanged == 5
    _edit(bank_folder, "stem: When may you", "stem: At what times may you")
    changed = sync(session, bank_folder)
    session.commit()
    assert changed.new_versions == ["T-PRIV-1 r2"]
    versions = list(
        session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.question_key == "T-PRIV-1")
            .order_by(QuestionVersion.revision)
        )
    )
    assert [(v.revision, v.is_latest) for v in versions] == [(1, False), (2, True)]
    assert versions[0].content_sha256 != versions[1].content_sha256


def test_quiz_commands(app, session, loaded, monkeypatch, bank_folder):
    from portal.training import cli

    monkeypatch.setattr(cli, "QUIZ_FOLDER", bank_folder)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["quizzes", "check"])
    assert ok.exit_code == 0 and ok.output.startswith("OK: 5 questions and 4 quizzes")
    _edit(
        bank_folder,
        "{key: c, text: Never, score: 0, feedback: Breaks are allowed.}",
        "{key: c, text: Never, score: 0}",
    )
    bad = runner.invoke(args=["quizzes", "check"])
    assert bad.exit_code == 1 and "basics.yaml:12: every option must have feedback" in bad.output
    refused = runner.invoke(args=["quizzes", "sync"])
    assert refused.exit_code == 1 and "Nothing was loaded" in refused.output
    assert session.scalar(select(func.count()).select_from(Quiz)) == 4
