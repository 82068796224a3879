from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .models import STAGE_LABELS

LONG = Length(max=10000, message="Keep this under 10,000 characters")


class OpenCaseForm(FlaskForm):
    subject_email = EmailField(
        "Email address of the employee", validators=[DataRequired("Enter their email address")]
    )
    allegation = TextAreaField("The allegation", validators=[DataRequired("Describe the allegation"), LONG])
    incident_date = DateField(
        "Date of the incident", validators=[DataRequired("Enter the date of the incident")]
    )
    policy = SelectField("Policy", validators=[DataRequired("Choose the policy")])
    sections = StringField(
        "Sections alleged to have been breached",
        validators=[DataRequired("Give the sections, for example 3.2")],
    )
    investigating_officer_email = EmailField(
        "Email address of the investigating officer", validators=[DataRequired("Enter their email address")]
    )


class MeetingForm(FlaskForm):
    held_on = DateField("Date of the meeting", validators=[DataRequired("Enter the date of the meeting")])
    title = StringField("Meeting", validators=[DataRequired("Say what the meeting was"), Length(max=200)])
    notes = TextAreaField("Notes", validators=[DataRequired("Enter the notes"), LONG])


class OutcomeForm(FlaskForm):
    stage = SelectField(
        "Outcome stage",
        choices=[SelectChoice("", "Choose the stage")]
        + [SelectChoice(k, v) for k, v in STAGE_LABELS.items()],
        validators=[DataRequired("Choose the stage")],
    )
    hearing_on = DateField("Date of the hearing", validators=[Optional()])
    companion_kind = SelectField(
        "Companion at the hearing",
        choices=[
            SelectChoice("", "None"),
            SelectChoice("union_rep", "A trade union representative"),
            SelectChoice("colleague", "A colleague"),
        ],
        validators=[Optional()],
    )
    companion_name = StringField("Companion's name", validators=[Optional(), Length(max=200)])
    outcome = TextAreaField("Outcome", validators=[DataRequired("Give the outcome"), LONG])
    reasons = TextAreaField("Reasons", validators=[DataRequired("Give the reasons for the outcome"), LONG])
    decided_on = DateField(
        "Date of the decision", validators=[DataRequired("Enter the date of the decision")]
    )
    warning_live_until = DateField("Warning live until", validators=[Optional()])
    gross_misconduct_reason = TextAreaField("Why this is gross misconduct", validators=[Optional(), LONG])


class AppealForm(FlaskForm):
    lodged_on = DateField(
        "Date the appeal was lodged", validators=[DataRequired("Enter the date it was lodged")]
    )
    late_reason = TextAreaField("Why a late appeal is heard", validators=[Optional(), LONG])
    hearing_on = DateField("Date of the appeal hearing", validators=[Optional()])
    outcome = TextAreaField("Outcome of the appeal", validators=[Optional(), LONG])


class HoldForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason"), Length(max=2000)])


class LinkReceiptForm(FlaskForm):
    code = StringField("Receipt code", validators=[DataRequired("Enter the receipt's code"), Length(max=40)])
