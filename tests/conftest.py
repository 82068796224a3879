"""Test set-up: every test runs once on SQLite and once on PostgreSQL.

Each database is built once per run by the real Alembic migrations, and emptied
after every test. PostgreSQL runs when PORTAL_TEST_POSTGRES_URL names a server
(the tests create and drop their own database there); PORTAL_REQUIRE_POSTGRES=1
turns a missing server into a failure instead of a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from portal import create_app
from portal.config import Settings, normalise_database_url
from portal.db import Database, database
from portal.models import metadata
from tests.helpers import Client, QueryCounter, migrate

REQUIRE_POSTGRES = os.environ.get("PORTAL_REQUIRE_POSTGRES") == "1"


def _postgres_server_url() -> str | None:
    url = os.environ.get("PORTAL_TEST_POSTGRES_URL")
    return normalise_database_url(url) if url else None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "portal-test.sqlite3"
        url = f"sqlite:///{path}"
        migrate(url)
        yield url
        return
    server = _postgres_server_url()
    if server is None:
        message = "PostgreSQL tests need PORTAL_TEST_POSTGRES_URL (for example postgresql://postgres@127.0.0.1/postgres)"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    with create_postgres_database(server) as url:
        migrate(url)
        yield url


class create_postgres_database:  # noqa: N801 (used as a context manager, like a function)
    """A throw-away PostgreSQL database on the server, dropped afterwards."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.name = f"portal_test_{uuid.uuid4().hex[:12]}"

    def __enter__(self) -> str:
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        except Exception as error:
            if REQUIRE_POSTGRES:
                pytest.fail(f"PostgreSQL is required but not reachable: {error}")
            pytest.skip(f"PostgreSQL not reachable: {error}")
        finally:
            admin.dispose()
        return make_url(self.server_url).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *_exc: object) -> None:
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


def settings_for(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"secret_key": "test-secret-" + "x" * 32, "testing": True}
    values.update(overrides)
    return Settings.from_environment(database_url=url, **values)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(settings_for(database_url))
    yield application
    database(application).engine.dispose()


@pytest.fixture(scope="session")
def db(app: Flask) -> Database:
    return database(app)


@pytest.fixture(autouse=True)
def _empty_database_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "database_url" not in request.fixturenames:
        return
    url: str = request.getfixturevalue("database_url")
    empty_database(url)


def empty_database(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # The audit table's triggers refuse TRUNCATE; a replica-role session
            # skips triggers, which only a superuser (the test server's) may do.
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session for arranging data and checking results outside a request."""
    with db.session_factory() as s:
        yield s


@pytest.fixture
def client(app: Flask, session: Session) -> Client:
    return Client(app, before_request=session.commit)


@pytest.fixture
def another_client(client: Client) -> Client:
    return client.another_browser()


@pytest.fixture
def queries(db: Database) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)
