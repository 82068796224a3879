from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import GovDateField, incident_date_field, policy_field, sections_field

LONG = Length(max=10000, message="Keep this under 10,000 characters")


class OpenRecordForm(FlaskForm):
    subject_email = EmailField(
        "Email address of the person", validators=[DataRequired("Enter their email address")]
    )
    allegation = TextAreaField("What happened", validators=[DataRequired("Describe what happened"), LONG])
    incident_date = incident_date_field()
    policy = policy_field()
    sections = sections_field()
    handler_email = EmailField(
        "Email address of the person handling it", validators=[DataRequired("Enter their email address")]
    )


class ReferralForm(FlaskForm):
    referred_on = GovDateField(
        "Date it was referred", validators=[DataRequired("Enter the date it was referred")]
    )
    referred_to = StringField(
        "Who it was referred to",
        validators=[DataRequired("Say who it was referred to"), Length(max=300)],
    )


class CloseForm(FlaskForm):
    outcome = SelectField("What came of it", validators=[DataRequired("Choose what came of it")])
    closed_on = GovDateField("Date closed", validators=[DataRequired("Enter the date it was closed")])
    notes = TextAreaField("Notes", validators=[Optional(), LONG])


class HoldForm(FlaskForm):
    reason = TextAreaField("Reason for the legal hold", validators=[DataRequired("Give the reason"), LONG])
