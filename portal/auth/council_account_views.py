"""Signing in, and confirming who you are, with the council's Microsoft 365 account.

The provider sends the browser back with a GET. That page changes nothing: it hands
the answer to a same-site POST (sent by the page itself, or by its button without
JavaScript), which checks it and signs the person in under the usual CSRF token. The
answer cannot be POSTed by the provider (`response_mode=form_post`): the session cookie
is SameSite=Lax, so a cross-site POST would arrive without the pending login.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import public, requires, signed_in, signed_in_as
from portal.config import Settings
from portal.db import get_session
from portal.errors import DomainError
from portal.forms import ActionForm, refusal_flashed
from portal.people.models import Person

from . import confirmation, oidc, single_sign_on
from .sessions import start_session
from .views import blueprint, safe_next

_PENDING = "oidc_pending"
_ANSWER_FIELDS = ("code", "state", "iss", "error")


def _settings() -> Settings:
    settings: Settings = current_app.config["PORTAL_SETTINGS"]
    if not settings.single_sign_on:
        abort(404)  # nothing to see where single sign-on is not set up
    return settings


def _redirect_uri(settings: Settings) -> str:
    # From PORTAL_BASE_URL, never the request's Host header: it is registered with the provider.
    return settings.base_url + url_for("auth.council_account_callback")


def _go_to_provider(purpose: str, next_path: str | None) -> Response:
    settings = _settings()
    try:
        url, pending = oidc.begin(settings, _redirect_uri(settings), purpose=purpose, next_path=next_path)
    except oidc.SignInNotCompleted as refused:
        flash(refused.message, "error")
        return redirect(next_path or url_for("auth.sign_in"))
    session[_PENDING] = pending.to_session()
    return redirect(url)


@blueprint.post("/sign-in/council")
@public
def council_account_sign_in() -> Response:
    _settings()
    if not ActionForm().validate_on_submit():
        abort(400)
    return _go_to_provider("sign_in", safe_next(request.args.get("next")))


@blueprint.post("/confirm-it-is-you")
@signed_in
def confirm_it_is_you() -> Response:
    """The button on an act's page (auth.confirmation): off to the provider to log in again."""
    _settings()
    if not ActionForm().validate_on_submit():
        abort(400)
    purpose = request.form.get("purpose", "")
    next_path = safe_next(request.form.get("next"))
    if purpose not in confirmation.PURPOSES or next_path is None:
        abort(400)
    confirmation.keep_typed(session, next_path, {k: v for k, v in request.form.items()})
    return _go_to_provider(purpose, next_path)


@blueprint.get("/sign-in/council/callback")
@public
def council_account_callback() -> str:
    """The provider's answer, handed on to the POST below without being acted on."""
    _settings()
    answer = {name: request.args.get(name, "")[:2000] for name in _ANSWER_FIELDS if name in request.args}
    return render_template("auth/council_account_return.html", answer=answer, form=ActionForm())


@blueprint.post("/sign-in/council/callback")
@public
def council_account_finish() -> str | Response:
    settings = _settings()
    pending = oidc.Pending.from_session(session.pop(_PENDING, None))
    db = get_session()
    me = signed_in_as(Person) if current_user.is_authenticated else None
    if not ActionForm().validate_on_submit() or pending is None:
        single_sign_on.not_completed(db, me, pending.purpose if pending else "sign_in", "state")
        return _not_signed_in("This sign-in has expired or was already used. Start again")
    answer = {name: request.form.get(name, "") for name in _ANSWER_FIELDS if name in request.form}
    try:
        identity = oidc.finish(settings, _redirect_uri(settings), pending, answer)
    except oidc.SignInNotCompleted as refused:
        single_sign_on.not_completed(db, me, pending.purpose, refused.reason)
        return _not_signed_in(refused.message, pending)
    if pending.purpose != "sign_in":
        return _confirmed(identity, pending)
    try:
        person = single_sign_on.sign_in(db, identity)
    except single_sign_on.CouncilAccountRefused as refused:
        return _not_signed_in(refused.message)
    start_session(person, remember=False)
    confirmation.note_signed_in_with(session, confirmation.COUNCIL_ACCOUNT)
    return redirect(safe_next(pending.next_path) or url_for("home.index"))


def _confirmed(identity: oidc.Identity, pending: oidc.Pending) -> Response:
    if not current_user.is_authenticated or pending.next_path is None:
        abort(403)  # a confirmation belongs to a signed-in session; this one has ended
    me = signed_in_as(Person)
    with refusal_flashed("error") as done:
        proof = single_sign_on.confirm(get_session(), me, identity, pending, pending.next_path)
    if done:
        confirmation.keep_proof(session, proof)
        flash("You have confirmed it is you. Check the details and finish below.", "success")
    return redirect(pending.next_path)


def _not_signed_in(message: str, pending: oidc.Pending | None = None) -> str | Response:
    if (
        pending is not None
        and pending.purpose != "sign_in"
        and pending.next_path
        and current_user.is_authenticated
    ):
        flash(message, "error")
        return redirect(pending.next_path)
    # 200, not 403: the request's transaction is kept only below 400, and the refusal's
    # audit event must be (portal.db, commit_request).
    return render_template("auth/council_account_refused.html", message=message)


@blueprint.route("/sign-in/settings", methods=["GET", "POST"])
@requires("manage_sign_in")
def sign_in_settings() -> str | Response:
    """The Town Clerk's page: is single sign-on set up, and must council addresses use it."""
    settings: Settings = current_app.config["PORTAL_SETTINGS"]
    db = get_session()
    form = ActionForm()
    if form.validate_on_submit():
        required = request.form.get("required") == "yes"
        try:
            single_sign_on.set_council_account_required(db, signed_in_as(Person), required)
        except DomainError as refused:
            flash(refused.message, "error")
        else:
            flash(
                "People with a council email address must now sign in with their council account."
                if required
                else "Everyone can sign in with a password again.",
                "success",
            )
        return redirect(url_for("auth.sign_in_settings"))
    return render_template(
        "auth/sign_in_settings.html",
        form=form,
        configured=settings.single_sign_on,
        issuer=settings.oidc_issuer,
        domains=sorted(settings.oidc_domains()),
        required=single_sign_on.council_account_required(db),
        linked=single_sign_on.linked_people(db),
    )
