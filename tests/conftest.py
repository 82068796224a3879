"""Test set-up: every test runs once on SQLite and once on PostgreSQL.

Each database is built once per run by the real Alembic migrations, and emptied
after every test. PostgreSQL runs when PORTAL_TEST_POSTGRES_URL names a server
(the tests create and drop their own database there); PORTAL_REQUIRE_POSTGRES=1
turns a missing server into a failure instead of a skip.

On PostgreSQL each run makes its own owner and runtime logins (README, "Two PostgreSQL
roles"): the migrations and the emptying between tests run as the owner, the portal as
the runtime login, and the test server's own login only creates and drops things and
plays the intruder in tests that tamper with raw SQL.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Connection, Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from portal import create_app
from portal.audit.cache import clear_every_cache
from portal.config import Settings, normalise_database_url
from portal.db import Database, database
from portal.models import metadata
from portal.people.breach_routes import DEFAULT_ROUTES, BreachRoute
from tests.bank_holidays.seed import CALENDAR_TABLES, restore_shipped_calendar
from tests.helpers import PUBLIC, Client, QueryCounter, council_seal_file, migrate

REQUIRE_POSTGRES = os.environ.get("PORTAL_REQUIRE_POSTGRES") == "1"


def _postgres_server_url() -> str | None:
    url = os.environ.get("PORTAL_TEST_POSTGRES_URL")
    return normalise_database_url(url) if url else None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test database as the test server's own login (a superuser in CI): tests that
    play an intruder with raw SQL use it. The portal itself (`app`, `session`, `client`)
    runs as the runtime role (`runtime_database_url`), and the migrations and the
    emptying between tests as the owner (`owner_database_url`)."""
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
    with create_postgres_database(server, with_roles=True) as url:
        migrate(OWNER_URLS[url])
        yield url
        for engine in _OWNER_ENGINES.pop(OWNER_URLS[url], []):
            engine.dispose()


@pytest.fixture(scope="session")
def owner_database_url(database_url: str) -> str:
    """The login that owns the schema (PORTAL_MIGRATION_DATABASE_URL in production)."""
    return OWNER_URLS.get(database_url, database_url)


@pytest.fixture(scope="session")
def runtime_database_url(database_url: str) -> str:
    """The portal's own login (PORTAL_DATABASE_URL): a member of `portal_runtime`."""
    return RUNTIME_URLS.get(database_url, database_url)


# The group role migration 0015 grants to; an administrator creates it once per server
# (README, "Two PostgreSQL roles"). The tests create it too if missing, as CI does.
RUNTIME_GROUP = "portal_runtime"
OWNER_URLS: dict[str, str] = {}  # test database URL -> the same database as its owner
RUNTIME_URLS: dict[str, str] = {}  # test database URL -> the same database as the runtime role
_OWNER_ENGINES: dict[str, list[Engine]] = {}


class create_postgres_database:  # noqa: N801 (used as a context manager, like a function)
    """A throw-away PostgreSQL database on the server, dropped afterwards.

    With roles, it also makes an owner login and a runtime login (a member of
    `portal_runtime`) named after the database, so concurrent runs on one server never
    share or race for them, and gives the database to the owner; both are dropped after.
    """

    def __init__(self, server_url: str, *, with_roles: bool = False) -> None:
        self.server_url = server_url
        self.name = f"portal_test_{uuid.uuid4().hex[:12]}"
        self.with_roles = with_roles
        self.owner, self.runtime = f"{self.name}_owner", f"{self.name}_runtime"

    def _url(self, login: str | None = None, password: str | None = None) -> str:
        url = make_url(self.server_url).set(database=self.name)
        if login is not None:
            url = url.set(username=login, password=password)
        return url.render_as_string(hide_password=False)

    def __enter__(self) -> str:
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                owner = ""
                if self.with_roles:
                    passwords = secrets.token_hex(16), secrets.token_hex(16)
                    _create_roles(connection, self.owner, self.runtime, passwords)
                    owner = f' OWNER "{self.owner}"'
                connection.execute(text(f'CREATE DATABASE "{self.name}"{owner}'))
        except Exception as error:
            if REQUIRE_POSTGRES:
                pytest.fail(f"PostgreSQL is required but not reachable: {error}")
            pytest.skip(f"PostgreSQL not reachable: {error}")
        finally:
            admin.dispose()
        url = self._url()
        if self.with_roles:
            OWNER_URLS[url] = self._url(self.owner, passwords[0])
            RUNTIME_URLS[url] = self._url(self.runtime, passwords[1])
        return url

    def __exit__(self, *_exc: object) -> None:
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            if self.with_roles:
                connection.execute(text(f'DROP ROLE IF EXISTS "{self.runtime}", "{self.owner}"'))
        admin.dispose()


def _create_roles(connection: Connection, owner: str, runtime: str, passwords: tuple[str, str]) -> None:
    # Several runs may share the server: the first creates the group, the others find it
    # (a concurrent CREATE ROLE can fail either way, hence both conditions).
    connection.exec_driver_sql(
        f"DO $$ BEGIN CREATE ROLE {RUNTIME_GROUP} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    connection.exec_driver_sql(f"CREATE ROLE \"{owner}\" LOGIN PASSWORD '{passwords[0]}'")
    connection.exec_driver_sql(
        f"CREATE ROLE \"{runtime}\" LOGIN PASSWORD '{passwords[1]}' IN ROLE {RUNTIME_GROUP}"
    )


def settings_for(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"secret_key": "test-secret-" + "x" * 32, "testing": True}
    values.update(overrides)
    return Settings.from_environment(database_url=url, **values)


@pytest.fixture(scope="session")
def app(runtime_database_url: str) -> Iterator[Flask]:
    application = create_app(settings_for(runtime_database_url))
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
    """Empties every table as the owner, which needs no superuser: the append-only
    tables' own triggers refuse TRUNCATE, so they are switched off and on again inside
    the same transaction (DDL is transactional in PostgreSQL; nobody else ever sees them
    off). The runtime role could do none of this: it owns nothing."""
    clear_every_cache()  # audit ids start again, so old stamps would match new data
    owner_url = OWNER_URLS.get(url, url)
    engines = _OWNER_ENGINES.setdefault(owner_url, [])
    if not engines:
        engines.append(create_engine(owner_url))
    engine = engines[0]
    # The bank-holiday calendar is put back as the migrations wrote it, not emptied.
    emptied = [t for t in metadata.sorted_tables if t.name not in CALENDAR_TABLES]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in emptied)
            guarded = _guarded_tables(connection)
            connection.exec_driver_sql(
                "; ".join(
                    [f'ALTER TABLE "{t}" DISABLE TRIGGER USER' for t in guarded]
                    + [f"TRUNCATE {tables} RESTART IDENTITY CASCADE"]
                    + [f'ALTER TABLE "{t}" ENABLE TRIGGER USER' for t in guarded]
                )
            )
        else:
            for table in reversed(emptied):
                connection.execute(table.delete())
        # Rows the migrations write, which every council's database starts with.
        defaults = [{"engagement_type": e.value, "route": r.value} for e, r in DEFAULT_ROUTES.items()]
        connection.execute(insert(BreachRoute), defaults)
        restore_shipped_calendar(connection)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        engines.clear()


def _guarded_tables(connection: Connection) -> list[str]:
    """The tables with triggers of their own (the append-only ones)."""
    return list(
        connection.scalars(
            text(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
                "ORDER BY c.relname"
            )
        )
    )


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


@pytest.fixture
def production(app: Flask, database_url: str) -> Iterator[Flask]:
    """A second app on the same (migrated, demo-free) database, with production settings
    (served at PUBLIC); building it also switches the log to JSON lines."""
    live = create_app(
        settings_for(
            database_url,
            environment="production",
            secret_key="p" * 40,
            base_url=PUBLIC,
            evidence_key="k" * 40,
            evidence_key_id="1",
            seal_p12=council_seal_file(),
            accessibility_email="access@example-tc.gov.uk",
            testing=False,
        )
    )
    yield live
    database(live).engine.dispose()
