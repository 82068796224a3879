"""Rate limiting (Flask-Limiter) for public pages that could be probed.

Counts are kept in memory by default, so each gunicorn worker counts on its own; set
PORTAL_RATELIMIT_STORAGE_URL (for example redis://127.0.0.1:6379/0) to share them between
the workers and the servers (README, "Running more than one server"). That needs the
Redis client, the portal's `redis` extra: without it start-up stops and says so.

When Redis cannot be reached, each process counts in its own memory until it answers
again (`in-memory fallback`): the pages stay up and stay limited. The README says why.
"""

from __future__ import annotations

import importlib
import logging
from urllib.parse import urlsplit

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from portal.config import UnsafeConfiguration

limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The public pages that check a code or a document (a receipt, a posting authorisation)
# answer anyone: plenty for a person checking by hand, far too few to guess codes with.
PUBLIC_CHECKS = "30 per minute"

# The storage URL schemes that Flask-Limiter (its `limits` package) serves with the
# `redis` client: plain, TLS, a Unix socket, Sentinel and Cluster.
REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster"})

# The client waits for ever by default, so a Redis that has gone quiet (a dropped network
# rather than a refused connection) would hold every limited request. After this long the
# request counts in memory instead; Flask-Limiter then asks Redis again only now and then
# (waits growing from 1 to 32 seconds), so a slow check does not slow every request.
# Options in the URL itself (`?socket_timeout=3`) take precedence over these.
REDIS_TIMEOUT_SECONDS = 1.0


class RateLimitStorageUnavailable(UnsafeConfiguration):
    """The rate-limit storage named in the settings cannot be used by this installation."""


def storage_client_problem(storage_url: str) -> str | None:
    """Why this installation cannot use the storage URL (None: it can).

    Flask-Limiter only says "'redis' prerequisite not available", from deep in every
    worker's start-up; this names the setting and the extra that fixes it.
    """
    scheme = urlsplit(storage_url).scheme.lower()
    if scheme not in REDIS_SCHEMES:
        return None
    try:
        importlib.import_module("redis")
    except ImportError:
        return (
            f"PORTAL_RATELIMIT_STORAGE_URL is a {scheme}:// address, but the Redis client is not "
            "installed. Install the portal with its redis extra: "
            "pip install 'council-policy-portal[redis]' (in a checkout: pip install -e '.[redis]'), "
            "or set PORTAL_RATELIMIT_STORAGE_URL=memory:// to count in each process"
        )
    return None


class _LimiterWarnings(logging.Handler):
    """Passes Flask-Limiter's warnings and errors (its storage cannot be reached, it has
    fallen back to memory) on to the portal's log, where whoever keeps the servers sees
    them: its own logger has only a NullHandler. Its INFO lines stay out, since the line
    for each refused request names the client's address, which the portal's log never
    holds (portal/logs.py)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger("portal.ratelimit").handle(record)


def init_app(app: Flask, storage_url: str) -> None:
    """Set up the limiter on this storage; refuse to start if the storage's client is missing."""
    problem = storage_client_problem(storage_url)
    if problem:
        raise RateLimitStorageUnavailable(problem)
    app.config["RATELIMIT_STORAGE_URI"] = storage_url
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    # Availability with the limits kept, over either extreme: refusing the pages while
    # Redis is down would stop residents checking a letter; swallowing the error would
    # leave the pages unlimited. The sign-in throttle does not depend on this at all: it
    # counts failures in the database (portal/auth/service.py).
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    if urlsplit(storage_url).scheme.lower() in REDIS_SCHEMES:
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        }
    limiter.init_app(app)
    if not any(isinstance(handler, _LimiterWarnings) for handler in limiter.logger.handlers):
        limiter.logger.addHandler(_LimiterWarnings())
