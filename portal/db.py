"""The database: engine, one session per request, the declarative base.

SQLite is the embedded default and PostgreSQL (through psycopg 3) is production.
The schema itself is owned by Alembic (see migrations/); nothing here creates tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

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
    from flask import current_app

    return (app or current_app).extensions["portal_db"]


def get_session() -> Session:
    """The request's session: created on first use, committed once by the request."""
    if "db_session" not in g:
        db = database()
        read_only = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
        g.db_session = (db.read_only_session_factory if read_only else db.session_factory)()
    return g.db_session


def init_app(app: Flask, db: Database) -> None:
    app.extensions["portal_db"] = db

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
