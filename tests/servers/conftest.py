"""Two instances of the portal on one PostgreSQL database and one Redis.

Redis runs when PORTAL_TEST_REDIS_URL names a server (CI: redis://127.0.0.1:6379/15, a
database number of its own, so a developer's data in 0 is never touched);
PORTAL_REQUIRE_REDIS=1 turns a missing or unreachable server into a failure instead of a
skip, as PORTAL_REQUIRE_POSTGRES does for PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal import create_app
from portal.audit.cache import clear_every_cache
from portal.db import database
from portal.people.models import Role
from tests.conftest import (
    OWNER_URLS,
    REQUIRE_POSTGRES,
    RUNTIME_URLS,
    _postgres_server_url,
    create_postgres_database,
    settings_for,
)
from tests.factories import make_person, make_policy
from tests.helpers import migrate
from tests.servers.instances import Instance, portal_environment, start_instances

REQUIRE_REDIS = os.environ.get("PORTAL_REQUIRE_REDIS") == "1"


def _missing(message: str) -> NoReturn:
    if REQUIRE_REDIS:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server the instances share, checked to answer."""
    url = os.environ.get("PORTAL_TEST_REDIS_URL", "")
    if not url:
        _missing(
            "tests of more than one server need PORTAL_TEST_REDIS_URL (for example redis://127.0.0.1:6379/15)"
        )
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except ImportError:
        _missing("the Redis client is not installed: pip install -e '.[test]'")
    except redis.RedisError as error:
        _missing(f"Redis is not reachable at {url}: {error}")
    return url


@dataclass
class Shared:
    """What every instance of one council shares (README, "Running more than one server")."""

    database_url: str  # the runtime login
    redis_url: str
    secret_key: str
    evidence_key: str

    def environment(self, **settings: str) -> dict[str, str]:
        return portal_environment(
            DATABASE_URL=self.database_url,
            RATELIMIT_STORAGE_URL=self.redis_url,
            SECRET_KEY=self.secret_key,
            EVIDENCE_KEY=self.evidence_key,
            EVIDENCE_KEY_ID="1",
            # Behind the load balancer, which the tests' browser plays (X-Forwarded-For).
            TRUSTED_PROXIES="1",
            **settings,
        )


@pytest.fixture(scope="module")
def shared(redis_url: str) -> Iterator[Shared]:
    """A throw-away PostgreSQL database, migrated as its owner, with fresh keys."""
    server = _postgres_server_url()
    if server is None:
        message = "tests of more than one server need PORTAL_TEST_POSTGRES_URL"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    with create_postgres_database(server, with_roles=True) as url:
        migrate(OWNER_URLS[url])
        yield Shared(RUNTIME_URLS[url], redis_url, secrets.token_hex(32), secrets.token_hex(32))


@pytest.fixture(scope="module")
def instances(
    shared: Shared, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Instance, Instance]]:
    """Two gunicorn instances, A and B, of two workers each: four processes in all."""
    logs = tmp_path_factory.mktemp("servers")
    first, second = start_instances(["A", "B"], shared.environment(), logs)
    yield first, second
    for instance in (first, second):
        instance.stop()


@pytest.fixture(scope="module")
def arranging(shared: Shared) -> Iterator[Flask]:
    """The portal in the test's own process, on the same database and keys, for arranging
    records through the services as the tests elsewhere do."""
    app = create_app(
        settings_for(
            shared.database_url,
            secret_key=shared.secret_key,
            evidence_key=shared.evidence_key,
            evidence_key_id="1",
        )
    )
    yield app
    database(app).engine.dispose()
    clear_every_cache()  # this database's stamps must not be mistaken for another's


@pytest.fixture
def session(arranging: Flask) -> Iterator[Session]:
    """A session on the shared database, in an application context (for the audit's keys)."""
    with arranging.app_context(), database(arranging).session_factory() as opened:
        yield opened


@dataclass(frozen=True)
class Council:
    clerk_email: str
    policy_slug: str
    version_id: int


@pytest.fixture(scope="module")
def council(arranging: Flask) -> Council:
    """The Town Clerk and one published policy that binds everyone."""
    with arranging.app_context(), database(arranging).session_factory() as opened:
        clerk = make_person(
            opened, name="Clara Clerk", email="clerk@servers.example", roles={Role.TOWN_CLERK}
        )
        policy, version = make_policy(opened, clerk=clerk)
        return Council(clerk.email, policy.slug, version.id)
