"""Where the rate-limit counts live (portal/ratelimit.py): a Redis address needs the
Redis client, and a Redis that cannot be reached leaves the limited pages answering and
still limited, each process counting on its own. These need neither PostgreSQL nor a
Redis server: the unreachable Redis is a port where nothing listens."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal import create_app
from portal.config import UnsafeConfiguration
from portal.ratelimit import PUBLIC_CHECKS, RateLimitStorageUnavailable, storage_client_problem
from tests.conftest import settings_for
from tests.helpers import migrate
from tests.notifications.conftest import free_port
from tests.servers.instances import Browser, portal_environment, start_instances

LIMIT = int(PUBLIC_CHECKS.split()[0])


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "rediss://cache.council.example:6380",
        "redis+unix:///run/redis.sock",
        "redis+sentinel://sentinel.council.example:26379/portal",
    ],
)
def test_a_redis_address_without_the_client_stops_start_up_naming_the_extra(
    url, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "redis", None)  # as if never installed: importing it fails
    settings = settings_for(f"sqlite:///{tmp_path / 'portal.sqlite3'}", ratelimit_storage_url=url)
    with pytest.raises(RateLimitStorageUnavailable) as refused:
        create_app(settings)
    message = str(refused.value)
    assert "PORTAL_RATELIMIT_STORAGE_URL" in message and "the Redis client is not installed" in message
    assert "pip install 'council-policy-portal[redis]'" in message
    assert isinstance(refused.value, UnsafeConfiguration)  # refused like any other unsafe setting


def test_counting_in_memory_needs_no_client(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    assert storage_client_problem("memory://") is None


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections and never answers, like a Redis whose machine has
    gone quiet behind a firewall: the kernel completes each connection, nobody reads."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


@pytest.mark.parametrize("redis_is", ["refusing", "silent"])
def test_with_redis_unreachable_the_limited_pages_answer_and_still_limit_per_process(
    redis_is, tmp_path: Path, request: pytest.FixtureRequest
):
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    migrate(url)
    port = free_port() if redis_is == "refusing" else request.getfixturevalue("silent_port")
    environment = portal_environment(
        DATABASE_URL=url,
        RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{port}/0",
        SECRET_KEY="s" * 40,
        TRUSTED_PROXIES="1",
    )
    # One worker: the fallback counts per process, and here there is only one.
    (server,) = start_instances(["alone"], environment, tmp_path, workers=1)
    try:
        browser = Browser()
        started = time.monotonic()
        statuses = [browser.get(server, f"/verify/probe-{n}").status for n in range(LIMIT + 1)]
        seconds = time.monotonic() - started
    finally:
        server.stop()
    assert statuses == [200] * LIMIT + [429]
    # Silent, each request that asks Redis waits its timeout (a second), and only the
    # first and an occasional check for its return ask; never the minute gunicorn allows.
    assert seconds < 15
    assert "falling back to in-memory storage" in server.log_text()
