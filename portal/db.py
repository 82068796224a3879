"""The database: engine, one session per request, the declarative base.

SQLite is the embedded default and PostgreSQL (through psycopg 3) is production.
The schema itself is owned by Alembic (see migrations/); nothing here creates tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import (
    CursorResult,
    DateTime,
    Engine,
    MetaData,
    Result,
    Select,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator, TypeEngine
from werkzeug.routing import IntegerConverter, Map

# Constraint names are fixed by convention from the first revision, so that later
# migrations (and SQLite batch mode) can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_ONLY_OPTION = "portal_read_only"
# Every id column is a plain INTEGER (32-bit on PostgreSQL): nothing can have a larger id.
LARGEST_ID = 2**31 - 1
# Endpoints found at run time to write on GET (see init_app): each worker learns them once.
WRITING_READS = "portal_writing_reads"
READING_METHODS = ("GET", "HEAD", "OPTIONS")

F = TypeVar("F", bound=Callable[..., Any])


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always stored as UTC and always read back timezone-aware.

    SQLite has no time zones, so values are stored naive-in-UTC on both databases and
    re-tagged on the way out; that keeps comparisons identical everywhere.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


PAGE_SIZE = 50  # rows on a page of any list that grows with the council


@dataclass(frozen=True)
class Paged:
    """One page of a list, and where it sits in the whole."""

    items: list[Any]
    total: int
    page: int
    pages: int


def paginate(session: Session, query: Select[Any], page: int, *options: Any) -> Paged:
    """Page `page` (clamped to those there are) of the rows `query` selects, in its order,
    with the loader `options` applied to that page only: two queries, plus one per
    option, however many rows there are."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    found = session.scalars(query.options(*options).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return Paged(list(found), total, page, pages)


def page_of(items: list[Any], page: int) -> Paged:
    """Page `page` (clamped) of a list already worked out in full (a cached table)."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return Paged(items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], len(items), page, pages)


def widened(new: TypeEngine[Any], old: TypeEngine[Any]) -> TypeEngine[Any]:
    """A column a later migration widened on PostgreSQL only. SQLite enforces no length,
    and rebuilding a table that other rows refer to fails there, so on SQLite the declared
    type stays what it was (and the models still match the migrations)."""
    return new.with_variant(old, "sqlite")


def rows_affected(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows a bulk UPDATE or DELETE changed. `Session.execute` is typed to
    return a plain Result, which has no count; for those statements it is a CursorResult."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {type(result).__name__}")
    return int(result.rowcount or 0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would
        # otherwise start transactions lazily and always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        # A writer takes the write lock when it begins, so two writers queue on
        # busy_timeout instead of one failing with "database is locked" when it
        # tries to upgrade a read lock. Pages that only read (GET) stay DEFERRED.
        mode = "DEFERRED" if connection.get_execution_options().get(READ_ONLY_OPTION) else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)


@dataclass
class Database:
    engine: Engine
    session_factory: sessionmaker[Session]
    read_only_session_factory: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str, *, echo: bool = False) -> Database:
        engine = make_engine(url, echo=echo)
        read_engine = engine.execution_options(**{READ_ONLY_OPTION: True})
        return cls(
            engine=engine,
            session_factory=sessionmaker(engine, expire_on_commit=False),
            read_only_session_factory=sessionmaker(read_engine, expire_on_commit=False),
        )

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One transaction for a command-line job: commit at the end, roll back on error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def database(app: Flask | None = None) -> Database:
    found: Database = (app or current_app).extensions["portal_db"]  # extensions hold Any
    return found


def writes_on_get(view: F) -> F:
    """Declare a page that writes although it is a GET: one that records who looked
    (an audit event for viewing a disciplinary case or a subject access export).

    Its request takes SQLite's write lock when it begins, so parallel views queue on
    busy_timeout instead of failing with "database is locked". An undeclared page
    that turns out to write is retried once and then treated the same (init_app).
    """
    view.writes_on_get = True  # type: ignore[attr-defined]  # a function attribute: no type can declare one
    return view


def _takes_write_lock() -> bool:
    if not has_request_context() or request.method not in READING_METHODS:
        return True
    endpoint = request.endpoint
    if endpoint is None:
        return False
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "writes_on_get", False)) or endpoint in current_app.extensions[WRITING_READS]


def get_session() -> Session:
    """The request's session: created on first use, committed once by the request."""
    if "db_session" not in g:
        db = database()
        g.db_session = (db.session_factory if _takes_write_lock() else db.read_only_session_factory)()
    session: Session = g.db_session  # g holds Any
    return session


def _lost_read_lock(error: OperationalError) -> bool:
    """A read-only SQLite transaction that tried to write after another writer began:
    SQLite refuses the upgrade at once ("database is locked") rather than wait."""
    session: Session | None = g.get("db_session")
    if session is None or not has_request_context() or request.method not in READING_METHODS:
        return False
    bind = session.get_bind()
    return (
        bind.dialect.name == "sqlite"
        and bool(bind.get_execution_options().get(READ_ONLY_OPTION))
        and "database is locked" in str(error.orig)
    )


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no id column can hold is "not found" (404)
    rather than a database error (500) when the query cannot bind it."""

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int = LARGEST_ID
    ) -> None:
        super().__init__(map, fixed_digits, min, max)


def init_app(app: Flask, db: Database) -> None:
    app.extensions["portal_db"] = db
    # Before any blueprint adds its routes, which bind their converters when added.
    app.url_map.converters["int"] = IdConverter
    app.extensions[WRITING_READS] = set()
    dispatch = app.dispatch_request

    def dispatch_with_write_lock_retry() -> Any:
        # A GET that records an audit event without declaring @writes_on_get began
        # read-only and lost the race for SQLite's write lock. Nothing was kept, so
        # run the view again with the write lock taken up front, and remember the
        # endpoint so that its next requests take it at once.
        try:
            return dispatch()
        except OperationalError as error:
            if not _lost_read_lock(error):
                raise
        app.logger.warning("%s writes on GET; retrying with the write lock", request.endpoint)
        app.extensions[WRITING_READS].add(request.endpoint)
        session: Session = g.pop("db_session")
        session.rollback()
        session.close()
        # The signed-in person was loaded by the abandoned session: load them again.
        g.pop("_login_user", None)
        return dispatch()

    app.dispatch_request = dispatch_with_write_lock_retry  # type: ignore[method-assign]  # wraps this app's own

    @app.after_request
    def commit_request(response: Any) -> Any:
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return response
        try:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()
        return response

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        # Only reached with a session still open when the request failed before
        # after_request ran (an unhandled error): nothing of it is kept.
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
