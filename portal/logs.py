"""The application log: one line per request, and the request id that ties an error page to it.

Each request gets an id, returned in the X-Request-ID header and shown on the error page,
so a person can quote it and whoever keeps the server can find the line. The line names
the route (the URL rule, such as /policies/<slug>), never the path the browser sent nor
its query string: paths can hold a password link's token, and query strings a search for
someone's name. The signed-in person appears by id only (UK GDPR, data minimisation).

Production writes JSON lines that a log collector reads without parsing text;
development writes the same facts as readable text.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, has_request_context, request, request_started
from flask.logging import default_handler

from portal.config import Settings

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's own id (nginx's $request_id is 32 hex digits) is kept so that both logs
# agree; anything longer or with other characters could forge log lines or markup.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# Keys in the WSGI environ, which is the request's own and which gunicorn's access log
# can read after the response (%({portal.route}e)s in gunicorn.conf.py).
ROUTE_KEY = "portal.route"
_REQUEST_ID_KEY = "portal.request_id"
_USER_ID_KEY = "portal.user_id"
_STARTED_KEY = "portal.started"

APPLICATION_LOGGER = "portal"  # Flask's app.logger, named after the package
request_log = logging.getLogger("portal.requests")

# The facts a request line carries, beside the message, as JSON keys.
REQUEST_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "user_id")


def new_request_id() -> str:
    """64 random bits as four groups of four hex digits: short enough to read out on
    the telephone, and never repeated in any council's logs in practice."""
    digits = secrets.token_hex(8)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def request_id() -> str:
    """This request's id: the one the proxy sent if it looks safe, otherwise a new one."""
    environ = request.environ
    if _REQUEST_ID_KEY not in environ:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        environ[_REQUEST_ID_KEY] = offered if _SAFE_REQUEST_ID.fullmatch(offered) else new_request_id()
    return str(environ[_REQUEST_ID_KEY])


def request_route() -> str | None:
    """The URL rule the request matched (/set-password/<token>), None if it matched none."""
    return request.url_rule.rule if request.url_rule is not None else None


def note_signed_in(person_id: int) -> None:
    """Remember who this request is for, by id, when the session loads them: the request
    line then names them without loading anyone again (after a database error it could
    not)."""
    if has_request_context():
        request.environ[_USER_ID_KEY] = person_id


def _start_clock(_app: Flask, **_extra: object) -> None:
    request.environ[_STARTED_KEY] = time.perf_counter()


def _finish_request(response: Response) -> Response:
    """Add the request id to the response and write the request's line."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    environ = request.environ
    route = request_route()
    if route is not None:
        environ[ROUTE_KEY] = route
    started = environ.get(_STARTED_KEY)
    duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    fields = {
        "request_id": request_id(),
        "method": request.method,
        "route": route,
        "status": response.status_code,
        "duration_ms": duration,
        "user_id": environ.get(_USER_ID_KEY),
    }
    request_log.info(
        "%s %s %s in %s ms, request %s, user %s",
        request.method,
        route or "(no route)",
        response.status_code,
        "?" if duration is None else duration,
        fields["request_id"],
        fields["user_id"] or "-",
        extra=fields,
    )
    return response


class JsonLines(logging.Formatter):
    """A record as one JSON object on one line, with the request's facts as keys."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # default=str: a stray object in a message's arguments must not lose the line.
        return json.dumps(line, default=str)


class ReadableText(logging.Formatter):
    """Development's lines: time, level, logger and the message (which for a request
    line already names the route, status, duration, request id and user id)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")


class _RequestIdFilter(logging.Filter):
    """Gives every record logged during a request that request's id, so an error logged
    by any module can be matched to the line of the request that raised it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None and has_request_context():
            record.request_id = request_id()
        return True


class _StandardError(logging.Handler):
    """Writes to whatever sys.stderr is at the time (gunicorn and pytest both redirect it),
    where a StreamHandler would keep the stream it was made with."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def configure_logging(settings: Settings) -> None:
    """Send the portal's records (app.logger and every portal.* logger) to standard
    error, as JSON lines in production and readable text in development.

    One process serves one app, so the app built last decides the format; building it
    again replaces the handler rather than adding a second one.
    """
    logger = logging.getLogger(APPLICATION_LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, _StandardError) or handler is default_handler:
            logger.removeHandler(handler)
    handler = _StandardError()
    handler.setFormatter(JsonLines() if settings.is_production else ReadableText())
    handler.addFilter(_RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if settings.debug else logging.INFO)


def init_app(app: Flask, settings: Settings) -> None:
    configure_logging(settings)
    # Sent before any before-request function runs, so the duration covers them too.
    request_started.connect(_start_clock, app)
    # Flask runs after-request functions last-registered first: at the front of the list,
    # this runs after all the others (the commit included), and so logs the status sent.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish_request)
    # Not "request_id": the authorisation and information request pages use that name.
    app.jinja_env.globals["request_reference"] = request_id
