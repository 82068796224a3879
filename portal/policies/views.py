"""Reading and signing policies, status pages, receipts and the "as at" look-up.

Drafting and publishing are in library_views.py, on the same blueprint.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from portal.access import can, public, requires, signed_in, signed_in_as
from portal.audit.cache import VersionedCache, rendered_once
from portal.auth import service as sign_in
from portal.db import get_session, utcnow
from portal.downloads import pdf_download
from portal.forms import posted_id, refusal_shown_on
from portal.people.models import Person
from portal.people.service import find_by_email
from portal.policies import receipts, records, service, signing
from portal.policies.forms import AsAtForm, DeclineForm, SignForm, VerifyForm
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.policies.parsing import render_markdown
from portal.policies.status import as_at, statuses_for_people
from portal.policies.team import status_rows
from portal.ratelimit import PUBLIC_CHECKS, limiter

blueprint = Blueprint("policies", __name__, url_prefix="/policies")
# Each person's own policies, as the home page keeps their tasks: once per change.
_MINE: VersionedCache[Markup] = VersionedCache(size=5000)
receipts_blueprint = Blueprint("receipts", __name__, url_prefix="/receipts")


def request_details(version_id: int | None = None) -> signing.RequestDetails:
    """Evidence about the browser that made a record. First-viewed times live in the
    signed session cookie, so opening a policy never writes to the database."""
    return signing.RequestDetails(
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
        session_id=session.get("sid"),
        first_viewed_at=_first_view(version_id) if version_id else None,
    )


def _note_first_view(version: PolicyVersion) -> datetime:
    viewed: dict[str, str] = dict(session.get("policy_first_viewed", {}))
    key = str(version.id)
    if key not in viewed:
        viewed[key] = utcnow().isoformat()
        session["policy_first_viewed"] = viewed
    return datetime.fromisoformat(viewed[key])


def _first_view(version_id: int) -> datetime | None:
    seen = session.get("policy_first_viewed", {}).get(str(version_id))
    return datetime.fromisoformat(seen) if seen else None


@blueprint.get("")
@signed_in
def index() -> str:
    db, person = get_session(), signed_in_as(Person)
    html = rendered_once(
        _MINE,
        db,
        (person.id,),
        "policies/_mine.html",
        lambda: {"mine": statuses_for_people(db, [person])[person.id]},
    )
    policies = service.list_policies(db) if can(person, "manage_policies") else []
    return render_template("policies/index.html", mine_html=html, policies=policies)


@blueprint.get("/<slug>")
@signed_in
def show(slug: str) -> str:
    me = signed_in_as(Person)
    db = get_session()
    policy = service.get_policy(db, slug)
    version = service.current_version(policy)
    if version is None:
        abort(404)
    version = service.get_version(db, policy, version.id)
    mine = {s.policy.id: s for s in statuses_for_people(db, [me])[me.id]}.get(policy.id)
    if mine is not None and mine.status.needs_action:
        _note_first_view(version)
    receipt = None
    if mine is not None and mine.last_record is not None and mine.status == "current":
        receipt = receipts.receipt_for(db, mine.last_record.id)
    sign_form = SignForm(version_id=version.id)
    confirming = sign_in.on_page(session, me.id, "sign_policy", request.path, sign_form)
    return render_template(
        "policies/show.html",
        policy=policy,
        version=version,
        sections=[(s, render_markdown(s.body_markdown)) for s in version.sections],
        status=mine,
        receipt=receipt,
        form=sign_form,
        confirming=confirming,
        statement=signing.statement_for(db, me, policy, version),
    )


@blueprint.post("/<slug>/sign")
@signed_in
def sign(slug: str) -> str | Response:
    me = signed_in_as(Person)
    db = get_session()
    policy = service.get_policy(db, slug)
    form = SignForm(signer=me)
    confirming = sign_in.on_page(session, me.id, "sign_policy", url_for("policies.show", slug=slug), form)
    if form.validate_on_submit():
        version_id = posted_id(form.version_id.data) or 0
        with refusal_shown_on(form) as done:
            try:
                ack = signing.sign(
                    db,
                    me,
                    policy,
                    version_id=version_id,
                    password=confirming.password_from(form),
                    proof=confirming.proof,
                    typed_name=form.typed_name.data or "",
                    confirmed=bool(form.confirm.data),
                    request=request_details(version_id),
                )
            except (signing.AlreadySigned, IntegrityError):
                # The same form sent twice: the first submission was recorded, and only it.
                db.rollback()
                flash(f"You have signed the {policy.title}.", "success")
                return redirect(url_for("policies.show", slug=slug))
        if done:
            sign_in.discard_proof(session)
            flash(f"You have signed the {policy.title}. Your receipt is ready to download.", "success")
            return redirect(url_for("policies.signed", slug=slug, ack_id=ack.id))
    version = service.current_version(policy)
    if version is None:
        abort(404)
    version = service.get_version(db, policy, version.id)
    mine = {s.policy.id: s for s in statuses_for_people(db, [me])[me.id]}.get(policy.id)
    return render_template(
        "policies/show.html",
        policy=policy,
        version=version,
        status=mine,
        receipt=None,
        form=form,
        confirming=confirming,
        sections=[(s, render_markdown(s.body_markdown)) for s in version.sections],
        statement=signing.statement_for(db, me, policy, version),
    )


@blueprint.get("/<slug>/signed/<int:ack_id>")
@signed_in
def signed(slug: str, ack_id: int) -> str:
    db = get_session()
    policy = service.get_policy(db, slug)
    ack = records.get_acknowledgement(db, ack_id)
    if ack is None or ack.person_id != signed_in_as(Person).id:
        abort(404)
    return render_template(
        "policies/signed.html", policy=policy, ack=ack, receipt=receipts.receipt_for(db, ack.id)
    )


@blueprint.route("/<slug>/decline", methods=["GET", "POST"])
@signed_in
def decline(slug: str) -> str | Response:
    db = get_session()
    policy = service.get_policy(db, slug)
    version = service.current_version(policy)
    if version is None:
        abort(404)
    form = DeclineForm(version_id=version.id)
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            signing.decline(
                db,
                signed_in_as(Person),
                policy,
                version_id=posted_id(form.version_id.data) or 0,
                reason=form.reason.data or "",
                request=request_details(),
            )
        if done:
            flash(
                f"You have declined to sign the {policy.title}. The Town Clerk will be in touch.", "success"
            )
            return redirect(url_for("home.index"))
    return render_template("policies/decline.html", policy=policy, version=version, form=form)


def _can_see_receipt_of(ack: Acknowledgement) -> bool:
    me = signed_in_as(Person)
    return ack.person_id == me.id or can(me, "look_up_evidence")


@blueprint.get("/receipts/<int:ack_id>.pdf")
@signed_in
def receipt_pdf(ack_id: int) -> Response:
    db = get_session()
    ack = records.get_acknowledgement(db, ack_id)
    # Someone else's receipt is "not found" rather than "forbidden": ids are not a way in.
    if ack is None or not _can_see_receipt_of(ack):
        abort(404)
    receipt = receipts.receipt_for(db, ack.id)
    if receipt is None:
        abort(404)
    return pdf_download(receipt.pdf, f"receipt-{receipt.code}.pdf")


_STATUS_TABLES: VersionedCache[Markup] = VersionedCache(size=256)


@blueprint.get("/status")
@requires("view_policy_status")
def status() -> str:
    me = signed_in_as(Person)
    db = get_session()
    everyone = can(me, "view_everyones_policy_status")
    filters = {key: request.args.get(key, "") for key in ("department", "status", "q")}
    page = request.args.get("page", 1, type=int)
    table = status_rows(
        db,
        manager=None if everyone else me,
        department_id=request.args.get("department", type=int),
        only=filters["status"],
        search=filters["q"],
        page=page,
    )
    may_withdraw = can(me, "record_acknowledgement")
    # 50 rows × every policy is most of the page's work: rendered once per scope, filter
    # and change in the portal, as the table itself is worked out (portal.audit.cache).
    scope = None if everyone else me.id
    html = rendered_once(
        _STATUS_TABLES,
        db,
        (scope, *filters.values(), table.page.page, may_withdraw),
        "policies/_status_table.html",
        lambda: {"table": table, "filters": filters, "may_withdraw": may_withdraw},
    )
    return render_template(
        "policies/status.html", table=table, everyone=everyone, filters=filters, table_html=html
    )


@blueprint.get("/as-at")
@requires("look_up_evidence")
def look_up() -> str:
    db = get_session()
    form = AsAtForm(request.args)
    form.policy.choices = [SelectChoice(p.slug, p.title) for p in service.list_policies(db)]
    evidence = None
    if request.args and form.validate():
        person = find_by_email(db, form.person_email.data or "")
        if person is None:
            form.person_email.errors = ["There is nobody with that email address"]
        else:
            assert form.on.data is not None
            evidence = as_at(db, person, service.get_policy(db, form.policy.data), form.on.data)
    return render_template("policies/as_at.html", form=form, evidence=evidence, submitted=bool(request.args))


@receipts_blueprint.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(PUBLIC_CHECKS)  # by code and by upload alike: both would answer a guess
def verify() -> str:
    g.personal_data = True
    db = get_session()
    form = VerifyForm()
    result = None
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
        result = receipts.check_code(db, request.args["code"])
    elif form.validate_on_submit():
        upload = form.receipt.data
        if upload and getattr(upload, "filename", ""):
            result = receipts.check_pdf(db, upload.read())
        elif form.code.data:
            result = receipts.check_code(db, form.code.data)
        else:
            form.code.errors = ["Enter the verification code or choose the receipt PDF"]
    return render_template("policies/verify.html", form=form, result=result)
