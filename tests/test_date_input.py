"""Dates as three boxes, day, month and year (the GOV.UK date input pattern): the field
that reads them (portal/forms.py, GovDateField), the `date_input` macro that draws them,
and the pages that use it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import DataRequired, Optional

from portal.config import PACKAGE_ROOT, PROJECT_ROOT
from portal.forms import GovDateField
from portal.people.models import Role
from tests.factories import make_person


class _Incident(Form):
    incident_date = GovDateField(
        "Date of the incident", validators=[DataRequired("Enter the date of the incident")]
    )
    review_on = GovDateField("Review on", validators=[Optional()])


def _posted(data: dict[str, str] | None, **kwargs: object) -> _Incident:
    form = _Incident(MultiDict(data) if data is not None else None, **kwargs)
    form.validate()
    return form


def _typed(day: str, month: str, year: str, name: str = "incident_date") -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


# Reading the three boxes


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("9", "3", "2026", date(2026, 3, 9)),
        ("09", "03", "2026", date(2026, 3, 9)),
        (" 29 ", "2", " 2028 ", date(2028, 2, 29)),  # spaces around a number are forgiven
        ("31", "12", "1999", date(1999, 12, 31)),
    ],
)
def test_the_three_boxes_make_a_date(day, month, year, expected):
    form = _posted(_typed(day, month, year))
    assert form.incident_date.data == expected
    assert form.incident_date.errors == []


def test_a_single_iso_date_is_still_read():
    form = _posted({"incident_date": "2026-03-09"})
    assert form.incident_date.data == date(2026, 3, 9)
    assert form.incident_date.errors == []


def test_the_boxes_win_over_an_iso_date_sent_with_them():
    form = _posted({"incident_date": "2020-01-01", **_typed("9", "3", "2026")})
    assert form.incident_date.data == date(2026, 3, 9)


# What goes wrong, and what it says


def test_all_three_left_empty_gives_the_fields_own_message():
    form = _posted(_typed("", "", ""))
    assert form.incident_date.data is None
    assert form.incident_date.errors == ["Enter the date of the incident"]
    assert form.incident_date.parts_in_error == ()  # the whole date: the macro marks every box


def test_a_form_sent_without_the_date_at_all_gives_the_fields_own_message():
    assert _posted({}).incident_date.errors == ["Enter the date of the incident"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "in_error"),
    [
        ("9", "", "2026", "Date of the incident must include a month", ("month",)),
        ("", "3", "2026", "Date of the incident must include a day", ("day",)),
        ("9", "3", "", "Date of the incident must include a year", ("year",)),
        ("9", "", "", "Date of the incident must include a month and year", ("month", "year")),
        ("", "", "2026", "Date of the incident must include a day and month", ("day", "month")),
    ],
)
def test_a_missing_part_is_named(day, month, year, message, in_error):
    field = _posted(_typed(day, month, year)).incident_date
    assert field.errors == [message]
    assert field.parts_in_error == in_error
    assert field.data is None


@pytest.mark.parametrize("year", ["26", "6", "202"])
def test_a_short_year_is_refused_with_its_own_message(year):
    field = _posted(_typed("9", "3", year)).incident_date
    assert field.errors == ["Date of the incident must include a year with 4 numbers"]
    assert field.parts_in_error == ("year",)


@pytest.mark.parametrize(
    ("day", "month", "year", "in_error"),
    [
        ("31", "2", "2026", ("day", "month", "year")),  # each box fine, the date impossible
        ("29", "2", "2026", ("day", "month", "year")),
        ("9", "13", "2026", ("month",)),
        ("0", "3", "2026", ("day",)),
        ("32", "13", "2026", ("day", "month")),
        ("9", "3", "20266", ("year",)),
        ("9", "3", "0000", ("year",)),
        ("9", "March", "2026", ("month",)),
        ("9th", "3", "2026", ("day",)),
        ("٩", "3", "2026", ("day",)),  # a digit, but not one the form asks for
        ("009", "3", "2026", ("day",)),
        ("9", "3", "x" * 70_000, ("year",)),
    ],
)
def test_a_date_that_cannot_be_is_not_a_real_date(day, month, year, in_error):
    field = _posted(_typed(day, month, year)).incident_date
    assert field.errors == ["Date of the incident must be a real date"]
    assert field.parts_in_error == in_error
    assert field.data is None


@pytest.mark.parametrize("text", ["nope", "31/02/2026", "2026-02-30", "2026-3"])
def test_an_iso_date_that_cannot_be_read_is_not_a_real_date(text):
    assert _posted({"incident_date": text}).incident_date.errors == [
        "Date of the incident must be a real date"
    ]


# Keeping what was typed


def test_what_was_typed_is_shown_again_after_an_error():
    field = _posted(_typed("31", " 2", "26x")).incident_date
    assert field.errors
    assert field.shown() == {"day": "31", "month": "2", "year": "26x"}


def test_a_form_made_with_a_date_shows_it_in_the_boxes():
    form = _Incident(incident_date=date(2026, 1, 5))
    assert form.incident_date.shown() == {"day": "5", "month": "1", "year": "2026"}
    assert _Incident().incident_date.shown() == {"day": "", "month": "", "year": ""}


def test_a_date_sent_empty_clears_the_one_the_form_was_made_with():
    form = _posted(_typed("", "", ""), incident_date=date(2026, 1, 5))
    assert form.incident_date.data is None
    form = _posted({"review_on": ""}, review_on=date(2026, 1, 5))
    assert form.review_on.data is None


def test_a_date_not_sent_at_all_keeps_the_one_the_form_was_made_with():
    assert _posted({"other": "x"}, review_on=date(2026, 1, 5)).review_on.data == date(2026, 1, 5)


# Optional dates


def test_an_optional_date_left_empty_is_no_error():
    form = _posted({**_typed("9", "3", "2026"), **_typed("", "", "", name="review_on")})
    assert form.review_on.data is None
    assert form.review_on.errors == []
    assert form.validate()


def test_an_optional_date_half_typed_is_still_an_error():
    field = _posted(_typed("", "4", "", name="review_on")).review_on
    assert field.errors == ["Review on must include a day and year"]


def test_an_optional_date_that_is_not_real_is_still_an_error():
    assert _posted({"review_on": "2026-02-30"}).review_on.errors == ["Review on must be a real date"]


def test_a_label_that_is_not_a_noun_is_named_in_the_messages():
    """"Starts on must be a real date" reads badly; a field may say what to call it."""

    class _Term(Form):
        starts_on = GovDateField("Starts on", [DataRequired("Enter the start date")], named="The start date")

    form = _Term(MultiDict({"starts_on-day": "31", "starts_on-month": "2", "starts_on-year": "2027"}))
    assert not form.validate()
    assert form.starts_on.errors == ["The start date must be a real date"]
    form = _Term(MultiDict({"starts_on-day": "1", "starts_on-year": "2027"}))
    assert not form.validate()
    assert form.starts_on.errors == ["The start date must include a month"]


def test_an_error_summary_links_to_the_first_box_in_error():
    assert _posted(_typed("9", "", "")).incident_date.error_anchor() == "incident_date-month"
    assert _posted(_typed("", "", "")).incident_date.error_anchor() == "incident_date-day"
    assert _Incident(prefix="close").incident_date.error_anchor() == "close-incident_date-day"


# The macro


_MACROS = '{% from "components/forms.html" import date_input, error_summary %}'


def _render(app, form: Form, hint: str | None = None) -> str:
    with app.test_request_context():
        return render_template_string(
            _MACROS
            + "{{ error_summary(form) }}{{ date_input(form.incident_date, 'When it happened', hint) }}",
            form=form,
            hint=hint,
        )


def _input(html: str, part: str, name: str = "incident_date") -> str:
    found = re.search(rf'<input[^>]*id="{name}-{part}"[^>]*>', html)
    assert found, f"no {name}-{part} box"
    return found.group(0)


def test_the_macro_draws_three_boxes_in_a_fieldset(app):
    html = _render(app, _Incident(incident_date=date(2026, 1, 5)), hint="For example, 27 3 2026")
    legend = re.search(r"<legend[^>]*>(.*?)</legend>", html, re.S)
    assert legend and "govuk-fieldset__legend--s" in legend.group(0)
    assert legend.group(1).strip() == "When it happened"
    assert "For example, 27 3 2026" in html
    assert 'type="date"' not in html
    for part, width, value in [("day", 2, "5"), ("month", 2, "1"), ("year", 4, "2026")]:
        box = _input(html, part)
        assert f'name="incident_date-{part}"' in box
        assert f"govuk-input--width-{width}" in box
        assert 'inputmode="numeric"' in box
        assert f'value="{value}"' in box
        assert "govuk-input--error" not in box
    assert f'<label class="govuk-label govuk-date-input__label" for="incident_date-{part}">' in html
    assert "There is a problem" not in html


def test_the_macro_marks_only_the_boxes_in_error_and_keeps_what_was_typed(app):
    html = _render(app, _posted(_typed("9", "", "2026")))
    assert "govuk-form-group--error" in html
    assert "Date of the incident must include a month" in html
    assert "govuk-input--error" in _input(html, "month")
    assert "govuk-input--error" not in _input(html, "day")
    assert 'value="9"' in _input(html, "day") and 'value="2026"' in _input(html, "year")
    assert 'href="#incident_date-month"' in html  # the error summary's link


def test_the_macro_marks_every_box_when_the_whole_date_is_wrong(app):
    html = _render(app, _posted(_typed("", "", "")))
    assert all("govuk-input--error" in _input(html, part) for part in ("day", "month", "year"))
    assert 'href="#incident_date-day"' in html


def test_a_refusal_from_a_service_marks_every_box(app):
    form = _posted(_typed("9", "3", "2026"))
    form.incident_date.errors = ["The incident cannot be after today"]  # as attach_domain_error does
    html = _render(app, form)
    assert all("govuk-input--error" in _input(html, part) for part in ("day", "month", "year"))
    assert 'href="#incident_date-day"' in html


# The pages


def test_no_form_uses_the_browsers_own_date_picker(client, session):
    """Every date is typed in three boxes: the browser's picker shows mm/dd/yyyy."""
    admin = make_person(session, name="Ada Admin", email="admin@council.example", roles={Role.ADMINISTRATOR})
    client.sign_in_as(admin)
    for url in ["/people/new", f"/people/{admin.id}/edit", f"/people/{admin.id}/leave"]:
        html = client.get(url).get_data(as_text=True)
        assert 'type="date"' not in html, url
        assert re.search(r'name="(start|leaving)_date-day"', html), url
    html = client.get(f"/people/{admin.id}/edit").get_data(as_text=True)
    assert 'value="5"' in _input(html, "day", "start_date")  # they started on 5 January 2026
    assert 'value="2026"' in _input(html, "year", "start_date")


def test_a_half_typed_date_comes_back_with_what_was_typed(client, session):
    admin = make_person(session, name="Ada Admin", email="admin@council.example", roles={Role.ADMINISTRATOR})
    client.sign_in_as(admin)
    html = client.post(
        "/people/new",
        {"name": "Bo Baker", "email": "bo@council.example", "engagement_type": "employee"}
        | {"start_date-day": "12", "start_date-month": "", "start_date-year": "2026"},
    ).get_data(as_text=True)
    assert "Start date must include a month" in html
    assert 'href="#start_date-month"' in html
    assert 'value="12"' in _input(html, "day", "start_date")
    assert 'value="2026"' in _input(html, "year", "start_date")
    assert "govuk-input--error" in _input(html, "month", "start_date")


def test_no_template_asks_for_a_date_with_the_browsers_picker():
    """The date_input macro is the way to ask for a date."""
    found = {
        str(path.relative_to(PROJECT_ROOT))
        for path in (PACKAGE_ROOT / "templates").rglob("*.html")
        if re.search(r"""type=["']date["']|'type': 'date'""", path.read_text())
    }
    assert found == set()
