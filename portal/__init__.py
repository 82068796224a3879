"""The council policy portal: one Flask application built by `create_app`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import INSTANCE_FOLDER, PACKAGE_ROOT, Settings

if TYPE_CHECKING:  # for annotations only: create_app imports its modules itself
    from portal.db import Database

csrf = CSRFProtect()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_environment()
    app = Flask(
        __name__,
        static_folder=str(PACKAGE_ROOT / "static"),
        instance_path=str(INSTANCE_FOLDER),
    )
    _configure(app, settings)

    import portal.models  # noqa: F401  (every mapper known before the first query)
    from portal import access, db, logs, navigation, ratelimit, security, templating
    from portal.audit.seal import KeyRing
    from portal.auth import sessions
    from portal.business_cases.risk import RiskMatrix
    from portal.conduct.retention import parse_retention
    from portal.people.addresses import parse_address_retention

    database = db.Database.connect(settings.database_url, echo=settings.echo_sql)
    db.init_app(app, database)
    templating.init_app(app)
    logs.init_app(app, settings)
    navigation.init_app(app)
    app.jinja_env.globals["council_name"] = settings.council_name
    sessions.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    ratelimit.init_app(app, settings.ratelimit_storage_url)
    # Read once at start-up so that a mistyped matrix stops the portal, not a review.
    app.extensions["risk_matrix"] = RiskMatrix.parse(settings.risk_scores, settings.risk_bands)
    app.extensions["retention_months"] = parse_retention(settings.retention_months)
    app.extensions["address_retention_months"] = parse_address_retention(settings.address_retention_months)
    # The evidence keys, read once: a malformed PORTAL_EVIDENCE_OLD_KEYS stops start-up.
    app.extensions["evidence_keys"] = KeyRing.from_settings(settings)

    _register_blueprints(app)
    access.init_app(app)
    _register_commands(app)
    _check_production(app, settings, database)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    secure_cookies = settings.environment != "development" or settings.base_url.startswith("https://")
    # Over HTTPS the browser keeps a __Host- cookie only if it is Secure, for the whole
    # site and for this host alone, so a sibling subdomain cannot plant or read it (ASVS 3.3).
    prefix = "__Host-" if secure_cookies else ""
    app.config.update(
        PORTAL_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        DEBUG=settings.debug,
        TESTING=settings.testing,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        PERMANENT_SESSION_LIFETIME=settings.idle_timeout,
        SESSION_REFRESH_EACH_REQUEST=True,
        SESSION_COOKIE_NAME=f"{prefix}portal_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_NAME=f"{prefix}portal_remember",
        REMEMBER_COOKIE_DURATION=settings.absolute_timeout,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,  # the session's own timeouts bound a form's life
        # WTForms' default field limits are per field; this caps a whole form post.
        MAX_FORM_MEMORY_SIZE=settings.max_content_length,
    )
    if settings.trusted_proxies:
        # Behind a reverse proxy, take the client's address from X-Forwarded-For so
        # that audit events and throttling see the person, not the proxy.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add middleware
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )


def _register_blueprints(app: Flask) -> None:
    from portal.audit.views import blueprint as audit_blueprint
    from portal.auth import council_account_views  # noqa: F401 (its routes register themselves)
    from portal.auth.views import blueprint as auth_blueprint
    from portal.authorisations import tasks as authorisation_tasks  # noqa: F401 (its notices register)
    from portal.authorisations.views import blueprint as authorisations_blueprint
    from portal.authorisations.views import verify_blueprint
    from portal.bank_holidays import tasks as calendar_tasks  # noqa: F401 (its task source registers itself)
    from portal.bank_holidays.views import blueprint as bank_holidays_blueprint
    from portal.breaches import tasks as breach_tasks  # noqa: F401 (its task source and job register themselves)
    from portal.breaches.views import blueprint as breaches_blueprint
    from portal.business_cases import tasks as case_tasks  # noqa: F401 (its task sources register themselves)
    from portal.business_cases.views import blueprint as business_cases_blueprint
    from portal.conduct import tasks as conduct_tasks  # noqa: F401 (its task sources register themselves)
    from portal.conduct.views import blueprint as conduct_blueprint
    from portal.elections import tasks as election_tasks  # noqa: F401 (its reminder and banner register)
    from portal.elections.views import blueprint as elections_blueprint
    from portal.home.views import blueprint as home_blueprint
    from portal.information_requests import tasks as request_tasks  # noqa: F401 (its tasks and deadlines register)
    from portal.information_requests.views import blueprint as information_requests_blueprint
    from portal.notifications.views import blueprint as notifications_blueprint
    from portal.people import tasks as people_tasks  # noqa: F401 (its task source registers itself)
    from portal.people.views import blueprint as people_blueprint
    from portal.policies import library_views, tasks  # noqa: F401 (routes and task source register themselves)
    from portal.policies.views import blueprint as policies_blueprint
    from portal.policies.views import receipts_blueprint
    from portal.privacy.views import blueprint as privacy_blueprint
    from portal.reports.views import blueprint as reports_blueprint
    from portal.retention.views import blueprint as retention_blueprint
    from portal.training import tasks as training_tasks  # noqa: F401 (its task sources register themselves)
    from portal.training.views import blueprint as training_blueprint

    for blueprint in (
        home_blueprint,
        auth_blueprint,
        people_blueprint,
        audit_blueprint,
        policies_blueprint,
        receipts_blueprint,
        training_blueprint,
        authorisations_blueprint,
        verify_blueprint,
        business_cases_blueprint,
        conduct_blueprint,
        breaches_blueprint,
        information_requests_blueprint,
        elections_blueprint,
        bank_holidays_blueprint,
        privacy_blueprint,
        notifications_blueprint,
        reports_blueprint,
        retention_blueprint,
    ):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from portal.audit.cli import audit_commands
    from portal.bank_holidays.cli import calendar_commands
    from portal.cli import db_commands, demo_commands
    from portal.documents.cli import seal_commands
    from portal.jobs.cli import jobs_commands, reminders_commands
    from portal.outbox.cli import outbox_commands
    from portal.people.cli import roles_commands
    from portal.policies.cli import policies_commands
    from portal.retention.cli import retention_commands
    from portal.training.cli import quizzes_commands

    for group in (
        db_commands,
        demo_commands,
        audit_commands,
        policies_commands,
        quizzes_commands,
        retention_commands,
        outbox_commands,
        reminders_commands,
        jobs_commands,
        roles_commands,
        seal_commands,
        calendar_commands,
    ):
        app.cli.add_command(group)


def _check_production(app: Flask, settings: Settings, database: Database) -> None:
    if not settings.is_production:
        return
    from portal.config import check_production
    from portal.people.service import demo_accounts_present

    with app.app_context(), database.session_factory() as session:
        present = demo_accounts_present(session)
    check_production(settings, demo_accounts_present=present)
    # Loaded now, so a wrong passphrase or a broken file stops start-up rather than the
    # first person's signature.
    from portal.config import UnsafeConfiguration
    from portal.documents.seals import load_seal
    from portal.documents.signing import SealUnavailable

    try:
        app.extensions["council_seal"] = load_seal(settings)
    except SealUnavailable as error:
        raise UnsafeConfiguration(f"refusing to start in production: {error}") from None
