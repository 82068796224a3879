"""gunicorn's production settings for the portal.

From a checkout, `gunicorn -c gunicorn.conf.py wsgi:app` (that file takes these); from an
installed wheel, `gunicorn -c python:portal.gunicorn_conf 'portal:create_app()'`.

The command line and GUNICORN_CMD_ARGS still win over anything here (`--workers 4`,
`--bind 0.0.0.0:8000`), so a supplier can adjust one value without editing this file.
The README's "Deploying" section says how the pieces fit together.
"""

from __future__ import annotations

import os

from portal.config import DEFAULT_FORWARDED_ALLOW_IPS
from portal.config import forwarded_allow_ips as _addresses


def _cores() -> int:
    # The cores this process may use (a container or taskset can allow fewer than the
    # machine has), falling back to the machine's count where the system cannot say.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# The reverse proxy that terminates HTTPS runs on the same machine: listen only there.
bind = ["127.0.0.1:8000"]

# Processes for the processor, threads for the waiting. Python runs one thread at a time
# in a process, and the portal's heavy pages (PDFs from WeasyPrint, the compliance
# overview) keep that thread busy, so only processes use more than one core: one per
# core, and one more so that a core is not left idle while a process waits on the
# database. Threads let a process take other requests while one waits on the database
# or on a slow client, which is most of a page's life. The cap: each process keeps its
# own database pool (up to 10 connections, portal/db.py), its own caches and its own
# copy of WeasyPrint in memory, and 8 × 10 stays under PostgreSQL's default of 100
# connections with room for the `flask` jobs. WEB_CONCURRENCY, the usual variable for
# this, overrides the count.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(_cores() + 1, 8))
threads = 4

# With threads, a long request does not stop a process checking in with gunicorn, so
# this only restarts a process that is stuck as a whole; 60 s leaves room for a large
# evidence pack. On shutdown or reload, requests in progress get 30 s to finish.
timeout = 60
graceful_timeout = 30
# The proxy reuses its connections to gunicorn; longer than gunicorn's 2 s default so
# that it rarely has to open a new one between a person's clicks.
keepalive = 5

# Memory a process gains over its life (font and image caches) is returned by starting
# it afresh now and then; the jitter stops every process restarting at the same moment.
max_requests = 2000
max_requests_jitter = 200

# The access log goes to standard error beside the portal's own request lines, joined to
# them by the request id. It names the route (such as /set-password/<token>), which the
# portal records in the request's environ, never the path: a path can hold a password
# link's token (%(U)s) and a query string a search for a person (%(r)s, %(q)s). No
# referrer (a page address with its query) and no user agent either. A request that
# matched no route (a 404) shows "-" there.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %({portal.route}e)s %(H)s" %(s)s %(b)s %(M)sms request=%({x-request-id}o)s'

# Only the proxies named here may tell gunicorn that a request came over HTTPS
# (X-Forwarded-Proto). PORTAL_FORWARDED_ALLOW_IPS lists their addresses or networks;
# PORTAL_TRUSTED_PROXIES, read by the portal itself, says how many of them there are in
# a row, to find the client's own address in X-Forwarded-For (README, "Deploying").
forwarded_allow_ips = ",".join(
    _addresses(os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", DEFAULT_FORWARDED_ALLOW_IPS))
)
