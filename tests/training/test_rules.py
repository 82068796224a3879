"""The table of the policies' rules (quizzes/rules.yaml) and its check (issue 18)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from portal.config import PACKAGE_ROOT, PROJECT_ROOT
from portal.training.bank import check_bank, read_bank
from portal.training.models import QuestionVersion
from portal.training.rules import check_rules, coverage
from portal.training.sync import BankProblems, check, sync

SHIPPED = PACKAGE_ROOT / "quizzes"


def _problems(folder: Path, session=None) -> list[str]:
    return [str(p) for p in check(session, folder)[1]]


def _edit(folder: Path, old: str, new: str, name: str = "rules.yaml") -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_every_rule_in_the_shipped_table_is_trained_or_enforced():
    bank = read_bank(SHIPPED)
    assert [str(p) for p in check_rules(bank)] == []
    rules, trained, enforced = coverage(bank)
    assert rules >= 50 and trained >= rules - enforced and enforced >= 4


def test_the_readme_counts_match_the_shipped_files():
    """The README tells the council how many rules and questions there are; a rule or a
    question added without updating it would make that statement quietly wrong."""
    import re

    bank = read_bank(SHIPPED)
    entries = bank.rules.entries if bank.rules is not None else []
    per_policy = {
        policy: sum(1 for e in entries if e.get("policy") == policy)
        for policy in ("social-media-networking", "social-media-electronic-communication")
    }
    readme = " ".join((PROJECT_ROOT / "README.md").read_text().split())
    stated = re.search(
        r"lists the policies' rules \((\d+): (\d+) in the Networking Policy, "
        r"(\d+) in the Communication Policy\)",
        readme,
    )
    assert stated is not None
    assert [int(n) for n in stated.groups()] == [
        len(entries),
        per_policy["social-media-networking"],
        per_policy["social-media-electronic-communication"],
    ]
    ready = sum(1 for _, q in bank.questions if q.get("status") == "ready")
    retired = sum(1 for _, q in bank.questions if q.get("status") == "retired")
    assert f"There are {ready} scenario questions in use (and {retired} retired)" in readme


def test_the_shipped_networking_questions_never_ask_plain_councillors():
    """The Networking Policy does not bind councillors (its Scope); a question about a duty
    it gives a named role (the Mayor, 3.2) declares that role."""
    for _, item in read_bank(SHIPPED).questions:
        cites_networking = any(c["policy"] == "social-media-networking" for c in item["citations"])
        ready = item["status"] == "ready"
        if ready and cites_networking and "councillor" in item["audience"]["engagements"]:
            assert item["audience"]["roles"], item["id"]


def test_a_rule_with_neither_question_nor_enforcement_is_reported_at_its_line(bank_folder):
    _edit(bank_folder, "  enforced_by: portal/authorisations/issuing.py signing_role()\n", "")
    assert _problems(bank_folder) == [
        "quizzes/rules.yaml:14: rule T-3.2-c is neither trained by a ready question "
        "(rules: [T-3.2-c]) nor enforced by the software (enforced_by)"
    ]


def test_only_a_ready_question_trains_a_rule(bank_folder):
    _edit(bank_folder, "status: ready", "status: retired", name="questions/basics.yaml")  # T-PRIV-1
    assert any(
        p.startswith("quizzes/rules.yaml:2: rule T-3.2-a is neither trained") for p in _problems(bank_folder)
    )


def test_a_question_citing_an_unknown_rule_is_refused(bank_folder, session, loaded):
    _edit(bank_folder, "rules: [T-3.2-a]", "rules: [T-9.9-z]", name="questions/basics.yaml")
    problems = _problems(bank_folder)
    assert "quizzes/questions/basics.yaml:15: unknown rule 'T-9.9-z' (not in rules.yaml)" in problems
    before = session.scalar(select(func.count()).select_from(QuestionVersion))
    try:
        sync(session, bank_folder)
    except BankProblems as failure:
        assert any("unknown rule 'T-9.9-z'" in str(p) for p in failure.problems)
    else:
        raise AssertionError("a question citing an unknown rule was loaded")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(QuestionVersion)) == before


def test_a_question_must_cite_the_section_of_each_rule_it_trains(bank_folder):
    _edit(bank_folder, "rules: [T-3.2-a]", "rules: [T-3.2-a, T-PURPOSE-a]", name="questions/basics.yaml")
    assert (
        "quizzes/questions/basics.yaml:15: rule T-PURPOSE-a comes from test-policy purpose, "
        "which the question does not cite"
    ) in _problems(bank_folder)


def test_malformed_rule_entries_are_each_reported(bank_folder):
    _edit(bank_folder, "- id: T-3.2-b\n", "- id: not a rule id\n")
    _edit(bank_folder, "  summary: Personal information includes IP addresses and cookie identifiers.\n", "")
    _edit(
        bank_folder,
        '  section: "3.2"\n  summary: Personal social media',
        '  section: "3.2"\n  colour: red\n  summary: Personal social media',
    )
    _edit(bank_folder, "issuing.py signing_role()", "issuing.py no_such_function()")
    (bank_folder / "rules.yaml").write_text(
        (bank_folder / "rules.yaml").read_text()
        + '- id: T-3.2-a\n  policy: test-policy\n  section: "3.2"\n  summary: Twice.\n'
        + '- id: T-3.2-d\n  section: "3.2"\n  summary: |\n    Two\n    lines.\n  enforced_by: somewhere\n'
    )
    problems = _problems(bank_folder)
    expected = [
        "quizzes/rules.yaml:5: unknown field 'colour'",
        "quizzes/rules.yaml:7: a rule needs an id like NET-3.2-a (policy, section, letter)",
        "quizzes/rules.yaml:11: a rule needs a one-line summary",
        "quizzes/rules.yaml:18: portal/authorisations/issuing.py has no function no_such_function()",
        "quizzes/rules.yaml:19: the rule id T-3.2-a is already used on line 2",
        "quizzes/rules.yaml:23: a rule needs a policy and a section",
        "quizzes/rules.yaml:25: the summary must be one line of at most 200 characters",
    ]
    for line in expected:
        assert line in problems, (line, "\n".join(problems))
    assert any(
        p.startswith("quizzes/rules.yaml:28: enforced_by must name a file and a function") for p in problems
    )


def test_a_missing_or_broken_rules_file_is_reported(bank_folder):
    (bank_folder / "rules.yaml").write_text("- id: T-3.2-a\n  summary: [unclosed\n")
    assert any(p.startswith("quizzes/rules.yaml:3: not valid YAML") for p in _problems(bank_folder))
    (bank_folder / "rules.yaml").unlink()
    assert "quizzes/rules.yaml:1: the rules file is missing" in _problems(bank_folder)


def test_rule_sections_are_checked_against_the_published_policy(bank_folder, session, loaded):
    _edit(bank_folder, "  section: purpose\n", '  section: "9.9"\n')
    assert "quizzes/rules.yaml:12: policy 'test-policy' has no section '9.9'" in _problems(
        bank_folder, session
    )


def test_check_and_sync_commands_refuse_an_uncovered_rule(app, session, loaded, monkeypatch, bank_folder):
    from portal.training import cli

    monkeypatch.setattr(cli, "QUIZ_FOLDER", bank_folder)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["quizzes", "check"])
    assert ok.exit_code == 0
    assert "4 rules, 3 trained by a question, 1 enforced by the software" in ok.output
    _edit(bank_folder, "  enforced_by: portal/authorisations/issuing.py signing_role()\n", "")
    bad = runner.invoke(args=["quizzes", "check"])
    assert bad.exit_code == 1 and "rules.yaml:14: rule T-3.2-c is neither trained" in bad.output
    refused = runner.invoke(args=["quizzes", "sync"])
    assert refused.exit_code == 1 and "Nothing was loaded" in refused.output


def test_the_bank_check_includes_the_rules(bank_folder):
    _edit(bank_folder, "rules: [T-3.2-b]", "rules: [T-3.2-x]", name="questions/basics.yaml")
    assert any("unknown rule 'T-3.2-x'" in str(p) for p in check_bank(read_bank(bank_folder)))
