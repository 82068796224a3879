"""Helpers shared by every feature's forms and views."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from flask import abort, flash
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from portal.db import LARGEST_ID
from portal.errors import DomainError


class ActionForm(FlaskForm):
    """A button that changes something: just the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (roles, channels, engagement types)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def attach_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal beside the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def has_errors(form: FlaskForm) -> bool:
    return bool(form.errors or form.form_errors)


def posted_id(value: object) -> int | None:
    """A record id typed into a form or a query string, or None.

    Only ASCII digits count: str.isdigit() also accepts "²" and other digits that
    int() refuses, and an id beyond the column's range would make the database fail.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


class Outcome:
    """What a service call in a view came to: true when it went through, false when the
    service refused (the refusal is then on the form or in a flash message)."""

    refusal: DomainError | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


@contextmanager
def refusal_shown_on(form: FlaskForm) -> Iterator[Outcome]:
    """Run a service call; if the service refuses, show why beside the field or above
    the form, and let the view show the form again.

        with refusal_shown_on(form) as done:
            case = service.open_case(...)
        if done:
            return redirect(...)
    """
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        outcome.refusal = error
        attach_domain_error(form, error)


@contextmanager
def refusal_flashed(category: str = "info") -> Iterator[Outcome]:
    """Run a service call behind a button; if the service refuses, say why in a flash
    message on the page the view goes back to."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        outcome.refusal = error
        flash(error.message, category)


# The fields every allegation of a breach shares (a disciplinary case, a breach record).
# Functions rather than a base class: each form places them among its own fields, and
# WTForms lists fields (and so the error summary) in the order they were made.


def incident_date_field() -> DateField:
    return DateField("Date of the incident", validators=[DataRequired("Enter the date of the incident")])


def policy_field() -> SelectField:
    return SelectField("Policy", validators=[DataRequired("Choose the policy")])


def sections_field() -> StringField:
    return StringField(
        "Sections alleged to have been breached",
        validators=[DataRequired("Give the sections, for example 3.2")],
    )


def offer_policies(form: FlaskForm, policies: Iterable[tuple[str, str]]) -> None:
    """The policies (slug, title) the form's `policy` field offers; a posted value that is
    none of them is a forged form, not a typing mistake, so it gets 400."""
    field = form.policy
    field.choices = [SelectChoice("", "Choose the policy")] + [SelectChoice(s, t) for s, t in policies]
    if form.is_submitted() and field.data not in {c.value for c in field.choices}:
        abort(400)


def sections_typed(field: StringField) -> list[str]:
    """'3.2, 3.3' or '3.2; 3.3' as ['3.2', '3.3']."""
    return [s.strip() for s in (field.data or "").replace(";", ",").split(",") if s.strip()]
