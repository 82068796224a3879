"""The policies' rules as data (`quizzes/rules.yaml`), and the check that each is covered.

A rule-by-rule review of the two policies (issue 18) found rules that no question
trained and no part of the software enforced, so nobody could show that staff had been
taught them. The table lists every rule once: an id, the policy's short name, the
section, and a one-line summary in the project's own words. Each rule must then be
either trained (a `ready` question names its id in `rules:`) or enforced (its
`enforced_by` names a function in the software, as `path/to/module.py function()`),
and `quizzes check` refuses the bank otherwise, so a gap is found before it is loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.config import PROJECT_ROOT
from portal.training.bank_files import Bank, LineDict, Problem, line_of, read_file

RULES_FILE = "rules.yaml"
RULE_FIELDS = frozenset({"id", "policy", "section", "summary", "enforced_by"})
# NET-3.2-a, COM-EMAIL-b: a policy prefix, the section, a letter. Upper case keeps the
# ids apart from question ids and sections at a glance.
RULE_ID = re.compile(r"^[A-Z]+-[A-Z0-9.]+-[a-z]$")
# `portal/authorisations/issuing.py issue()`: a file under the project and a function in it.
ENFORCED_BY = re.compile(r"^(?P<path>[\w./-]+\.py) (?P<name>[A-Za-z_]\w*)\(\)$")
SUMMARY_LIMIT = 200


@dataclass
class RuleTable:
    """The rules read from `rules.yaml`, with the problems found in reading it."""

    file: str
    entries: list[LineDict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class RuledBank(Bank):
    """The bank's files together with the table of rules they train."""

    rules: RuleTable | None = None


def read_rules(folder: Path) -> RuleTable:
    """Reads `rules.yaml` next to `quizzes.yaml`. A missing table is a problem, because
    without it nobody can show which rules the bank covers (issue 18)."""
    path = folder / RULES_FILE
    label = str(path.relative_to(folder.parent)) if folder.parent in path.parents else str(path)
    table = RuleTable(label)
    if not path.exists():
        table.problems.append(Problem(label, 1, "the rules file is missing"))
        return table
    holder = Bank()
    data = read_file(path, label, holder)
    table.problems.extend(holder.problems)
    if data is None:
        if not holder.problems:
            table.problems.append(Problem(label, 1, "the rules file is empty"))
    elif not isinstance(data, list):
        table.problems.append(Problem(label, line_of(data), "the rules file must be a list of rules"))
    else:
        for entry in data:
            if isinstance(entry, LineDict):
                table.entries.append(entry)
            else:
                table.problems.append(
                    Problem(label, line_of(data), "each rule must be a set of 'key: value' lines")
                )
    return table


def with_rules(bank: Bank, folder: Path) -> RuledBank:
    """The bank read from `folder`, with its rule table attached."""
    return RuledBank(
        questions=bank.questions, quizzes=bank.quizzes, problems=bank.problems, rules=read_rules(folder)
    )


def _text(value: Any) -> str | None:
    """A non-empty text value (a section such as 3.2 may be read as a number)."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return text or None


def _check_enforced_by(file: str, entry: LineDict, root: Path, problems: list[Problem]) -> bool:
    """An enforcement claim must name a function that exists, or it proves nothing."""
    value = entry.get("enforced_by")
    if value is None:
        return False
    match = ENFORCED_BY.match(value) if isinstance(value, str) else None
    if match is None:
        problems.append(
            Problem(
                file,
                line_of(entry, "enforced_by"),
                "enforced_by must name a file and a function, like "
                "'portal/authorisations/issuing.py issue()'",
            )
        )
        return False
    path = root / match["path"]
    if ".." in Path(match["path"]).parts or not path.is_file():
        problems.append(Problem(file, line_of(entry, "enforced_by"), f"there is no file {match['path']}"))
        return False
    if not re.search(rf"^\s*def {re.escape(match['name'])}\(", path.read_text(encoding="utf-8"), re.M):
        problems.append(
            Problem(file, line_of(entry, "enforced_by"), f"{match['path']} has no function {match['name']}()")
        )
        return False
    return True


def _check_entry(
    file: str,
    entry: LineDict,
    seen: dict[str, int],
    root: Path,
    sections: dict[str, set[str]] | None,
    problems: list[Problem],
) -> tuple[str | None, bool]:
    """One rule: complete, well formed, once only; returns its id and whether it is enforced."""
    for key in sorted(set(entry) - RULE_FIELDS):
        problems.append(Problem(file, line_of(entry, key), f"unknown field '{key}'"))
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        problems.append(
            Problem(file, line_of(entry, "id"), "a rule needs an id like NET-3.2-a (policy, section, letter)")
        )
        rule_id = None
    elif rule_id in seen:
        problems.append(
            Problem(
                file, line_of(entry, "id"), f"the rule id {rule_id} is already used on line {seen[rule_id]}"
            )
        )
    else:
        seen[rule_id] = line_of(entry, "id")
    policy, section = _text(entry.get("policy")), _text(entry.get("section"))
    if policy is None or section is None:
        problems.append(Problem(file, line_of(entry), "a rule needs a policy and a section"))
    elif sections is not None and policy not in sections:
        problems.append(Problem(file, line_of(entry, "policy"), f"no published policy '{policy}'"))
    elif sections is not None and section not in sections[policy]:
        problems.append(
            Problem(file, line_of(entry, "section"), f"policy '{policy}' has no section '{section}'")
        )
    summary = entry.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        problems.append(Problem(file, line_of(entry, "summary"), "a rule needs a one-line summary"))
    elif "\n" in summary.strip() or len(summary) > SUMMARY_LIMIT:
        problems.append(
            Problem(
                file,
                line_of(entry, "summary"),
                f"the summary must be one line of at most {SUMMARY_LIMIT} characters",
            )
        )
    return rule_id, _check_enforced_by(file, entry, root, problems)


def _check_question_rules(
    file: str, item: LineDict, rules: dict[str, LineDict], trained: set[str], problems: list[Problem]
) -> None:
    """A question's `rules` must name known rules, and cite the section each comes from,
    so that the feedback a person sees points at the clause the rule is in."""
    named = item.get("rules")
    if named is None:
        return
    if not isinstance(named, list) or not all(isinstance(r, str) for r in named):
        problems.append(
            Problem(file, line_of(item, "rules"), "rules must be a list of rule ids, like [NET-3.2-a]")
        )
        return
    cited = {
        (str(c.get("policy")), str(c.get("section")))
        for c in item.get("citations") or []
        if isinstance(c, dict)
    }
    for rule_id in named:
        rule = rules.get(rule_id)
        if rule is None:
            problems.append(
                Problem(file, line_of(item, "rules"), f"unknown rule '{rule_id}' (not in rules.yaml)")
            )
            continue
        if (str(rule.get("policy")), str(rule.get("section"))) not in cited:
            problems.append(
                Problem(
                    file,
                    line_of(item, "rules"),
                    f"rule {rule_id} comes from {rule.get('policy')} {rule.get('section')}, "
                    "which the question does not cite",
                )
            )
        if item.get("status") == "ready":
            trained.add(rule_id)


def check_rules(
    bank: RuledBank, sections: dict[str, set[str]] | None = None, root: Path = PROJECT_ROOT
) -> list[Problem]:
    """Every problem with the rule table and the questions' links to it.

    A rule with neither a ready question nor a working `enforced_by` is reported at its
    line: the review behind issue 18 counted such rules as untaught, and the council
    could not show in a hearing that anyone had been told of them."""
    table = bank.rules if bank.rules is not None else RuleTable(RULES_FILE)
    problems = list(table.problems)
    seen: dict[str, int] = {}
    rules: dict[str, LineDict] = {}
    enforced: set[str] = set()
    for entry in table.entries:
        rule_id, is_enforced = _check_entry(table.file, entry, seen, root, sections, problems)
        if rule_id is not None and rule_id not in rules:
            rules[rule_id] = entry
            if is_enforced:
                enforced.add(rule_id)
    trained: set[str] = set()
    for file, item in bank.questions:
        _check_question_rules(file, item, rules, trained, problems)
    for rule_id, entry in rules.items():
        if rule_id not in trained and rule_id not in enforced:
            problems.append(
                Problem(
                    table.file,
                    line_of(entry, "id"),
                    f"rule {rule_id} is neither trained by a ready question (rules: [{rule_id}]) "
                    "nor enforced by the software (enforced_by)",
                )
            )
    return problems


def coverage(bank: RuledBank) -> tuple[int, int, int]:
    """(rules, trained by a ready question, enforced): the counts `quizzes check` prints."""
    entries = bank.rules.entries if bank.rules is not None else []
    ids = {e["id"] for e in entries if isinstance(e.get("id"), str)}
    trained = {
        r
        for _, q in bank.questions
        if q.get("status") == "ready" and isinstance(q.get("rules"), list)
        for r in q["rules"]
        if isinstance(r, str) and r in ids
    }
    return len(entries), len(trained), sum(1 for e in entries if e.get("enforced_by"))
