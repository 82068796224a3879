from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms.fields.choices import SelectChoice

from portal.access import can, requires, signed_in, signed_in_as
from portal.audit.cache import VersionedCache, rendered_once
from portal.db import get_session
from portal.downloads import csv_download
from portal.forms import ActionForm, refusal_flashed, refusal_shown_on
from portal.people.models import Person
from portal.people.service import person_named_in_form
from portal.training import analysis, attempts, programme
from portal.training.clauses import cited_clauses
from portal.training.feedback import feedback_for, question_parts, topic_name
from portal.training.forms import AssignForm, OverrideForm
from portal.training.models import Attempt, AttemptQuestion
from portal.training.progress import progress_table

blueprint = Blueprint("training", __name__, url_prefix="/training")
# Each person's own quizzes, as the home page keeps their tasks: once per change.
_MINE: VersionedCache[Markup] = VersionedCache(size=5000)


@blueprint.get("")
@signed_in
def index() -> str:
    db, person = get_session(), signed_in_as(Person)
    html = rendered_once(
        _MINE,
        db,
        (person.id,),
        "training/_mine.html",
        lambda: {"mine": programme.statuses_for(db, [person])[person.id]},
    )
    return render_template("training/index.html", mine_html=html)


@blueprint.get("/quizzes/<key>")
@signed_in
def quiz(key: str) -> str:
    me = signed_in_as(Person)
    db = get_session()
    found = attempts.get_quiz(db, key)
    if not attempts.is_open_to(db, found, me):
        abort(403)
    state = attempts.standing(db, me, found)
    return render_template(
        "training/quiz.html",
        quiz=found,
        state=state,
        form=ActionForm(),
        remedial=[topic_name(t) for t in state.remedial_topics],
    )


@blueprint.post("/quizzes/<key>/start")
@signed_in
def start(key: str) -> WerkzeugResponse:
    db = get_session()
    found = attempts.get_quiz(db, key)
    if not ActionForm().validate_on_submit():
        abort(400)
    with refusal_flashed() as done:
        try:
            attempt = attempts.start_attempt(db, signed_in_as(Person), found)
        except attempts.NotOpen:
            abort(403)
    if not done:
        return redirect(url_for("training.quiz", key=key))
    return redirect(url_for("training.question", attempt_id=attempt.id, position=_next_position(attempt)))


def _next_position(attempt: Attempt) -> int:
    unanswered = [q.position for q in attempt.questions if not attempts.is_answered(q)]
    return unanswered[0] if unanswered else 0


@blueprint.route("/attempts/<int:attempt_id>/questions/<int:position>", methods=["GET", "POST"])
@signed_in
def question(attempt_id: int, position: int) -> str | WerkzeugResponse:
    me = signed_in_as(Person)
    db = get_session()
    if request.method == "POST":  # answering needs the whole attempt, to go on to the next
        attempt = attempts.get_attempt(db, attempt_id, me)
        item = next((q for q in attempt.questions if q.position == position), None)
        total = len(attempt.questions)
    else:
        shown = attempts.one_question(db, attempt_id, me, position)
        attempt, item, total = shown.attempt, shown.item, shown.total
    if attempt.status == "submitted":
        flash("This attempt has been submitted. Here is your result.", "info")
        return redirect(url_for("training.result", attempt_id=attempt.id))
    if item is None:
        abort(404)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        with refusal_shown_on(form) as done:
            try:
                attempts.save_answer(db, me, attempt, position, request.form.getlist("answer"))
            except attempts.InvalidAnswer:
                abort(400)
        if done:
            if item.question.kind == "scenario" and not attempts.is_answered(item):
                return redirect(url_for("training.question", attempt_id=attempt.id, position=position))
            following = _next_position(attempt)
            if following:
                return redirect(url_for("training.question", attempt_id=attempt.id, position=following))
            return redirect(url_for("training.review", attempt_id=attempt.id))
    step_name, ending = (None, None)
    if item.question.kind == "scenario":
        step_name, ending = attempts.scenario_path(item.question, item.answer or [])
        if ending is not None:
            step_name = item.question.content["start"]  # answering again starts the story over
    return render_template(
        "training/question.html",
        attempt=attempt,
        item=item,
        total=total,
        form=form,
        step_name=step_name,
        ending=ending,
        options=_options_in_order(item),
        parts=question_parts(item.question.content["stem"]),
    )


def _options_in_order(item: AttemptQuestion) -> list[dict[str, Any]]:
    if item.question.kind == "scenario":
        return []
    by_key = {str(o["key"]): o for o in item.question.content["options"]}
    return [by_key[key] for key in item.option_order]


@blueprint.get("/attempts/<int:attempt_id>/review")
@signed_in
def review(attempt_id: int) -> str | WerkzeugResponse:
    attempt = attempts.get_attempt(get_session(), attempt_id, signed_in_as(Person))
    if attempt.status == "submitted":
        return redirect(url_for("training.result", attempt_id=attempt.id))
    return render_template(
        "training/review.html", attempt=attempt, form=ActionForm(), answered=attempts.is_answered
    )


@blueprint.post("/attempts/<int:attempt_id>/submit")
@signed_in
def submit(attempt_id: int) -> WerkzeugResponse:
    me = signed_in_as(Person)
    db = get_session()
    attempt = attempts.get_attempt(db, attempt_id, me)
    if not ActionForm().validate_on_submit():
        abort(400)
    with refusal_flashed() as done:
        attempts.submit(db, me, attempt)
    if not done:
        return redirect(url_for("training.review", attempt_id=attempt.id))
    return redirect(url_for("training.result", attempt_id=attempt.id))


@blueprint.get("/attempts/<int:attempt_id>/result")
@signed_in
def result(attempt_id: int) -> str | WerkzeugResponse:
    me = signed_in_as(Person)
    db = get_session()
    attempt = attempts.get_attempt(db, attempt_id, me)
    if attempt.status != "submitted":
        return redirect(url_for("training.review", attempt_id=attempt.id))
    state = attempts.standing(db, me, attempt.quiz)
    return render_template(
        "training/result.html",
        attempt=attempt,
        state=state,
        form=ActionForm(),
        clauses=cited_clauses(db, [item.question for item in attempt.questions]),
        failed=[topic_name(t) for t in attempts.failed_topics(attempt)],
        feedback={item.position: feedback_for(item) for item in attempt.questions},
    )


@blueprint.get("/progress")
@requires("view_training_progress")
def progress() -> str:
    me = signed_in_as(Person)
    everyone = can(me, "view_everyones_training")
    filters = {key: request.args.get(key, "") for key in ("department", "status", "q")}
    table = progress_table(
        get_session(),
        manager=None if everyone else me,
        department_id=request.args.get("department", type=int),
        only=filters["status"],
        search=filters["q"],
        page=request.args.get("page", 1, type=int),
    )
    return render_template("training/progress.html", table=table, everyone=everyone, filters=filters)


def _quiz_choices() -> list[SelectChoice]:
    return [SelectChoice(q.quiz_key, q.title) for q in attempts.list_quizzes(get_session(), by_title=True)]


@blueprint.route("/overrides", methods=["GET", "POST"])
@requires("override_attempt_limit")
def override() -> str | WerkzeugResponse:
    form = OverrideForm(person_email=request.args.get("email"), quiz=request.args.get("quiz"))
    form.quiz.choices = _quiz_choices()
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            db = get_session()
            person = person_named_in_form(db, form.person_email.data or "")
            attempts.grant_extra_attempt(
                db,
                signed_in_as(Person),
                person,
                attempts.get_quiz(db, form.quiz.data),
                form.reason.data or "",
            )
        if done:
            flash(f"{person.name} can now make one more attempt.", "success")
            return redirect(url_for("training.progress"))
    return render_template("training/override.html", form=form)


@blueprint.route("/assign", methods=["GET", "POST"])
@requires("assign_training")
def assign() -> str | WerkzeugResponse:
    form = AssignForm()
    db = get_session()
    form.quiz.choices = [c for c in _quiz_choices() if attempts.is_on_request(db, c.value)]
    if form.validate_on_submit():
        with refusal_shown_on(form) as done:
            person = person_named_in_form(db, form.person_email.data or "")
            programme.assign_on_request(
                db, signed_in_as(Person), person, form.quiz.data, form.reason.data or ""
            )
        if done:
            flash(f"{person.name} has been asked to take it.", "success")
            return redirect(url_for("training.progress"))
    return render_template("training/assign.html", form=form)


@blueprint.get("/analysis")
@requires("analyse_questions")
def item_analysis() -> str:
    items, mastery = analysis.analyse(get_session())
    return render_template(
        "training/analysis.html",
        items=items,
        mastery=mastery,
        minimum=analysis.MINIMUM_ATTEMPTS,
        topic_name=topic_name,
    )


@blueprint.get("/analysis.csv")
@requires("analyse_questions")
def item_analysis_csv() -> Response:
    items, _ = analysis.analyse(get_session())
    return csv_download(analysis.as_csv(items), "question-analysis.csv")
