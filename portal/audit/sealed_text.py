"""Free text about a need-to-know record, kept encrypted at rest on the record itself.

Why: the allegation, notes, outcome and reasons of a disciplinary case are the most
sensitive words the portal holds. Stored in clear, anyone who can read the database, a
dump or a backup reads them while the case is live. Each such column instead holds the
text sealed (portal.audit.personal) under the record's own key, the key its audit events
already use (forgetting.py). Only the portal, which holds the evidence key outside the
database, opens it; and when the retention schedule deletes the key, whatever copy of the
text survives anywhere (a backup) can no longer be read (UK GDPR Articles 5(1)(e), 32).

A model declares an attribute as `SealedText("column_attribute")` and a method
`sealing_reference(session)` naming its key. Setting the attribute keeps the plain text
on the object until the session flushes, when it is sealed: a new object has no session,
and so no key, until then. Reading opens it with keys cached for the transaction; a page
of records loads its keys in one query with `load_keys`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, event, not_, or_, select
from sqlalchemy.orm import Session, object_session

from portal.audit import personal
from portal.audit.forgetting import Keys

_UNSEALED = "_unsealed_text"  # names of the attributes set since the last flush
_CACHE = "sealed_text_keys"


class SealedText:
    """An attribute whose column stores its text sealed under the record's key."""

    def __init__(self, column_attribute: str) -> None:
        self.column = column_attribute
        self.name = column_attribute

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        owner._sealed_text = {**getattr(owner, "_sealed_text", {}), name: self.column}  # type: ignore[attr-defined]  # a class-level registry read by the flush hook

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        stored = getattr(obj, self.column)
        if self.name in obj.__dict__.get(_UNSEALED, ()) or not personal.is_sealed(stored):
            return stored  # not flushed yet, or written before text was sealed
        session = object_session(obj)
        if session is None:
            raise RuntimeError(f"{type(obj).__name__}.{self.name} is sealed: read it in an open session")
        reference = personal.reference_of(stored)
        return personal.open_with(_keys(session, [reference])[reference], stored)

    def __set__(self, obj: Any, value: str) -> None:
        # The column holds the plain text only until the flush, which seals it first.
        setattr(obj, self.column, value)
        obj.__dict__.setdefault(_UNSEALED, set()).add(self.name)


def _keys(session: Session, references: Iterable[str]) -> dict[str, bytes | None]:
    """The keys, cached for the transaction; those not yet cached in one query."""
    cache: dict[str, bytes | None] = session.info.setdefault(_CACHE, {})
    missing = {r for r in references if r not in cache}
    if missing:
        found = Keys(session, missing)
        cache.update({reference: found.key(reference) for reference in missing})
    return cache


def load_keys(session: Session, records: Iterable[Any]) -> None:
    """Load the keys of a page of records in one query, so that reading their sealed
    text costs no query per record."""
    stored = (
        getattr(record, column)
        for record in records
        for column in getattr(type(record), "_sealed_text", {}).values()
    )
    _keys(session, {personal.reference_of(s) for s in stored if personal.is_sealed(s)})


def seal_plain_rows(session: Session, model: type[Any]) -> int:
    """Seal the text of rows written in clear before their columns were sealed (the
    upgrade needs the evidence key, which migrations do not hold): a daily job calls it,
    and after the first run it finds nothing. Returns how many rows it sealed."""
    columns = getattr(model, "_sealed_text", {})
    found = session.scalars(
        select(model).where(
            or_(
                *(
                    and_(getattr(model, c) != "", not_(getattr(model, c).startswith(personal.PREFIX)))
                    for c in columns.values()
                )
            )
        )
    ).all()
    for row in found:
        for name in columns:
            setattr(row, name, getattr(row, name))
    session.flush()
    return len(found)


@event.listens_for(Session, "before_flush")
def _seal_before_flush(session: Session, _context: object, _instances: object) -> None:
    for obj in list(session.new) + list(session.dirty):
        names = obj.__dict__.get(_UNSEALED)
        if not names:
            continue
        reference = obj.sealing_reference(session)
        for name in sorted(names):
            column = type(obj)._sealed_text[name]
            setattr(obj, column, personal.seal(session, reference, getattr(obj, column)))
        names.clear()


@event.listens_for(Session, "after_transaction_end")
def _forget_cached_keys(session: Session, transaction: Any) -> None:
    # A key deleted by the retention schedule must stop opening text from the next
    # transaction on; keys are cached for one transaction only.
    if transaction.parent is None:
        session.info.pop(_CACHE, None)
