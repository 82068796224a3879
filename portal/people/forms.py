from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.forms import GovDateField, MultiCheckboxField
from portal.identity import ORDINARY_ROLES, ROLE_LABELS
from portal.people.models import ENGAGEMENT_LABELS


class PersonForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter their full name"), Length(max=200)])
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter their email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=320),
        ],
    )
    engagement_type = SelectField(
        "How they work for the council",
        choices=[SelectChoice(e.value, label) for e, label in ENGAGEMENT_LABELS.items()],
        validators=[DataRequired("Choose how they work for the council")],
    )
    department = SelectField("Department", coerce=str, validators=[Optional()])
    line_manager = EmailField(
        "Line manager's email address",
        validators=[Optional(), Email("Enter the line manager's email address, like name@example.org")],
    )
    start_date = GovDateField(
        "Start date", validators=[DataRequired("Enter their start date as a real date")]
    )
    roles = MultiCheckboxField(
        "Roles",
        # Privileged roles are not offered: they change only through a proposal that a
        # second person approves (see people.roles).
        choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items() if r in ORDINARY_ROLES],
        validators=[Optional()],
    )


class LeaverForm(FlaskForm):
    leaving_date = GovDateField(
        "Leaving date", validators=[DataRequired("Enter their leaving date as a real date")]
    )


class ImportForm(FlaskForm):
    file = FileField(
        "Staff list (CSV file)",
        validators=[FileRequired("Choose a CSV file"), FileAllowed(["csv"], "The file must be a CSV file")],
    )


class DepartmentForm(FlaskForm):
    name = StringField(
        "Department name", validators=[DataRequired("Enter the department's name"), Length(max=120)]
    )


class RoleChangeForm(FlaskForm):
    person_email = EmailField(
        "Email address of the person",
        validators=[
            DataRequired("Enter the email address of the person whose role changes"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=320),
        ],
    )
    role = SelectField(
        "Role",
        choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items() if r not in ORDINARY_ROLES],
        validators=[DataRequired("Choose the role")],
    )
    change = SelectField(
        "Change",
        choices=[
            SelectChoice("grant", "Give them this role"),
            SelectChoice("remove", "Remove this role from them"),
        ],
        validators=[DataRequired("Choose whether to give or remove the role")],
    )
    effective_on = GovDateField(
        "Takes effect on",
        named="The date it takes effect",
        validators=[Optional()],
    )
