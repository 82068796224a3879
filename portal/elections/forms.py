from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import GovDateField

from .models import KINDS


class ElectionForm(FlaskForm):
    """Recording an election, or correcting one (the same questions)."""

    kind = RadioField(
        "What kind of election is it?",
        choices=[SelectChoice(k, v) for k, v in KINDS.items()],
        validators=[InputRequired("Choose what kind of election it is")],
    )
    title = StringField(
        "Name of the election",
        validators=[
            DataRequired("Give the election a name, for example the ward for a by-election"),
            Length(max=200, message="Keep the name under 200 characters"),
        ],
    )
    poll_on = GovDateField("Polling day", validators=[DataRequired("Enter polling day")])
    # Blank: the last day the notice of election may be published (service.notice_deadline).
    period_starts_on = GovDateField("Start of the pre-election period", validators=[Optional()])


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Why is it cancelled?",
        validators=[
            DataRequired("Say why it is cancelled"),
            Length(max=2000, message="Keep this under 2,000 characters"),
        ],
    )
