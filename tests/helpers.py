"""Helpers shared by the tests: a CSRF-aware client, a query counter, migrations."""

from __future__ import annotations

import functools
import re
import tempfile
import time
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine
from werkzeug.test import TestResponse

from portal.cli import alembic_config
from portal.people.models import Person

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def migrate(url: str, revision: str = "head") -> None:
    config = alembic_config(url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, revision)


# The address a production app in the tests is served at (the `production` fixture).
PUBLIC = "https://portal.example-tc.gov.uk"


@functools.cache
def council_seal_file() -> str:
    """A PKCS#12 council certificate readable only by its owner, as production wants
    (PORTAL_SEAL_P12), made once per test run."""
    from portal.documents.signing import create_pkcs12

    data, _fingerprint = create_pkcs12("Ashcombe Town Council", "")
    path = Path(tempfile.mkdtemp(prefix="portal-seal-")) / "council-seal.p12"
    path.write_bytes(data)
    path.chmod(0o600)
    return str(path)


def as_superuser(database_url: str, statement: str) -> None:
    """Run a statement as someone with full write access would, behind the portal's back:
    on PostgreSQL with the triggers off (the test server's login is a superuser)."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.exec_driver_sql(statement)
    engine.dispose()


def text_of(html: str) -> str:
    """A page's words as a reader sees them: tags dropped, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def csrf_token_in(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise AssertionError("no CSRF token on the page")
    return match.group(1) or match.group(2)


class Client:
    """A test client that keeps CSRF protection on and fills in the token like a browser."""

    def __init__(self, app: Flask, before_request: Callable[[], None] | None = None) -> None:
        self.app = app
        self.http: FlaskClient = app.test_client()
        # Ends the test's own transaction first, as a separate person's would be:
        # on SQLite an open write transaction would make the request wait.
        self.before_request = before_request or (lambda: None)

    def another_browser(self) -> Client:
        return Client(self.app, self.before_request)

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        self.before_request()
        return self.http.get(url, **kwargs)

    def csrf_token(self) -> str:
        page = self.http.get("/")
        if page.status_code != 200:
            page = self.http.get("/sign-in")
        return csrf_token_in(page.get_data(as_text=True))

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> TestResponse:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf_token())
        self.before_request()
        return self.http.post(url, data=form, **kwargs)

    def sign_in_with_password(self, email: str, password: str, **extra: Any) -> TestResponse:
        return self.post("/sign-in", {"email": email, "password": password, **extra})

    def sign_in_as(self, person: Person) -> None:
        """Start a session directly, for tests that are not about signing in."""
        self.before_request()
        with self.http.session_transaction() as session:
            session["_user_id"] = f"{person.id}.{person.session_token}.{int(time.time())}"
            session["_fresh"] = True
            session.permanent = True

    def cookie(self, name: str) -> str | None:
        found = self.http.get_cookie(name)
        return found.value if found else None


class QueryCounter:
    """Counts SQL statements sent to the database while it is listening."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            self.statements.append(statement)

    def reset(self) -> None:
        self.statements.clear()

    @property
    def count(self) -> int:
        return len(self.statements)
