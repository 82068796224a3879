from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.forms import GovDateField, MultiCheckboxField
from portal.identity import ROLE_LABELS
from portal.people.models import ENGAGEMENT_LABELS, Person
from portal.policies import signing


class PolicyForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter the policy's title"), Length(max=200)])
    slug = StringField(
        "Short name for web addresses",
        validators=[
            DataRequired("Enter a short name, like social-media"),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Use lower-case letters, numbers and hyphens only"),
            Length(max=80),
        ],
    )
    owner_role = SelectField(
        "Owned by",
        choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        default="town_clerk",
    )


class VersionForm(FlaskForm):
    label = StringField(
        "Version label", validators=[DataRequired("Enter a label, like 2026.1"), Length(max=40)]
    )
    effective_date = GovDateField(
        "Takes effect on",
        named="The date it takes effect",
        validators=[DataRequired("Enter the date it takes effect")],
    )
    change_kind = SelectField(
        "Kind of change",
        choices=[
            SelectChoice("material", "Material: what people must do has changed, so everyone signs again"),
            SelectChoice("minor", "Minor: wording or layout only, no new signature needed"),
        ],
    )
    change_summary = TextAreaField(
        "Summary of changes", validators=[DataRequired("Summarise what changed"), Length(max=2000)]
    )
    adopted_minute = StringField("Minute that adopted it", validators=[Optional(), Length(max=200)])
    review_due = GovDateField(
        "Review due by",
        named="The review date",
        validators=[DataRequired("Enter the date the review is due")],
    )
    body = TextAreaField("Text of the policy", validators=[Length(max=200_000)])
    # A Word document (or a Markdown or text file) instead of the text above: see policies/word.py.
    document = FileField("Or upload the policy as a Word document (.docx)")
    # Whom this version binds (its Scope); the service makes the same check for other callers.
    engagements = MultiCheckboxField(
        "Who must sign this version",
        choices=[SelectChoice(e.value, label) for e, label in ENGAGEMENT_LABELS.items()],
        validators=[DataRequired("Choose at least one group of people who must sign it")],
    )
    roles = MultiCheckboxField(
        "Only people with these roles",
        choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        validators=[Optional()],
    )

    def has_document(self) -> bool:
        return bool(getattr(self.document.data, "filename", ""))

    def validate_body(self, field: TextAreaField) -> None:
        """The text is needed only when no file brings it."""
        if not (field.data or "").strip() and not self.has_document():
            raise ValidationError("Enter the text of the policy, or upload it as a Word document")


class SignForm(FlaskForm):
    # In the order the page shows them: WTForms lists errors (and so the error summary)
    # in the order the fields are made, and every field is checked on the first try.
    version_id = HiddenField()
    confirm = BooleanField(
        "I confirm the statement above", validators=[DataRequired("Tick the box to confirm the statement")]
    )
    typed_name = StringField("Your full name", validators=[DataRequired("Type your full name")])
    password = PasswordField("Your password", validators=[DataRequired("Enter your password")])

    def __init__(self, *args: Any, signer: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signer = signer

    def validate_typed_name(self, field: StringField) -> None:
        # Checked with the other fields so that every mistake shows on the first try; the
        # password itself is checked only once the rest is in order, because each wrong
        # password counts against the account's sign-in throttle (auth/service.py).
        if self.signer is not None and field.data and not signing.names_match(field.data, self.signer.name):
            raise ValidationError(signing.wrong_name(self.signer))


class DeclineForm(FlaskForm):
    version_id = HiddenField()
    reason = TextAreaField(
        "Why are you not signing?", validators=[DataRequired("Say why you are not signing"), Length(max=2000)]
    )


class OnBehalfForm(FlaskForm):
    person_email = EmailField(
        "Email address of the person", validators=[DataRequired("Enter their email address")]
    )
    reason = TextAreaField(
        "Why you are signing for them", validators=[DataRequired("Write the reason"), Length(max=2000)]
    )
    password = PasswordField("Your password", validators=[DataRequired("Enter your password")])


class PaperForm(FlaskForm):
    person_email = EmailField(
        "Email address of the person", validators=[DataRequired("Enter their email address")]
    )
    witness_name = StringField(
        "Witness's full name", validators=[DataRequired("Enter the witness's name"), Length(max=200)]
    )
    signed_on = GovDateField(
        "Date written on the form", validators=[DataRequired("Enter the date on the paper form")]
    )
    scan = FileField("Scan of the signed form (PDF, JPEG or PNG)")
    password = PasswordField("Your password", validators=[DataRequired("Enter your password")])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why the signature is being withdrawn",
        validators=[DataRequired("Write the reason"), Length(max=2000)],
    )


class VerifyForm(FlaskForm):
    code = StringField("Verification code", validators=[Optional(), Length(max=40)])
    receipt = FileField("Or upload the receipt PDF")


class AsAtForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only look-up sent with GET

    person_email = EmailField(
        "Email address of the person", validators=[DataRequired("Enter their email address")]
    )
    policy = SelectField("Policy", validators=[DataRequired("Choose a policy")])
    on = GovDateField("On this date", named="The date", validators=[DataRequired("Enter a real date")])


class CompareForm(FlaskForm):
    class Meta:
        csrf = False

    older = IntegerField("Older version")
    newer = IntegerField("Newer version")
