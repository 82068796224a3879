"""The calendar page (how far each part of the UK is covered, and how to load a newer
copy), and the page shown when a count runs past the calendar's end."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from portal.access import requires
from portal.clock import CalendarExhausted, today
from portal.db import get_session

from .service import running_out, summary

blueprint = Blueprint("bank_holidays", __name__, url_prefix="/bank-holidays")

# Not a bug to fix in the code but data to load, and until then the page cannot be
# shown truthfully: "unavailable" rather than a wrong date.
EXHAUSTED_STATUS = 503


@blueprint.get("")
@requires("view_bank_holiday_calendar")
def index() -> str:
    return render_template(
        "bank_holidays/index.html", divisions=summary(get_session()), warning=running_out(today())
    )


@blueprint.app_errorhandler(CalendarExhausted)
def calendar_exhausted(error: CalendarExhausted) -> tuple[str, int]:
    """A count past the calendar's end that no form caught: say why, in words, and log it
    for whoever keeps the server."""
    current_app.logger.error("bank-holiday calendar exhausted: %s", error.message)
    return (
        render_template(
            "errors/error.html",
            code=EXHAUSTED_STATUS,
            title="Working days cannot be counted that far ahead",
            advice=error.message,
        ),
        EXHAUSTED_STATUS,
    )
