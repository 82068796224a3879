"""The disciplinary records blueprint and what its pages share (views.py and
hearing_views.py add their routes to it)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, g, render_template
from flask_wtf import FlaskForm

from portal.access import signed_in_as
from portal.clock import today
from portal.db import get_session
from portal.people.models import Person

from . import retention, service
from .forms import (
    AppealForm,
    AppealHearingForm,
    HearingForm,
    HoldForm,
    LinkReceiptForm,
    MeetingForm,
    OutcomeForm,
)
from .hearings import heard_by_words
from .letters import FURTHER_MISCONDUCT
from .models import APPEAL_RESULTS, COMPANION_LABELS, STAGE_LABELS, DisciplinaryCase
from .pack import timeline
from .records import warning_live_months

blueprint = Blueprint("conduct", __name__, url_prefix="/conduct")

# Each form on the case page, by the name the template knows it by.
FORMS = {
    "meeting_form": (MeetingForm, "meeting"),
    "hearing_form": (HearingForm, "hearing"),
    "outcome_form": (OutcomeForm, "outcome"),
    "appeal_form": (AppealForm, "appeal"),
    "appeal_hearing_form": (AppealHearingForm, "appeal_hearing"),
    "hold_form": (HoldForm, "hold"),
    "link_form": (LinkReceiptForm, "link"),
}


def handled_case(case_id: int) -> DisciplinaryCase:
    """The case, for someone who may handle it. Anyone else, the subject included, gets
    404 for every id, so a guessed id reveals nothing."""
    g.personal_data = True
    found = service.get_case(get_session(), case_id)
    if not service.may_handle(signed_in_as(Person), found):
        abort(404)
    return found


def case_words(case: DisciplinaryCase) -> dict[str, Any]:
    """What the handler's page and the employee's page both show of a case."""
    return {
        "case": case,
        "stage_labels": STAGE_LABELS,
        "companion_labels": COMPANION_LABELS,
        "appeal_results": APPEAL_RESULTS,
        "further_misconduct": FURTHER_MISCONDUCT,
        "hearing_heard_by": heard_by_words(case, "hearing"),
        "appeal_heard_by": heard_by_words(case, "appeal"),
    }


def hearing_as_arranged(case: DisciplinaryCase) -> dict[str, Any] | None:
    """The hearing form filled in as the hearing stands, so arranging it again (another
    date, another hearer) means changing only what changes."""
    if case.hearing_by is None:
        return None
    emails = [person.email for person in case.heard_by("hearing")]
    return {
        "hearing_on": case.hearing_on,
        "hearing_time": case.hearing_time,
        "place": case.hearing_place,
        "evidence": case.hearing_evidence,
        "possible_outcome": case.possible_outcome,
        "heard_by": case.hearing_by,
        "officer_email": emails[0] if case.hearing_by == "officer" and emails else "",
        "panel_emails": "\n".join(emails) if case.hearing_by == "panel" else "",
        "independence_reason": case.hearing_independence_reason,
    }


def show_case(case: DisciplinaryCase, **forms: Any) -> str:
    """The handler's case page, with a form that was refused shown with its errors."""
    db = get_session()
    return render_template(
        "conduct/show.html",
        **case_words(case),
        evidence=json.loads(case.evidence.content) if case.evidence else None,
        live=service.live_warnings(db, case.subject, today(), besides=case.id),
        timeline=timeline(case),
        live_months=warning_live_months(),
        kept_until=retention.kept_until(case, retention.configured_months()),
        **{name: forms.get(name) or _form(name, case) for name in FORMS},
    )


def _form(name: str, case: DisciplinaryCase) -> FlaskForm:
    form, prefix = FORMS[name]
    return form(prefix=prefix, data=hearing_as_arranged(case) if name == "hearing_form" else None)
