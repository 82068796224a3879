from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import GovDateField

from .models import KINDS

LONG = Length(max=10000, message="Keep this under 10,000 characters")
OTHER = "other"


class LogRequestForm(FlaskForm):
    kind = RadioField(
        "What kind of request is it?",
        choices=[SelectChoice(k, v) for k, v in KINDS.items()],
        validators=[InputRequired("Choose what kind of request it is")],
    )
    channel = SelectField("Where did it arrive?", validators=[DataRequired("Say where it arrived")])
    other_channel = StringField("How else did it arrive?", validators=[Optional(), Length(max=200)])
    received_on = GovDateField(
        "Date it was received", validators=[DataRequired("Enter the date it was received")]
    )
    # Browsers send "09:15", or "09:15:00" for a value the page filled in itself.
    received_time = TimeField(
        "Time it was received",
        format=["%H:%M", "%H:%M:%S"],
        validators=[DataRequired("Enter the time it was received, for example 09:15")],
    )
    requester = StringField(
        "Who asked", validators=[DataRequired("Say who asked: their name or handle"), Length(max=300)]
    )
    words = TextAreaField(
        "The request", validators=[DataRequired("Give the words of the request, or a link to it"), LONG]
    )
    about_email = EmailField(
        "If it is from or about someone who works for the council, their email address",
        validators=[Optional(), Length(max=320)],
    )


class DayForm(FlaskForm):
    """One date: the step the button records (acknowledged, clarification asked...)."""

    on = GovDateField("Date", named="The date", validators=[DataRequired("Enter the date")])


class IdentityForm(FlaskForm):
    on = GovDateField("Date their identity was confirmed", validators=[DataRequired("Enter the date")])
    method = StringField(
        "How it was checked", validators=[DataRequired("Say how their identity was checked"), Length(max=300)]
    )


class ExtendForm(FlaskForm):
    on = GovDateField("Date the requester was told", validators=[DataRequired("Enter the date")])
    reason = TextAreaField(
        "The reasons they were given",
        validators=[DataRequired("Give the reasons the requester was told"), LONG],
    )


class AnswerForm(FlaskForm):
    outcome = SelectField("Outcome", validators=[DataRequired("Choose the outcome")])
    on = GovDateField("Date answered", validators=[DataRequired("Enter the date it was answered")])
    notes = TextAreaField("Notes", validators=[Optional(), LONG])
