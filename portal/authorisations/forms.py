from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.authorisations.models import PLATFORM_NAMES, PLATFORMS
from portal.forms import GovDateField, MultiCheckboxField


class RequestForm(FlaskForm):
    # Chosen from the people the requester may ask for; the service checks the choice
    # again, so the view does not trust the list it offered.
    person = SelectField("Person", validators=[DataRequired("Choose the person")], validate_choice=False)
    channels = MultiCheckboxField(
        "Channels", coerce=str, validators=[DataRequired("Choose at least one channel")]
    )
    scope = TextAreaField(
        "What they may publish", validators=[DataRequired("Say what they may publish"), Length(max=2000)]
    )
    conditions = TextAreaField("Conditions", validators=[Optional(), Length(max=2000)])
    starts_on = GovDateField(
        "Starts on", named="The start date", validators=[DataRequired("Enter the start date")]
    )
    ends_on = GovDateField("Ends on", named="The end date", validators=[DataRequired("Enter the end date")])
    justification = TextAreaField(
        "Why they need it", validators=[DataRequired("Say why they need it"), Length(max=2000)]
    )


class IssueForm(FlaskForm):
    typed_name = StringField("Type your full name", validators=[DataRequired("Type your full name")])
    password = PasswordField("Your password", validators=[DataRequired("Enter your password")])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason"), Length(max=2000)])


class RevokeForm(ReasonForm):
    password = PasswordField("Your password", validators=[DataRequired("Enter your password")])


def _basis_field() -> StringField:
    # Only presence here: the service checks the rest (one line, a number, the length),
    # with messages that say what to give.
    return StringField(
        "The council's decision",
        validators=[
            DataRequired("Enter the council resolution or minute reference that set up this channel")
        ],
    )


class ChannelForm(FlaskForm):
    """A corporate channel: a department's own joins the register with its approved business case."""

    platform = SelectField("Platform", choices=[SelectChoice(p, PLATFORM_NAMES[p]) for p in PLATFORMS])
    name = StringField(
        "Name or handle", validators=[DataRequired("Enter the channel's name or handle"), Length(max=120)]
    )
    url = StringField(
        "Web address", validators=[DataRequired("Enter the channel's web address"), Length(max=300)]
    )
    basis = _basis_field()


class BasisForm(FlaskForm):
    basis = _basis_field()
