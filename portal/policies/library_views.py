"""Managing the policy library: policies, drafts, previews, comparisons, publishing,
and the Clerk's ways of recording a signature for someone else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal.access import requires, signed_in_as
from portal.auth import service as sign_in
from portal.clock import today
from portal.db import get_session
from portal.errors import DomainError
from portal.forms import ActionForm, refusal_flashed, refusal_shown_on
from portal.people.models import Person, Role
from portal.people.service import person_named_in_form
from portal.policies import clerk_records, service, word
from portal.policies.compare import compare_scopes, compare_versions
from portal.policies.forms import CompareForm, OnBehalfForm, PaperForm, PolicyForm, VersionForm, WithdrawForm
from portal.policies.models import ChangeKind, Policy, PolicyVersion
from portal.policies.parsing import render_markdown
from portal.policies.views import blueprint, request_details


def _version_details(form: VersionForm) -> service.VersionDetails:
    assert form.effective_date.data and form.review_due.data
    return service.VersionDetails(
        label=form.label.data or "",
        effective_date=form.effective_date.data,
        body=form.body.data or "",
        change_kind=ChangeKind(form.change_kind.data),
        change_summary=form.change_summary.data or "",
        adopted_minute=form.adopted_minute.data or "",
        review_due=form.review_due.data,
        scope=service.Scope.of(form.engagements.data or [], form.roles.data or []),
    )


def _document_text(form: VersionForm, details: service.VersionDetails) -> word.ImportedText | None:
    """An uploaded file's text, in place of the text box's, when the Clerk chose one."""
    upload = form.document.data
    if not form.has_document():
        return None
    imported = word.policy_text_from_file(upload.filename or "", upload.read())
    details.body = imported.markdown
    return imported


def _say_what_the_import_lost(imported: word.ImportedText | None) -> None:
    """Shown on the preview the Clerk lands on: headings that lost their numbers, and so on."""
    for note in imported.notes() if imported else []:
        flash(note + ".", "info")


def _version_form_page(policy: Policy, form: VersionForm, version: PolicyVersion | None) -> str:
    largest = word.largest_upload(current_app.config.get("MAX_CONTENT_LENGTH"))
    return render_template(
        "policies/version_form.html",
        policy=policy,
        form=form,
        version=version,
        max_upload_mb=f"{largest / (1024 * 1024):.1f}".removesuffix(".0"),
    )


def _show_scope(form: VersionForm, scope: service.Scope) -> None:
    """Tick the boxes for whom a version binds, on a form not yet sent."""
    form.engagements.data = [e.value for e in scope.engagements]
    form.roles.data = [r.value for r in scope.roles]


@blueprint.route("/new", methods=["GET", "POST"])
@requires("manage_policies")
def new_policy() -> str | Response:
    form = PolicyForm()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            policy = service.create_policy(
                get_session(),
                signed_in_as(Person),
                service.PolicyDetails(
                    slug=form.slug.data or "",
                    title=form.title.data or "",
                    owner_role=Role(form.owner_role.data),
                ),
            )
        if done:
            flash(f"The {policy.title} has been added. Draft its first version.", "success")
            return redirect(url_for("policies.new_version", slug=policy.slug))
    return render_template("policies/policy_form.html", form=form)


@blueprint.get("/<slug>/versions")
@requires("manage_policies")
def versions(slug: str) -> str:
    policy = service.get_policy(get_session(), slug)
    ordered = sorted(policy.versions, key=lambda v: v.id, reverse=True)
    return render_template(
        "policies/versions.html",
        policy=policy,
        versions=ordered,
        scopes={v.id: service.Scope.of_version(v) for v in ordered},
        current=service.current_version(policy),
        review_due=bool(service.reviews_due([policy], today())),
        action_form=ActionForm(),
        compare_form=CompareForm(),
    )


@blueprint.route("/<slug>/versions/new", methods=["GET", "POST"])
@requires("manage_policies")
def new_version(slug: str) -> str | Response:
    db = get_session()
    policy = service.get_policy(db, slug)
    form = VersionForm()
    current = service.current_version(policy)
    if request.method == "GET":
        today = date.today()
        form.effective_date.data = today
        form.review_due.data = date(today.year + 1, today.month, min(today.day, 28))
        if current is not None:
            form.body.data = current.body_markdown
        _show_scope(form, service.scope_for_next_draft(policy))
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            details = _version_details(form)
            imported = _document_text(form, details)
            with word.blame_the_file(imported):
                version = service.draft_version(db, signed_in_as(Person), policy, details)
        if done:
            flash("The draft has been saved. Check the preview before publishing.", "success")
            _say_what_the_import_lost(imported)
            return redirect(url_for("policies.preview", slug=slug, version_id=version.id))
    return _version_form_page(policy, form, None)


@blueprint.get("/<slug>/versions/<int:version_id>")
@requires("manage_policies")
def preview(slug: str, version_id: int) -> str:
    db = get_session()
    policy = service.get_policy(db, slug)
    version = service.get_version(db, policy, version_id)
    current = service.current_version(policy)
    return render_template(
        "policies/preview.html",
        policy=policy,
        version=version,
        scope=service.Scope.of_version(version),
        # A draft shows how whom it binds differs from the version it would replace.
        scope_change=compare_scopes(current, version) if version.is_draft and current else None,
        current=current,
        action_form=ActionForm(),
        sections=[(s, render_markdown(s.body_markdown)) for s in version.sections],
    )


@blueprint.route("/<slug>/versions/<int:version_id>/edit", methods=["GET", "POST"])
@requires("manage_policies")
def edit_version(slug: str, version_id: int) -> str | Response:
    db = get_session()
    policy = service.get_policy(db, slug)
    version = service.get_version(db, policy, version_id)
    if not version.is_draft:
        flash("A published or archived version cannot be changed. Draft a new version instead.", "info")
        return redirect(url_for("policies.preview", slug=slug, version_id=version.id))
    form = VersionForm(obj=version if request.method == "GET" else None)
    if request.method == "GET":
        form.body.data = version.body_markdown
        _show_scope(form, service.Scope.of_version(version))
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            details = _version_details(form)
            imported = _document_text(form, details)
            with word.blame_the_file(imported):
                service.update_draft(db, signed_in_as(Person), policy, version, details)
        if done:
            flash("The draft has been saved.", "success")
            _say_what_the_import_lost(imported)
            return redirect(url_for("policies.preview", slug=slug, version_id=version.id))
    return _version_form_page(policy, form, version)


def _version_action(slug: str, version_id: int) -> tuple[Policy, PolicyVersion]:
    db = get_session()
    policy = service.get_policy(db, slug)
    version = service.get_version(db, policy, version_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return policy, version


# Publishing or archiving a version: what `_change_version` runs.
VersionChange = Callable[[Session, Person, Policy, PolicyVersion], object]


def _change_version(slug: str, version_id: int, change: VersionChange, said: str) -> Response:
    """Publish or archive: run the change, say what happened, back to the versions list."""
    policy, version = _version_action(slug, version_id)
    with refusal_flashed() as done:
        change(get_session(), signed_in_as(Person), policy, version)
    if done:
        flash(said.format(label=version.label, title=policy.title), "success")
    return redirect(url_for("policies.versions", slug=slug))


@blueprint.post("/<slug>/versions/<int:version_id>/publish")
@requires("publish_policy_version")
def publish(slug: str, version_id: int) -> Response:
    return _change_version(
        slug,
        version_id,
        service.publish_and_announce,
        "Version {label} of the {title} is published. Everyone who must sign it is emailed.",
    )


@blueprint.post("/<slug>/versions/<int:version_id>/archive")
@requires("manage_policies")
def archive(slug: str, version_id: int) -> Response:
    return _change_version(slug, version_id, service.archive_version, "Version {label} has been archived.")


@blueprint.get("/<slug>/compare")
@requires("manage_policies")
def compare(slug: str) -> str:
    db = get_session()
    policy = service.get_policy(db, slug)
    form = CompareForm(request.args)
    if not form.validate() or not form.older.data or not form.newer.data:
        abort(404)
    older = service.get_version(db, policy, form.older.data)
    newer = service.get_version(db, policy, form.newer.data)
    return render_template(
        "policies/compare.html",
        policy=policy,
        older=older,
        newer=newer,
        changes=compare_versions(older, newer),
        scope_change=compare_scopes(older, newer),
    )


@blueprint.route("/<slug>/on-behalf", methods=["GET", "POST"])
@requires("record_acknowledgement")
def on_behalf(slug: str) -> str | Response:
    db = get_session()
    policy = service.get_policy(db, slug)
    form = OnBehalfForm()
    confirming = sign_in.on_page(session, signed_in_as(Person).id, "sign_on_behalf", request.path, form)
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            ack = clerk_records.sign_on_behalf(
                db,
                signed_in_as(Person),
                person_named_in_form(db, form.person_email.data or ""),
                policy,
                clerk_password=confirming.password_from(form),
                proof=confirming.proof,
                reason=form.reason.data or "",
                request=request_details(),
            )
        if done:
            sign_in.discard_proof(session)
            flash(f"The signature of {ack.person_name} has been recorded.", "success")
            return redirect(url_for("policies.status"))
    return render_template("policies/on_behalf.html", policy=policy, form=form, confirming=confirming)


@blueprint.route("/<slug>/paper", methods=["GET", "POST"])
@requires("record_acknowledgement")
def paper(slug: str) -> str | Response:
    db = get_session()
    policy = service.get_policy(db, slug)
    form = PaperForm()
    confirming = sign_in.on_page(session, signed_in_as(Person).id, "record_paper", request.path, form)
    if form.validate_on_submit():
        upload = form.scan.data
        with refusal_shown_on(form) as done:
            if upload is None or not getattr(upload, "filename", ""):
                raise DomainError("Choose the scan of the signed paper form", field="scan")
            ack = clerk_records.record_paper(
                db,
                signed_in_as(Person),
                person_named_in_form(db, form.person_email.data or ""),
                policy,
                clerk_password=confirming.password_from(form),
                proof=confirming.proof,
                witness_name=form.witness_name.data or "",
                signed_on=str(form.signed_on.data),
                scan_name=upload.filename or "scan",  # a label only: scans.py makes it safe
                scan=upload.read(),
                request=request_details(),
            )
        if done:
            sign_in.discard_proof(session)
            flash(f"The paper acknowledgement of {ack.person_name} has been recorded.", "success")
            return redirect(url_for("policies.status"))
    return render_template("policies/paper.html", policy=policy, form=form, confirming=confirming)


@blueprint.route("/acknowledgements/<int:ack_id>/withdraw", methods=["GET", "POST"])
@requires("record_acknowledgement")
def withdraw(ack_id: int) -> str | Response:
    db = get_session()
    ack, policy = clerk_records.signature_to_withdraw(db, ack_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            clerk_records.withdraw(
                db,
                signed_in_as(Person),
                ack,
                policy,
                reason=form.reason.data or "",
                request=request_details(),
            )
        if done:
            flash(
                f"The signature of {ack.person_name} has been withdrawn. They will be asked to sign again.",
                "success",
            )
            return redirect(url_for("policies.status"))
    return render_template("policies/withdraw.html", policy=policy, ack=ack, form=form)
