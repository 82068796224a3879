"""Flask-Login wiring: what a session cookie holds and when it stops being valid.

A cookie (session or remember-me) names `person_id.session_token.signed_in_epoch`.
- The token changes at sign-out, password change and leaving, which kills every
  cookie the person has, on every device, even replayed copies.
- The epoch enforces the 12-hour absolute timeout server-side.
- The 30-minute idle timeout is the session cookie's own signed lifetime,
  renewed on each request (PERMANENT_SESSION_LIFETIME + SESSION_REFRESH_EACH_REQUEST).
"""

from __future__ import annotations

import hmac
import secrets
import time

from flask import Flask, current_app, session
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.db import get_session
from portal.logs import note_signed_in
from portal.people.models import Person

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see this page"
login_manager.login_message_category = "info"
# "basic" marks a session non-fresh when the browser's address changes; "strong"
# would sign out staff whose mobile connection hops between networks.
login_manager.session_protection = "basic"


def _parse(user_id: str) -> tuple[int, str, int] | None:
    parts = user_id.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    return int(parts[0]), parts[1], int(parts[2])


@login_manager.user_loader
def load_person(user_id: str) -> Person | None:
    parsed = _parse(user_id)
    if parsed is None:
        return None
    person_id, token, signed_in_epoch = parsed
    absolute = current_app.config["PORTAL_SETTINGS"].absolute_timeout.total_seconds()
    if time.time() - signed_in_epoch > absolute:
        return None
    # One query with the roles joined in, not two: this runs on every request.
    person = (
        get_session()
        .execute(select(Person).options(joinedload(Person.role_grants)).where(Person.id == person_id))
        .unique()
        .scalar_one_or_none()
    )
    if person is None or not person.is_active:
        return None
    if not hmac.compare_digest(person.session_token, token):
        return None
    person.signed_in_epoch = signed_in_epoch
    note_signed_in(person.id)
    return person


def start_session(person: Person, *, remember: bool) -> None:
    # A fresh session at every sign-in: nothing an attacker planted before it survives.
    session.clear()
    person.signed_in_epoch = int(time.time())
    login_user(person, remember=remember, fresh=True)
    note_signed_in(person.id)
    session.permanent = True
    session["sid"] = secrets.token_urlsafe(16)


def finish_session() -> None:
    logout_user()
    session.clear()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
