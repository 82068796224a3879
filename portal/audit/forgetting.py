"""Retention that forgets by deleting a key: one data key per case (or per person's
subject access record), wrapped by a key held outside the database.

Why: the audit chain's hash covers every event's actor, address and details, so blanking
them when a case reaches the end of its retention period would break `audit verify`.
Instead, events about need-to-know records (need_to_know.py) are stored encrypted under
their record's own key, and the chain covers the ciphertext. When the retention schedule
removes the record it deletes the key: the events stay, still verify, and say nothing
(UK GDPR Article 5(1)(e), storage limitation; Article 17, erasure).

The data keys are wrapped (AES-256-GCM) with a key derived from the evidence key
(PORTAL_EVIDENCE_KEY, held outside the database), so reading the database alone, a dump
or a backup, reads none of it. A key wrapped under an older evidence key is unwrapped
with that key (PORTAL_EVIDENCE_OLD_KEYS).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import LargeBinary, String, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.audit.seal import KeyRing, canonical_json, key_ring
from portal.db import Base, UTCDateTime, rows_affected, utcnow

NONCE_BYTES = 12
# What an encrypted event's details say in clear: which key to use, and the ciphertext.
ENCRYPTED_UNDER = "encrypted_under"
CIPHERTEXT = "ciphertext"
FORGOTTEN = "removed by the retention schedule"


class RecordKey(Base):
    """A record's data key, wrapped. Deleting the row is what forgets the record."""

    __tablename__ = "record_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)  # the record's audit reference
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    wrap_key_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _wrapping_key(ring: KeyRing, key_id: str) -> AESGCM:
    # A key of its own for wrapping, derived from the evidence key, so the seal's key is
    # never used for a second purpose as it stands.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal record keys v1").derive(
        ring.keys[key_id]
    )
    return AESGCM(derived)


def _wrap(ring: KeyRing, reference: str, key: bytes) -> tuple[str, bytes]:
    nonce = os.urandom(NONCE_BYTES)
    return ring.current_id, nonce + _wrapping_key(ring, ring.current_id).encrypt(
        nonce, key, reference.encode()
    )


def _unwrap(ring: KeyRing, row: RecordKey) -> bytes | None:
    if row.wrap_key_id not in ring.keys:
        return None
    blob = bytes(row.wrapped_key)
    try:
        return _wrapping_key(ring, row.wrap_key_id).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], row.reference.encode()
        )
    except InvalidTag:
        return None  # altered, or wrapped for another record


def data_key(session: Session, reference: str) -> bytes:
    """The record's key, made on first use.

    A person's key or a month's key can be wanted by two requests at once, so the key is
    added with "insert unless there is one" and then read back: whichever insert won,
    both requests use the same key."""
    ring = key_ring()
    row = session.scalar(select(RecordKey).where(RecordKey.reference == reference))
    if row is None:
        key = AESGCM.generate_key(bit_length=256)
        wrap_key_id, wrapped = _wrap(ring, reference, key)
        values = {
            "reference": reference,
            "wrapped_key": wrapped,
            "wrap_key_id": wrap_key_id,
            "created_at": utcnow(),
        }
        insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(RecordKey).values(**values).on_conflict_do_nothing(index_elements=["reference"])
        )
        row = session.scalars(
            select(RecordKey)
            .where(RecordKey.reference == reference)
            .execution_options(populate_existing=True)
        ).one()
    unwrapped = _unwrap(ring, row)
    if unwrapped is None:
        raise KeyUnavailable(reference)
    return unwrapped


class KeyUnavailable(RuntimeError):
    """A record's key cannot be unwrapped: its wrapping evidence key is not configured."""


def encrypt(session: Session, reference: str, content: dict[str, Any]) -> dict[str, str]:
    """`content` sealed for the record: what an event stores as its details."""
    key = data_key(session, reference)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, canonical_json(content).encode(), reference.encode())
    return {ENCRYPTED_UNDER: reference, CIPHERTEXT: base64.b64encode(nonce + ciphertext).decode("ascii")}


def is_encrypted(details: dict[str, Any]) -> bool:
    return ENCRYPTED_UNDER in details and CIPHERTEXT in details


@dataclass(frozen=True)
class Opened:
    """What an encrypted event held; `forgotten` when its record's key was deleted."""

    forgotten: bool
    content: dict[str, Any]  # actor_id, on_behalf_of_id, ip_address and details, as written
    in_clear: dict[str, Any] = field(default_factory=dict)  # the details never encrypted

    @property
    def details(self) -> dict[str, Any]:
        """The details a reader sees: the clear facts and either what the key opened or
        that the retention schedule removed it."""
        if self.forgotten:
            return {**self.in_clear, "forgotten": FORGOTTEN}
        return {**self.in_clear, **self.content.get("details", {})}


class Keys:
    """The data keys for a page of events, loaded in one query."""

    def __init__(self, session: Session, references: Iterable[str]) -> None:
        wanted = set(references)
        ring = key_ring()
        rows: Iterable[RecordKey] = (
            session.scalars(select(RecordKey).where(RecordKey.reference.in_(wanted))) if wanted else []
        )
        self._keys = {row.reference: _unwrap(ring, row) for row in rows}

    def key(self, reference: str) -> bytes | None:
        return self._keys.get(reference)

    def open(self, details: dict[str, Any]) -> Opened:
        reference = str(details[ENCRYPTED_UNDER])
        in_clear = {k: v for k, v in details.items() if k not in (ENCRYPTED_UNDER, CIPHERTEXT)}
        key = self.key(reference)
        if key is None:
            return Opened(forgotten=True, content={}, in_clear=in_clear)
        blob = base64.b64decode(details[CIPHERTEXT])
        try:
            plain = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], reference.encode())
        except InvalidTag:
            return Opened(forgotten=True, content={}, in_clear=in_clear)
        content: dict[str, Any] = json.loads(plain)
        return Opened(forgotten=False, content=content, in_clear=in_clear)


def forget(session: Session, references: Collection[str]) -> int:
    """Delete the records' keys: their encrypted events can never be read again."""
    if not references:
        return 0
    result = session.execute(delete(RecordKey).where(RecordKey.reference.in_(list(references))))
    return rows_affected(result)


def readable(session: Session, stored_details: str) -> dict[str, Any]:
    """One event's details as a reader sees them, opened if they were encrypted (for the
    few readers that look at a single event; the audit viewer opens a page at a time)."""
    details: dict[str, Any] = json.loads(stored_details)
    if not is_encrypted(details):
        return details
    return Keys(session, [str(details[ENCRYPTED_UNDER])]).open(details).details
