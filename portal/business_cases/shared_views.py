"""The business case blueprint and what its pages share (views.py, risk_views.py and
review_views.py add their routes to it)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import Field
from wtforms.fields.choices import SelectChoice

from portal.access import signed_in_as
from portal.db import get_session
from portal.forms import Outcome
from portal.people.models import Person

from . import service
from .models import BusinessCase

blueprint = Blueprint("business_cases", __name__, url_prefix="/business-cases")


def visible_case(case_id: int) -> BusinessCase:
    found = service.get_case(get_session(), case_id)
    if not service.may_see(signed_in_as(Person), found):
        abort(404)  # another department's case is simply not there
    return found


def editable_case(case_id: int) -> BusinessCase | WerkzeugResponse:
    """The case, if the person may edit it now; otherwise where to go instead."""
    found = visible_case(case_id)
    if found.status != "draft":
        flash("This case has been submitted, so it cannot be edited. Its submissions never change.", "error")
        return redirect(url_for("business_cases.show", case_id=found.id))
    if not service.may_edit(signed_in_as(Person), found):
        abort(403)
    return found


def person_choices(people: list[Person], blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(str(p.id), p.name) for p in people]


def refuse_unoffered(form_field: Field) -> None:
    """A posted value the page did not offer is a tampered form: 400, not a field error."""
    if request.method == "POST" and form_field.data not in (None, "", *(c.value for c in form_field.choices)):
        abort(400)


def refuse_tampered(done: Outcome) -> None:
    """The service found a choice the page did not offer: a tampered form, so 400."""
    if isinstance(done.refusal, service.UnknownChoice):
        abort(400)


def show_case(case: BusinessCase, *, _anchor: str | None = None) -> WerkzeugResponse:
    return redirect(url_for("business_cases.show", case_id=case.id, _anchor=_anchor))
