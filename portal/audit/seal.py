"""Keyed seals (HMAC-SHA-256) for the audit chain and every evidence record.

Why: the threat model (DESIGN.md) counts "someone with write access to the database"
among the attackers. A plain SHA-256 stored beside a record proves nothing against
them: they edit the record and recompute the hash. A seal made with a key that the
database does not hold cannot be recomputed by them. Each seal records the id of the
key that made it, so a council can rotate the key and keep the old one configured
(PORTAL_EVIDENCE_OLD_KEYS) to go on checking older seals.

Features make their evidence tables sealed by mixing in `SealedRecord`: every row is
sealed as it is inserted, over every column but its id and the seal itself.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context
from sqlalchemy import String, event, inspect, select
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column
from sqlalchemy.schema import ColumnDefault

from portal.config import Settings
from portal.db import Base

SEAL_LENGTH = 64  # hex HMAC-SHA-256


@dataclass(frozen=True)
class KeyRing:
    """The key that seals new records, and every key (old ones too) that checks them."""

    current_id: str
    keys: dict[str, bytes] = field(repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        keys = {key_id: secret.encode() for key_id, secret in settings.old_evidence_keys().items()}
        keys[settings.evidence_key_id] = settings.evidence_key.encode()
        return cls(settings.evidence_key_id, keys)

    def seal(self, message: bytes) -> tuple[str, str]:
        """(key id, seal) for a message, with the current key."""
        return self.current_id, _mac(self.keys[self.current_id], message)

    def check(self, message: bytes, key_id: str | None, seal: str | None) -> str | None:
        """None when the seal matches; otherwise why not, in words for the report."""
        if seal is None or key_id is None:
            return "it has no seal"
        key = self.keys.get(key_id)
        if key is None:
            return f"it was sealed with key {key_id!r}, which is not configured (PORTAL_EVIDENCE_OLD_KEYS)"
        if not hmac.compare_digest(_mac(key, message), seal):
            return "its seal does not match its content: the record was altered"
        return None


def _mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@functools.cache
def _environment_ring() -> KeyRing:
    return KeyRing.from_settings(Settings.from_environment())


def key_ring() -> KeyRing:
    """The application's keys; outside an application (a test arranging data, a script)
    the keys the environment gives, which are the same ones a deployed portal reads."""
    if has_app_context():
        ring = current_app.extensions.get("evidence_keys")
        if isinstance(ring, KeyRing):
            return ring
    return _environment_ring()


# Canonical JSON ----------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """One spelling for one content, so that a hash or seal made today is remade later."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot put {type(value).__name__} in an audit event")


# Evidence records ------------------------------------------------------------------


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        # A PDF in the row is sealed by its digest: the same proof, without copying it.
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return value


def record_message(record: SealedRecord) -> bytes:
    """What a row's seal covers: its table and every column but the id and the seal.

    The id is left out because it is assigned by the INSERT, after the seal is made;
    the table name keeps a seal from one table being passed off as another's."""
    mapper = inspect(type(record))
    content = {
        column.key: _canonical_value(getattr(record, column.key))
        for column in mapper.column_attrs
        if column.key not in _UNSEALED_COLUMNS
    }
    return f"{mapper.local_table.name}\n{canonical_json(content)}".encode()


_UNSEALED_COLUMNS = frozenset({"id", "seal", "seal_key_id"})


class SealedRecord:
    """Mixin for an append-only evidence table: each row is sealed as it is inserted.

    Rows written before keys were introduced (migration 0013) have no seal; they are
    reported as such, and only while no sealed row comes before them (see `unsealed_ok`).
    """

    seal: Mapped[str | None] = mapped_column(String(SEAL_LENGTH))
    seal_key_id: Mapped[str | None] = mapped_column(String(40))

    if TYPE_CHECKING:
        # Every class that mixes this in is a mapped table with an integer id; the
        # mixin itself maps neither, so they are declared for the type checker only.
        __tablename__: str
        id: Mapped[int]

    def seal_problem(self) -> str | None:
        return key_ring().check(record_message(self), self.seal_key_id, self.seal)


def _seal_before_insert(mapper: Mapper[Any], _connection: object, target: SealedRecord) -> None:
    # Python-side column defaults are only filled in by the INSERT itself; apply them
    # first so that the sealed content is what is stored.
    for column in mapper.columns:
        default = column.default
        attribute = mapper.get_property_by_column(column).key
        if (
            getattr(target, attribute, None) is None
            and isinstance(default, ColumnDefault)
            and default.is_scalar
        ):
            setattr(target, attribute, default.arg)
    target.seal_key_id, target.seal = key_ring().seal(record_message(target))


event.listen(SealedRecord, "before_insert", _seal_before_insert, propagate=True)


def sealed_tables() -> list[type[SealedRecord]]:
    classes = {mapper.class_ for mapper in Base.registry.mappers if issubclass(mapper.class_, SealedRecord)}
    return sorted(classes, key=lambda cls: cls.__tablename__)


@dataclass(frozen=True)
class RecordProblem:
    table: str
    record_id: int
    reason: str


@dataclass
class RecordsReport:
    checked: int = 0
    unsealed: int = 0
    problems: list[RecordProblem] = field(default_factory=list)


def verify_records(session: Session, *, keys_came_later: bool) -> RecordsReport:
    """Check the seal of every evidence record. A row with no seal is accepted only if
    the database was in use before keys were introduced (`keys_came_later`: the audit
    chain starts with unsealed events) and only before the first sealed row of its
    table: a seal stripped to pass an edited row off as pre-key is a problem."""
    report = RecordsReport()
    for cls in sealed_tables():
        report.problems.extend(_verify_table(session, cls, report, sealing_began=not keys_came_later))
    return report


def _verify_table(
    session: Session, cls: type[SealedRecord], report: RecordsReport, *, sealing_began: bool
) -> Iterator[RecordProblem]:
    table = cls.__tablename__
    rows = session.scalars(
        select(cls).order_by(cls.id).execution_options(yield_per=200, populate_existing=True)
    )
    for row in rows:
        report.checked += 1
        if row.seal is None and row.seal_key_id is None and not sealing_began:
            report.unsealed += 1
            continue
        sealing_began = True
        problem = row.seal_problem()
        if problem:
            yield RecordProblem(table, row.id, problem)
