from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import public, signed_in, signed_in_as
from portal.auth import confirmation, oidc, service
from portal.auth.forms import ChangePasswordForm, SetPasswordForm, SignInForm
from portal.auth.sessions import finish_session, start_session
from portal.db import get_session
from portal.forms import ActionForm, refusal_shown_on
from portal.people.models import Person

blueprint = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        # A refused attempt is kept (committed) on purpose: it counts towards throttling.
        with refusal_shown_on(form) as done:
            person = service.authenticate(
                get_session(), form.email.data or "", form.password.data or "", ip_address=request.remote_addr
            )
        if done:
            start_session(person, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template(
        "auth/sign_in.html",
        form=form,
        council_account=ActionForm(),
        single_sign_on=current_app.config["PORTAL_SETTINGS"].single_sign_on,
        end_session=_end_session(),
    )


def _end_session() -> str | None:
    """After a council-account session: the provider's own sign-out, where it publishes one
    (OpenID Connect RP-Initiated Logout 1.0), so a shared computer is not left signed in."""
    settings = current_app.config["PORTAL_SETTINGS"]
    if request.args.get("signed_out") != "council" or not settings.single_sign_on:
        return None
    try:
        endpoint = oidc.provider(settings).end_session_endpoint
    except oidc.SignInNotCompleted:
        return None
    if not endpoint:
        return None
    back = settings.base_url + url_for("auth.sign_in")
    query = urlencode({"client_id": settings.oidc_client_id, "post_logout_redirect_uri": back})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


@blueprint.post("/sign-out")
@signed_in
def sign_out() -> Response:
    service.record_sign_out(get_session(), signed_in_as(Person))
    council_account = confirmation.signed_in_with(session) == confirmation.COUNCIL_ACCOUNT
    finish_session()
    flash("You have signed out.", "success")
    # The provider may still remember the person: the sign-in page offers its sign-out.
    if council_account:
        return redirect(url_for("auth.sign_in", signed_out="council"))
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str) -> str | tuple[str, int] | Response:
    g.personal_data = True  # the page names the person: keep it out of caches
    found = service.usable_token(get_session(), token)
    if found is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            person = service.redeem_password_token(
                get_session(), token, form.password.data or "", form.confirm_password.data or ""
            )
        if done:
            finish_session()
            start_session(person, remember=False)
            flash("Your password has been set. You are now signed in.", "success")
            return redirect(url_for("home.index"))
    return render_template(
        "auth/set_password.html", form=form, person=found.person, purpose=found.token.purpose
    )


@blueprint.route("/account", methods=["GET", "POST"])
@signed_in
def account() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = signed_in_as(Person)
        with refusal_shown_on(form) as done:
            service.change_password(
                get_session(),
                person,
                form.current_password.data or "",
                form.password.data or "",
                form.confirm_password.data or "",
            )
        if done:
            # Every other device is now signed out; this one starts a new session.
            start_session(person, remember=False)
            flash(
                "Your password has been changed. You have been signed out on every other device.", "success"
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
