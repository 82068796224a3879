"""Helpers shared by every feature's forms and views."""

from __future__ import annotations

from flask_wtf import FlaskForm

from portal.errors import DomainError


def attach_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal beside the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def has_errors(form: FlaskForm) -> bool:
    return bool(form.errors or form.form_errors)
