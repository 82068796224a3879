"""Reading the quiz bank's YAML files, remembering the line of everything in them.

The lines let bank.py report every problem as `file:line: message`, so that whoever
edits the bank can find it; nothing here judges the content.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml


# A YAML key can be any scalar (`1:` is an int), so the keys are Any: the checks compare
# them with the field names they expect and report the rest as unknown.
class LineDict(dict[Any, Any]):
    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """YAML that remembers the line of every mapping, list and key (1-based)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        items = LineList(super().construct_sequence(node, deep=True))
        items.line = node.start_mark.line + 1
        return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Bank:
    """Everything read from the folder, and every problem found in it."""

    questions: list[tuple[str, LineDict]] = field(default_factory=list)  # (file, question)
    quizzes: list[tuple[str, LineDict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def line_of(item: Any, key: str | None = None) -> int:
    """The line of a mapping or list, or of one key in a mapping (1 if unknown)."""
    if isinstance(item, LineDict):
        return item.key_lines.get(key, item.line) if key else item.line
    return getattr(item, "line", 1)


def content_hash(item: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(item, sort_keys=True, default=str, separators=(",", ":")).encode()
    ).hexdigest()


def plain(item: Any) -> Any:
    """The value without line bookkeeping, ready to be stored as JSON."""
    if isinstance(item, dict):
        return {str(k): plain(v) for k, v in item.items()}
    if isinstance(item, list):
        return [plain(v) for v in item]
    if isinstance(item, date):
        return item.isoformat()
    return item


def read_file(path: Path, label: str, bank: Bank) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except UnicodeDecodeError:
        bank.problems.append(Problem(label, 1, "the file is not UTF-8 text"))
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        bank.problems.append(Problem(label, line, f"not valid YAML: {error.problem}"))
    return None


def _normalise_keys(question: LineDict) -> None:
    """YAML reads an unquoted `key: true` as a yes/no value; an option key is always text."""
    choices = list(question.get("options") or [])
    for step in (question.get("steps") or {}).values():
        if isinstance(step, dict):
            choices.extend(step.get("choices") or [])
    for choice in choices:
        if isinstance(choice, dict) and isinstance(choice.get("key"), bool):
            choice["key"] = "true" if choice["key"] else "false"


def read_bank(folder: Path) -> Bank:
    bank = Bank()
    question_files = sorted((folder / "questions").glob("*.yaml"))
    if not question_files:
        bank.problems.append(Problem(str(folder / "questions"), 1, "there are no question files (*.yaml)"))
    for path in question_files:
        label = str(path.relative_to(folder.parent)) if folder.parent in path.parents else str(path)
        data = read_file(path, label, bank)
        if data is None and not any(p.file == label for p in bank.problems):
            bank.problems.append(Problem(label, 1, "the file is empty"))
        elif data is not None and not isinstance(data, list):
            bank.problems.append(
                Problem(label, line_of(data), "the file must be a list of questions (lines starting '- ')")
            )
        elif data is not None:
            for item in data:
                if isinstance(item, LineDict):
                    _normalise_keys(item)
                    bank.questions.append((label, item))
                else:
                    bank.problems.append(
                        Problem(label, line_of(data), "each question must be a set of 'key: value' lines")
                    )
    quiz_path = folder / "quizzes.yaml"
    label = str(quiz_path.relative_to(folder.parent)) if quiz_path.exists() else str(quiz_path)
    data = read_file(quiz_path, label, bank) if quiz_path.exists() else None
    if not quiz_path.exists():
        bank.problems.append(Problem(label, 1, "the quizzes file is missing"))
    elif isinstance(data, list):
        bank.quizzes.extend((label, item) for item in data if isinstance(item, LineDict))
    elif data is not None or not bank.problems:
        bank.problems.append(Problem(label, 1, "the file must be a list of quizzes"))
    return bank
