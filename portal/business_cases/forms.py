from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.authorisations.models import PLATFORMS
from portal.forms import GovDateField

from .models import platform_name
from .risk import IMPACT_LABELS, LIKELIHOOD_LABELS
from .sections import REVIEW_SECTIONS, RISK_CATEGORIES, TEXT_SECTIONS, TREATMENT_LABELS, WEEKDAYS

PLATFORM_CHOICES = [SelectChoice(p, "X (Twitter)" if p == "x" else platform_name(p)) for p in PLATFORMS]
LONG_TEXT = Length(max=5000, message="Keep this under 5,000 characters")


def _optional_int(value: str | int | None) -> int | None:
    return None if value is None or value in ("", "None") else int(value)


class StartForm(FlaskForm):
    department = SelectField("Department", validators=[DataRequired("Choose the department")])
    platform = SelectField("Platform", choices=PLATFORM_CHOICES)
    account_name = StringField(
        "Proposed name or handle",
        validators=[DataRequired("Give the account's proposed name or handle"), Length(max=120)],
    )


class DetailsForm(FlaskForm):
    platform = SelectField("Platform", choices=PLATFORM_CHOICES)
    account_name = StringField(
        "Proposed name or handle",
        validators=[DataRequired("Give the account's proposed name or handle"), Length(max=120)],
    )
    web_address = StringField("Web address", validators=[Optional(), Length(max=300)])


# One text area per section of the case, named after it.
for _section in TEXT_SECTIONS:
    setattr(DetailsForm, _section.key, TextAreaField(_section.label, validators=[Optional(), LONG_TEXT]))


def _score_field(label: str, labels: dict[int, str]) -> SelectField:
    # validate_choice off: a score outside 1 to 5 gets NumberRange's message, beside the field.
    return SelectField(
        label,
        choices=[SelectChoice("", "Not assessed yet")]
        + [SelectChoice(str(n), f"{n} – {t}") for n, t in labels.items()],
        coerce=_optional_int,
        validate_choice=False,
        validators=[Optional(), NumberRange(1, 5, message="Choose a score from 1 to 5")],
    )


class RiskForm(FlaskForm):
    category = SelectField("Category", choices=[SelectChoice(k, v) for k, v in RISK_CATEGORIES.items()])
    description = TextAreaField("What could happen", validators=[Optional(), LONG_TEXT])
    inherent_likelihood = _score_field("Likelihood before controls", LIKELIHOOD_LABELS)
    inherent_impact = _score_field("Impact before controls", IMPACT_LABELS)
    controls = TextAreaField("Existing controls", validators=[Optional(), LONG_TEXT])
    residual_likelihood = _score_field("Likelihood after controls", LIKELIHOOD_LABELS)
    residual_impact = _score_field("Impact after controls", IMPACT_LABELS)
    treatment = SelectField(
        "Treatment",
        choices=[SelectChoice("", "Not chosen yet")]
        + [SelectChoice(k, v) for k, v in TREATMENT_LABELS.items()],
        validators=[Optional()],
    )
    owner = SelectField("Risk owner", validators=[Optional()])
    acceptance_justification = TextAreaField(
        "Why the remaining risk is acceptable", validators=[Optional(), LONG_TEXT]
    )


class ActionForm(FlaskForm):
    description = TextAreaField("Action", validators=[DataRequired("Describe the action"), Length(max=2000)])
    owner = SelectField("Owner", validators=[DataRequired("Choose who owns the action")])
    due_on = GovDateField(
        "Due by", named="The date it is due by", validators=[DataRequired("Give the date it is due by")]
    )


class ModerationForm(FlaskForm):
    removal_target_hours = IntegerField(
        "Target time for removing malicious comments, in hours",
        validators=[Optional(), NumberRange(1, 72, message="Give a target between 1 and 72 hours")],
    )
    bank_holiday_cover = TextAreaField("How bank holidays are covered", validators=[Optional(), LONG_TEXT])
    requests_logger = SelectField(
        "Who logs information requests that arrive on the account", validators=[Optional()]
    )


def slot_field_name(weekday: int, duty: str) -> str:
    return f"{duty}_{weekday}"


for _weekday, _day in enumerate(WEEKDAYS):
    for _duty in ("moderator", "cover"):
        setattr(
            ModerationForm,
            slot_field_name(_weekday, _duty),
            SelectField(f"{_day}: {_duty}", validators=[Optional()]),
        )


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=[
            SelectChoice("approved", "Approve (with any conditions below)"),
            SelectChoice("changes_requested", "Ask for changes: the case goes back to its author"),
            SelectChoice("rejected", "Reject"),
        ],
        validators=[DataRequired("Choose a decision")],
    )
    conditions = TextAreaField("Conditions of approval", validators=[Optional(), LONG_TEXT])
    next_review_on = GovDateField("Next review by", named="The next review date", validators=[Optional()])


for _section in REVIEW_SECTIONS:
    setattr(
        DecisionForm,
        f"comment_{_section.key}",
        TextAreaField(f"Comments on {_section.label}", validators=[Optional(), LONG_TEXT]),
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired("Give the reason"), Length(max=2000)])
