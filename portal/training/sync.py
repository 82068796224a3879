"""Loading the quiz bank files into the database, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.config import PACKAGE_ROOT
from portal.db import utcnow
from portal.policies.models import PolicySection
from portal.policies.service import current_version, load_policies
from portal.training.bank import Bank, Problem, check_bank, content_hash, plain, read_bank
from portal.training.models import QuestionVersion, Quiz
from portal.training.scope import check_scope, policy_scopes

QUIZ_FOLDER = PACKAGE_ROOT / "quizzes"


class BankProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems in the quiz bank")
        self.problems = problems


def published_sections(session: Session) -> dict[str, set[str]]:
    """Each policy's current published sections: what a citation may point at."""
    current = {v.id: p.slug for p in load_policies(session) if (v := current_version(p)) is not None}
    found: dict[str, set[str]] = {slug: set() for slug in current.values()}
    if current:
        rows = session.execute(
            select(PolicySection.version_id, PolicySection.section_id).where(
                PolicySection.version_id.in_(current)
            )
        )
        for version_id, section_id in rows:
            found[current[version_id]].add(section_id)
    return found


def check(session: Session | None, folder: Path = QUIZ_FOLDER) -> tuple[Bank, list[Problem]]:
    """Read and check the files; citations are checked against the database when there is one."""
    bank = read_bank(folder)
    sections = None
    scopes = None
    if session is not None:
        try:
            sections = published_sections(session)
            scopes = policy_scopes(session)
        except SQLAlchemyError:  # no database yet (or not migrated): check the files alone
            session.rollback()
    problems = check_bank(bank, sections)
    if scopes is not None:
        problems.extend(check_scope(bank, scopes))
    return bank, problems


@dataclass
class SyncResult:
    new_versions: list[str] = field(default_factory=list)
    unchanged: int = 0
    quizzes_changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)


def sync(session: Session, folder: Path = QUIZ_FOLDER) -> SyncResult:
    """Check everything, then load it in the caller's transaction. Any problem: nothing loads.

    A changed question is a new revision and the old one is kept, so an attempt always
    shows what the person answered (the council's own rule: records are append-only)."""
    bank, problems = check(session, folder)
    if problems:
        raise BankProblems(problems)
    now = utcnow()
    result = SyncResult()
    latest = {
        q.question_key: q for q in session.scalars(select(QuestionVersion).where(QuestionVersion.is_latest))
    }
    in_files = set()
    for file, item in bank.questions:
        key = str(item["id"])
        in_files.add(key)
        data = plain(item)
        digest = content_hash(data)
        known = session.scalar(
            select(QuestionVersion).where(
                QuestionVersion.question_key == key, QuestionVersion.content_sha256 == digest
            )
        )
        if known is not None:
            if not known.is_latest:
                _make_latest(session, key, known)
            result.unchanged += 1
            continue
        revision = (
            session.scalar(
                select(func.max(QuestionVersion.revision)).where(QuestionVersion.question_key == key)
            )
            or 0
        ) + 1
        version = QuestionVersion(
            question_key=key,
            revision=revision,
            declared_version=int(data["version"]),
            content_sha256=digest,
            is_latest=True,
            status=data["status"],
            topic=data["topic"],
            kind=data["type"],
            audience_engagements=list(data["audience"]["engagements"]),
            audience_roles=list(data["audience"].get("roles") or []),
            content={
                k: data[k]
                for k in data
                if k not in ("id", "version", "status", "topic", "audience", "type", "review_due")
            },
            review_due=item["review_due"],
            source_file=file,
            loaded_at=now,
        )
        if key in latest:
            latest[key].is_latest = False
        session.add(version)
        result.new_versions.append(f"{key} r{revision}")
    for key, version in latest.items():
        if key not in in_files:  # taken out of the files: never drawn again, but attempts keep it
            version.is_latest = False
            result.withdrawn.append(key)
    for _file, item in bank.quizzes:
        data = plain(item)
        digest = content_hash(data)
        quiz = session.scalar(select(Quiz).where(Quiz.quiz_key == data["id"]))
        if quiz is None:
            session.add(
                Quiz(
                    quiz_key=data["id"],
                    title=data["title"],
                    definition=data,
                    content_sha256=digest,
                    created_at=now,
                    loaded_at=now,
                )
            )
            result.quizzes_changed.append(data["id"])
        elif quiz.content_sha256 != digest:
            quiz.title, quiz.definition, quiz.content_sha256, quiz.loaded_at = (
                data["title"],
                data,
                digest,
                now,
            )
            result.quizzes_changed.append(data["id"])
    session.flush()
    if result.new_versions or result.quizzes_changed or result.withdrawn:
        record(
            session,
            actor=None,
            action="training.bank_synced",
            object_type="quiz_bank",
            details={
                "new_versions": result.new_versions,
                "quizzes": result.quizzes_changed,
                "withdrawn": result.withdrawn,
            },
        )
    return result


def _make_latest(session: Session, key: str, chosen: QuestionVersion) -> None:
    for version in session.scalars(select(QuestionVersion).where(QuestionVersion.question_key == key)):
        version.is_latest = version.id == chosen.id
