"""Helpers shared by every feature's forms and views."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import abort, flash
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from portal.db import LARGEST_ID
from portal.errors import DomainError


class ActionForm(FlaskForm):
    """A button that changes something: just the CSRF token."""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (roles, channels, engagement types)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


DATE_PARTS = ("day", "month", "year")
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")  # ASCII digits only: int() refuses some that \d allows
_YEAR = re.compile(r"[0-9]{4}")
_SHORT_YEAR = re.compile(r"[0-9]{1,3}")
_PART_RULES = (("day", _DAY_OR_MONTH, 31), ("month", _DAY_OR_MONTH, 12), ("year", _YEAR, 9999))


class GovDateField(Field):
    """A date typed into three boxes, day, month and year: the GOV.UK date input pattern,
    rendered by the `date_input` macro (templates/components/forms.html).

    It reads `<name>-day`, `<name>-month` and `<name>-year`. A single `<name>=YYYY-MM-DD`
    is read too, through the same checks, so scripts and tests that post one still work.
    What was typed is kept in `typed` and shown again beside an error. A date that cannot
    be read is refused here with its own message and no validator runs after it: the
    field's DataRequired message is only for a date left out altogether, and Optional
    only lets through a date left out altogether.
    """

    def __init__(
        self, label: str | None = None, validators: Any = None, *, named: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(label, validators, **kwargs)
        # What the messages call the date when the label is not a noun ("Starts on"):
        # "The start date must be a real date".
        self.named = named
        self.typed: dict[str, str] = {}
        self.parts_in_error: tuple[str, ...] = ()
        self._parts_posted = False

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        # The parts travel under names of their own, which Field.process never reads.
        self.typed, self.parts_in_error = {}, ()
        self._parts_posted = False
        if formdata is not None:
            self._parts_posted = any(f"{self.name}-{part}" in formdata for part in DATE_PARTS)
            self.typed = {part: _first(formdata, f"{self.name}-{part}") for part in DATE_PARTS}
        super().process(formdata, data, extra_filters)

    def process_formdata(self, valuelist: list[Any]) -> None:
        iso = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        if not any(self.typed.values()) and not iso:
            if self._parts_posted or valuelist:
                self.data = None  # sent empty: cleared, even on a form made from a record
            return  # not sent at all: keep the date the form was made with, as DateField does
        self.data = None
        if any(self.typed.values()):
            # Optional reads raw_data to tell a date left out from one typed wrongly.
            self.raw_data = ["-".join(self.typed[part] for part in reversed(DATE_PARTS))]
        else:
            pieces = iso.split("-")
            if len(pieces) != 3:
                self.parts_in_error = DATE_PARTS
                raise ValueError(f"{self.named or self.label.text} must be a real date")
            self.typed = dict(zip(("year", "month", "day"), (p.strip() for p in pieces), strict=True))
        self.data = self._date_typed()

    def _date_typed(self) -> date:
        named = self.named or self.label.text
        parts = self.typed
        missing = tuple(part for part in DATE_PARTS if not parts[part])
        if missing:
            self.parts_in_error = missing
            raise ValueError(f"{named} must include a {' and '.join(missing)}")
        if _SHORT_YEAR.fullmatch(parts["year"]):
            self.parts_in_error = ("year",)
            raise ValueError(f"{named} must include a year with 4 numbers")
        wrong = tuple(
            part
            for part, pattern, top in _PART_RULES
            if not (pattern.fullmatch(parts[part]) and 1 <= int(parts[part]) <= top)
        )
        if not wrong:
            try:
                return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
            except ValueError:
                wrong = DATE_PARTS  # each box is right on its own, the date is not: 31 February
        self.parts_in_error = wrong
        raise ValueError(f"{named} must be a real date")

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()  # its message is already in errors; DataRequired would replace it

    def shown(self) -> dict[str, str]:
        """What the three boxes show: what was typed, else the date the form holds."""
        if any(self.typed.values()):
            return {part: self.typed.get(part, "") for part in DATE_PARTS}
        if isinstance(self.data, date):
            return {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        return dict.fromkeys(DATE_PARTS, "")

    def error_anchor(self) -> str:
        """The id of the box an error summary links to: the first one in error."""
        return f"{self.id}-{(self.parts_in_error or DATE_PARTS)[0]}"

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""


def _first(formdata: Any, key: str) -> str:
    values = formdata.getlist(key) if key in formdata else []
    return values[0].strip() if values and isinstance(values[0], str) else ""


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


def incident_date_field() -> GovDateField:
    return GovDateField("Date of the incident", validators=[DataRequired("Enter the date of the incident")])


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
