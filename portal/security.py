"""Response headers and error pages that every page gets."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.sansio.utils import host_is_trusted

from portal.audit.service import set_client_address
from portal.errors import NotFound
from portal.logs import request_id, request_route

HSTS = "max-age=31536000; includeSubDomains"  # a year, the minimum browsers' preload lists accept

ERROR_PAGES = {
    400: (
        "Sorry, there is a problem with that request",
        "The page could not use what was sent. Go back and try again.",
    ),
    403: (
        "You do not have access to this page",
        "If you think you should, ask the Town Clerk or your administrator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, it may be out of date.",
    ),
    405: (
        "Sorry, that cannot be done here",
        "Use the buttons on the page rather than typing the web address.",
    ),
    413: ("The file is too large", "Choose a smaller file and try again."),
    429: ("Too many requests", "Wait a minute, then try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you had already saved has been lost.",
    ),
}


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce  # g holds Any
    return nonce


def _form_targets() -> str:
    """Forms post only here, except that the single sign-on buttons post to the portal,
    which redirects to the identity provider: browsers apply form-action to that redirect."""
    issuer = current_app.config["PORTAL_SETTINGS"].oidc_issuer
    if not issuer:
        return "'self'"
    parts = urlsplit(issuer)
    return f"'self' {parts.scheme}://{parts.netloc}"


def add_security_headers(response: Response) -> Response:
    nonce = g.get("csp_nonce")
    script_src = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; object-src 'none'; base-uri 'none'; form-action {_form_targets()}; "
        "frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config["PORTAL_SETTINGS"].is_production:
        # Browsers then refuse plain HTTP to the portal for a year, so a network
        # attacker cannot strip HTTPS from a later visit.
        response.headers["Strict-Transport-Security"] = HSTS
    # A 500 is never cached, and deciding so must not load the signed-in person: the
    # error may have been the database's (see templates/errors/error.html).
    if request.endpoint != "static" and (
        response.status_code >= 500 or g.get("personal_data") or current_user.is_authenticated
    ):
        # Pages seen by a signed-in person carry personal data: keep them out of
        # shared and back-button caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def refuse_foreign_hosts() -> None:
    """Production answers only to the host in PORTAL_BASE_URL: a request that names any
    other Host (a forged header, or a look-alike name pointed at the server) gets 400
    before anything reads it, so no page, redirect or link is ever built on it."""
    settings = current_app.config["PORTAL_SETTINGS"]
    if settings.is_production and not host_is_trusted(request.host, [settings.public_host]):
        abort(400)


def refuse_nul_characters() -> None:
    """No form field or query value may hold a NUL character: no person types one,
    PostgreSQL cannot store one in text (a 500 deep inside a service), and some tools
    cut a string at it. The request gets a plain "bad request" before any view runs."""
    for values in (request.args, request.form):
        if any("\x00" in value for _key, value in values.items(multi=True)):
            abort(400)


def render_error(error: HTTPException | Exception) -> tuple[str, int]:
    """The council's error page; it shows the request id (templates/errors/error.html) so
    that a person can quote it."""
    code = error.code if isinstance(error, HTTPException) and error.code in ERROR_PAGES else 500
    if isinstance(error, CSRFError):
        title, advice = (
            "Your form could not be sent",
            "The page had been open too long, or was sent twice. Go back, reload the page and try again.",
        )
    else:
        title, advice = ERROR_PAGES[code]
    return render_template("errors/error.html", code=code, title=title, advice=advice), code


def _note_client_address() -> None:
    # Behind ProxyFix (PORTAL_TRUSTED_PROXIES) this is the client's, not the proxy's.
    set_client_address(request.remote_addr)


def _forget_client_address(_error: BaseException | None) -> None:
    set_client_address(None)  # a worker thread's next request must not inherit it


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_foreign_hosts)  # first of all
    app.before_request_funcs[None].insert(1, _note_client_address)
    app.before_request_funcs[None].insert(2, refuse_nul_characters)
    app.teardown_request(_forget_client_address)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    for code in ERROR_PAGES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, render_error)
    # A service that cannot find what a URL names answers 404, never 500.
    app.register_error_handler(NotFound, lambda _error: render_error(HTTPNotFound()))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        if isinstance(error, HTTPException):
            return render_error(error)
        # The id is the one on the error page, so a person's report leads to this line. The
        # route, not the path: a path can hold a password link's token.
        app.logger.exception("unhandled error on %s (request %s)", request_route(), request_id())
        return render_error(error)
