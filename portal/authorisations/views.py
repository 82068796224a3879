from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from portal.access import can, public, requires, signed_in, signed_in_as
from portal.audit.cache import VersionedCache, rendered_once
from portal.auth import service as sign_in
from portal.authorisations import service
from portal.authorisations.forms import BasisForm, ChannelForm, IssueForm, ReasonForm, RequestForm, RevokeForm
from portal.authorisations.models import AuthorisationRequest
from portal.clock import today
from portal.db import get_session
from portal.downloads import csv_download, csv_text, pdf_download
from portal.forms import posted_id, refusal_shown_on
from portal.people.models import Person
from portal.ratelimit import PUBLIC_CHECKS, limiter

blueprint = Blueprint("authorisations", __name__, url_prefix="/authorisations")
verify_blueprint = Blueprint("verify", __name__)


@blueprint.context_processor
def _status_helpers() -> dict[str, object]:
    # Every page about a request tells an issued one whose term has not begun.
    return {"starts_later": service.starts_later}


_REGISTER_PAGES: VersionedCache[Markup] = VersionedCache(size=64)


def _search() -> str:
    return request.args.get("q", "")[:100]


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@blueprint.get("")
@signed_in
def index() -> str:
    search, page, db = _search(), _page(), get_session()
    filters = {"q": search} if search else {}
    # The same for everyone: loading 50 authorisations with their people and channels is
    # most of the page's work, so the table is rendered once per search, page and change.
    html = rendered_once(
        _REGISTER_PAGES,
        db,
        (search, page),
        "authorisations/_register.html",
        lambda: {
            "page": service.register_page(db, search=search, page=page),
            "filters": filters,
            "search": search,
        },
    )
    return render_template("authorisations/index.html", register_html=html, search=search)


@blueprint.get("/requests")
@signed_in
def requests() -> str:
    search, status = _search(), request.args.get("status", "")
    if status not in service.REQUEST_STATUSES:
        status = ""
    return render_template(
        "authorisations/requests.html",
        page=service.requests_page(
            get_session(), signed_in_as(Person), search=search, status=status, page=_page()
        ),
        filters={key: value for key, value in (("q", search), ("status", status)) if value},
        search=search,
        status=status,
        statuses=service.REQUEST_STATUSES,
        status_of=service.status_of,
    )


@blueprint.get("/register.csv")
@signed_in
def register_csv() -> Response:
    # Everything the page's search selects, on every page. Names, channel labels and
    # scopes are typed by staff: csv_text defuses formulas.
    rows: list[list[object]] = [
        [
            item.issued_reference,
            item.person.name,
            "; ".join(c.label for c in item.channels),
            item.scope,
            item.starts_on.isoformat(),
            item.ends_on.isoformat(),
        ]
        for item in service.register(get_session(), search=_search())
    ]
    header = ["reference", "person", "channels", "may publish", "from", "until"]
    return csv_download(csv_text(header, rows), "posting-authorisations.csv")


def _request_form(renews: AuthorisationRequest | None, search: str) -> tuple[RequestForm, service.Choosable]:
    db = get_session()
    form = RequestForm()
    form.channels.choices = [SelectChoice(str(c.id), c.label) for c in service.active_channels(db)]
    if renews is not None:  # a renewal is for the same person
        choosable = service.Choosable([renews.person], 1, everyone=False)
    else:
        chosen = posted_id(form.person.data) if request.method == "POST" else None
        choosable = service.people_to_choose(db, signed_in_as(Person), search=search, chosen_id=chosen)
    form.person.choices = [SelectChoice("", "Choose the person")] + [
        SelectChoice(str(p.id), p.name) for p in choosable.people
    ]
    return form, choosable


@blueprint.route("/new", methods=["GET", "POST"])
@requires("request_posting_authorisation")
def new() -> str | WerkzeugResponse:
    me = signed_in_as(Person)
    renews = _renewal_of(request.values.get("renews", type=int))
    search = _search()
    form, choosable = _request_form(renews, search)
    if request.method == "GET" and renews is not None:
        # A renewal starts from the old terms; whoever asks can change them.
        form.person.data = str(renews.person_id)
        form.channels.data = [str(c.id) for c in renews.channels]
        form.scope.data, form.conditions.data = renews.scope, renews.conditions
        form.justification.data = renews.justification
        form.starts_on.data = max(renews.ends_on + timedelta(days=1), today())
    if request.method == "POST" and any(
        value not in {c.value for c in form.channels.choices} for value in request.form.getlist("channels")
    ):
        abort(400)  # a channel that is not in the register: not something the page offered
    existing = None
    if form.validate_on_submit():
        db = get_session()
        assert form.starts_on.data and form.ends_on.data
        with refusal_shown_on(form) as done:
            person = service.person_chosen(db, me, posted_id(form.person.data))
            details = service.RequestDetails(
                person=person,
                channel_ids=[int(v) for v in form.channels.data or []],
                scope=form.scope.data or "",
                conditions=form.conditions.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                justification=form.justification.data or "",
                renews_id=renews.id if renews else None,
            )
            try:
                created = service.request_authorisation(db, me, details)
            except service.UnknownChannel:
                abort(400)
        if done:
            told = service.deciders(db, created)
            decides = can(me, "issue_posting_authorisation")
            flash(service.request_sent(created, told, requester_decides=decides), "success")
            return redirect(url_for("authorisations.show", request_id=created.id))
        if isinstance(done.refusal, service.AlreadyAuthorised) and service.may_see(me, done.refusal.existing):
            existing = done.refusal.existing
    return render_template(
        "authorisations/new.html",
        form=form,
        renews=renews,
        choosable=choosable,
        search=search,
        existing=existing,
    )


def _renewal_of(request_id: int | None) -> AuthorisationRequest | None:
    if request_id is None:
        return None
    old = _visible(request_id)
    if old.issue is None:
        abort(404)  # only an authorisation that was issued can be renewed
    return old


def _visible(request_id: int) -> AuthorisationRequest:
    found = service.get_request(get_session(), request_id)
    if not service.may_see(signed_in_as(Person), found):
        abort(404)  # someone else's authorisation is simply not there
    return found


def _confirming(found: AuthorisationRequest, purpose: str, form: IssueForm | RevokeForm) -> sign_in.OnPage:
    """The signatory confirms who they are on the request's own page (auth.confirmation)."""
    page = url_for("authorisations.show", request_id=found.id)
    return sign_in.on_page(session, signed_in_as(Person).id, purpose, page, form)


def _show(
    found: AuthorisationRequest,
    *,
    issue_form: IssueForm | None = None,
    reason_form: ReasonForm | None = None,
    missing: list[str] | None = None,
    unmet: bool = False,
) -> str:
    status = service.status_of(found)
    issue_form = issue_form or IssueForm()
    reason_form = reason_form or (RevokeForm() if status == "issued" else ReasonForm())
    may_issue = status == "requested" and can(signed_in_as(Person), "issue_posting_authorisation")
    if missing is None:
        missing = service.missing_preconditions(get_session(), found.person) if may_issue else []
    confirming = None
    if may_issue:
        confirming = _confirming(found, "issue_authorisation", issue_form)
    elif isinstance(reason_form, RevokeForm):
        confirming = _confirming(found, "revoke_authorisation", reason_form)
    return render_template(
        "authorisations/show.html",
        item=found,
        status=status,
        missing=missing,
        issue_form=issue_form,
        reason_form=reason_form,
        confirming=confirming,
        unmet=unmet,
    )


@blueprint.get("/<int:request_id>")
@signed_in
def show(request_id: int) -> str:
    return _show(_visible(request_id))


@blueprint.post("/<int:request_id>/issue")
@requires("issue_posting_authorisation")
def issue(request_id: int) -> str | WerkzeugResponse:
    db = get_session()
    found = service.get_request(db, request_id)
    form = IssueForm()
    confirming = _confirming(found, "issue_authorisation", form)
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            try:
                issued = service.issue(
                    db,
                    signed_in_as(Person),
                    found,
                    password=confirming.password_from(form),
                    proof=confirming.proof,
                    typed_name=form.typed_name.data or "",
                    ip_address=request.remote_addr,
                )
            except service.PreconditionsUnmet as unmet:
                # Not one message for the form but a list of what is missing, on the page.
                return _show(found, issue_form=form, missing=unmet.missing, unmet=True)
        if done:
            sign_in.discard_proof(session)
            flash(f"Authorisation {issued.reference} has been issued and emailed.", "success")
            return redirect(url_for("authorisations.show", request_id=found.id))
    return _show(found, issue_form=form)


@blueprint.post("/<int:request_id>/decline")
@requires("issue_posting_authorisation")
def decline(request_id: int) -> str | WerkzeugResponse:
    db = get_session()
    found = service.get_request(db, request_id)
    form = ReasonForm()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            service.decline(db, signed_in_as(Person), found, form.reason.data or "")
        if done:
            flash("The request has been declined.", "success")
            return redirect(url_for("authorisations.show", request_id=found.id))
    return _show(found, reason_form=form, missing=[])


@blueprint.post("/<int:request_id>/revoke")
@requires("revoke_posting_authorisation")
def revoke(request_id: int) -> str | WerkzeugResponse:
    db = get_session()
    found = service.get_request(db, request_id)
    form = RevokeForm()
    confirming = _confirming(found, "revoke_authorisation", form)
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            service.revoke(
                db,
                signed_in_as(Person),
                found,
                form.reason.data or "",
                password=confirming.password_from(form),
                proof=confirming.proof,
            )
        if done:
            sign_in.discard_proof(session)
            flash("The authorisation has been revoked. It ended at once.", "success")
            return redirect(url_for("authorisations.show", request_id=found.id))
    return _show(found, reason_form=form, missing=[])


@blueprint.get("/<int:request_id>/letter.pdf")
@signed_in
def letter(request_id: int) -> Response:
    found = _visible(request_id)
    if found.issue is None:
        abort(404)
    return pdf_download(found.issue.letter_pdf, f"{found.issue.reference}.pdf")


@blueprint.route("/channels", methods=["GET", "POST"])
@requires("manage_channels")
def channels() -> str | WerkzeugResponse:
    db = get_session()
    form = ChannelForm()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            added = service.add_channel(
                db,
                signed_in_as(Person),
                platform=form.platform.data,
                name=form.name.data or "",
                url=form.url.data or "",
                basis=form.basis.data or "",
            )
        if done:
            flash(f"{added.label} has been added to the register.", "success")
            return redirect(url_for("authorisations.channels"))
    return render_template(
        "authorisations/channels.html",
        form=form,
        channels=service.all_channels(db),
        moderators=service.moderators_by_channel(db),
    )


@blueprint.route("/channels/<int:channel_id>/basis", methods=["GET", "POST"])
@requires("manage_channels")
def channel_basis(channel_id: int) -> str | WerkzeugResponse:
    db = get_session()
    channel = service.get_channel(db, channel_id)
    if not channel.basis_may_be_recorded:
        abort(404)  # a business case's channel: its case is its basis, nothing to record
    form = BasisForm()
    if request.method == "GET" and not channel.needs_basis:
        form.basis.data = channel.basis
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            service.record_basis(db, signed_in_as(Person), channel, form.basis.data or "")
        if done:
            flash(f"The council's decision for {channel.label} has been recorded.", "success")
            return redirect(url_for("authorisations.channels"))
    return render_template("authorisations/channel_basis.html", form=form, channel=channel)


@blueprint.post("/channels/<int:channel_id>/retire")
@requires("manage_channels")
def retire_channel(channel_id: int) -> WerkzeugResponse:
    db = get_session()
    channel = service.get_channel(db, channel_id)  # an unknown one is "Page not found"
    service.retire_channel(db, signed_in_as(Person), channel)
    flash(f"{channel.label} has been retired.", "success")
    return redirect(url_for("authorisations.channels"))


@verify_blueprint.get("/verify/<code>")
@public
@limiter.limit(PUBLIC_CHECKS)
def verify(code: str) -> str:
    g.personal_data = True
    found = service.public_check(get_session(), code)
    # An unknown code gets the same page as any other, so codes cannot be probed.
    status = found.status if found else "unknown"
    return render_template("authorisations/verify.html", item=found, status=status)
