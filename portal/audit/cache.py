"""Results kept until the data changes.

Every state change in the portal writes an audit event in the same transaction, so the
newest audit event's id is an exact version stamp of everything the portal holds: a
result built under one stamp stays right until the next event. Pages that must work
something out for every person (who has signed, who has trained, what is due) build it
once per stamp and day, and each request after that only filters and pages it.

Each process keeps its own copy (a small LRU); the stamp is read from the database, so
several processes or servers never serve a result older than the last change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, Generic, TypeVar

from flask import render_template
from markupsafe import Markup
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.clock import today
from portal.collector import cycle_collector_paused

T = TypeVar("T")


_VERSION = "portal_data_version"  # session.info key: the stamp as this transaction read it


def data_version(session: Session) -> int:
    """Changes whenever anything changes: every state change writes an audit event.

    Read once per transaction and kept until it writes (a page asks two or three caches
    for their parts, and each would otherwise ask the database again)."""
    found: int | None = session.info.get(_VERSION)
    if found is None:
        found = session.info[_VERSION] = session.scalar(select(func.max(AuditEvent.id))) or 0
    return found


@event.listens_for(Session, "after_flush")
def _forget_after_writing(session: Session, _context: object) -> None:
    session.info.pop(_VERSION, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_transaction(session: Session, _transaction: object) -> None:
    session.info.pop(_VERSION, None)


_EVERY_CACHE: list[VersionedCache[Any]] = []


def clear_every_cache() -> None:
    """Forget every cached result: for a database emptied and refilled from scratch (the
    tests), where audit ids start again and would otherwise match an old stamp."""
    for cache in _EVERY_CACHE:
        cache.clear()


class VersionedCache(Generic[T]):
    """`get(session, key, build)`: `build()` once per key, database, day and data version."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._items: OrderedDict[tuple[Hashable, ...], T] = OrderedDict()
        self._lock = Lock()
        self._building: dict[tuple[Hashable, ...], Lock] = {}
        _EVERY_CACHE.append(self)

    def get(self, session: Session, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
        full = (str(session.get_bind().engine.url), today(), data_version(session), *key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
            building = self._building.setdefault(full, Lock())
        # One thread builds; the others asking for the same thing wait for it rather than
        # all building it at once after each change (they would share the CPU and all be slow).
        with building:
            with self._lock:
                if full in self._items:
                    return self._items[full]
            with cycle_collector_paused():  # building allocates many small objects at once
                found = build()
            with self._lock:
                self._items[full] = found
                self._building.pop(full, None)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._building.clear()


def rendered_once(
    cache: VersionedCache[Markup],
    session: Session,
    key: tuple[Hashable, ...],
    template: str,
    context: Callable[[], dict[str, object]],
) -> Markup:
    """A part of a page (a table of a whole council's rows) rendered once per `key` and
    change in the portal: `context()` is worked out only when it is rendered. The key
    must hold everything the part shows that is not data (the viewer's scope, filters)."""
    return cache.get(
        session,
        key,
        lambda: Markup(render_template(template, **context())),  # noqa: S704 (a rendered template: autoescaped)
    )
