from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import GovDateField, incident_date_field, policy_field, sections_field

from .models import APPEAL_RESULTS, COMPANION_LABELS, STAGE_LABELS

LONG = Length(max=10000, message="Keep this under 10,000 characters")


class OpenCaseForm(FlaskForm):
    subject_email = EmailField(
        "Email address of the employee", validators=[DataRequired("Enter their email address")]
    )
    allegation = TextAreaField("The allegation", validators=[DataRequired("Describe the allegation"), LONG])
    incident_date = incident_date_field()
    policy = policy_field()
    sections = sections_field()
    investigating_officer_email = EmailField(
        "Email address of the investigating officer", validators=[DataRequired("Enter their email address")]
    )


class MeetingForm(FlaskForm):
    held_on = GovDateField("Date of the meeting", validators=[DataRequired("Enter the date of the meeting")])
    title = StringField("Meeting", validators=[DataRequired("Say what the meeting was"), Length(max=200)])
    notes = TextAreaField("Notes", validators=[DataRequired("Enter the notes"), LONG])


def _companion_kind(label: str) -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice("", "None")]
        + [SelectChoice(kind, f"A {words}") for kind, words in COMPANION_LABELS.items()],
        validators=[Optional()],
    )


class OutcomeForm(FlaskForm):
    stage = SelectField(
        "Outcome stage",
        choices=[SelectChoice("", "Choose the stage")]
        + [SelectChoice(k, v) for k, v in STAGE_LABELS.items()],
        validators=[DataRequired("Choose the stage")],
    )
    companion_kind = _companion_kind("Companion at the hearing")
    companion_name = StringField("Companion's name", validators=[Optional(), Length(max=200)])
    outcome = TextAreaField("Outcome", validators=[DataRequired("Give the outcome"), LONG])
    reasons = TextAreaField("Reasons", validators=[DataRequired("Give the reasons for the outcome"), LONG])
    decided_on = GovDateField(
        "Date of the decision", validators=[DataRequired("Enter the date of the decision")]
    )
    warning_live_until = GovDateField(
        "Warning live until", named="The date the warning is live until", validators=[Optional()]
    )
    improvement_needed = TextAreaField("Improvement needed", validators=[Optional(), LONG])
    improvement_by = GovDateField(
        "Improvement needed by", named="The date improvement is needed by", validators=[Optional()]
    )
    gross_misconduct_reason = TextAreaField("Why this is gross misconduct", validators=[Optional(), LONG])


class AppealForm(FlaskForm):
    lodged_on = GovDateField(
        "Date the appeal was lodged", validators=[DataRequired("Enter the date it was lodged")]
    )
    late_reason = TextAreaField("Why a late appeal is heard", validators=[Optional(), LONG])


class HearersForm(FlaskForm):
    """Who hears the case or its appeal: the same fields for both."""

    heard_by = RadioField(
        "Who hears it",
        choices=[
            SelectChoice("officer", "An officer (one person)"),
            SelectChoice("panel", "A panel of councillors (the staffing committee)"),
        ],
        validators=[InputRequired("Choose who hears it")],
    )
    officer_email = EmailField("Email address of the officer", validators=[Optional(), Length(max=320)])
    panel_emails = TextAreaField(
        "Email addresses of the councillors", validators=[Optional(), Length(max=4000)]
    )
    independence_reason = TextAreaField("Why someone involved before hears it", validators=[Optional(), LONG])


class HearingForm(HearersForm):
    hearing_on = GovDateField(
        "Date of the hearing", validators=[DataRequired("Enter the date of the hearing")]
    )
    hearing_time = TimeField(
        "Time", validators=[DataRequired("Enter the time of the hearing, for example 14:30")]
    )
    place = StringField("Place", validators=[DataRequired("Say where the hearing is"), Length(max=500)])
    evidence = TextAreaField(
        "The evidence", validators=[DataRequired("List the evidence the hearing will consider"), LONG]
    )
    possible_outcome = SelectField(
        "The most serious outcome it could reach",
        choices=[
            SelectChoice("", "Choose the outcome"),
            SelectChoice("first_written", "A first written warning"),
            SelectChoice("final_written", "A final written warning"),
            SelectChoice("dismissal", "Dismissal"),
        ],
        validators=[DataRequired("Choose the most serious outcome the hearing could reach")],
    )


class AppealHearingForm(HearersForm):
    heard_on = GovDateField(
        "Date of the appeal hearing", validators=[DataRequired("Enter the date of the appeal hearing")]
    )
    companion_kind = _companion_kind("Companion at the appeal hearing")
    companion_name = StringField("Companion's name", validators=[Optional(), Length(max=200)])
    result = RadioField(
        "What the appeal decided",
        choices=list(APPEAL_RESULTS.items()),
        validators=[DataRequired("Choose whether the outcome stands or is withdrawn")],
    )
    outcome = TextAreaField(
        "Outcome of the appeal",
        validators=[DataRequired("Give the outcome of the appeal and its reasons"), LONG],
    )


class HoldForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason"), Length(max=2000)])


class LinkReceiptForm(FlaskForm):
    code = StringField("Receipt code", validators=[DataRequired("Enter the receipt's code"), Length(max=40)])
