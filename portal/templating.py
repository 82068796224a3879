"""Jinja set-up: GOV.UK Frontend macros, strict undefined names, shared filters."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask.templating import Environment
from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    Template,
    Undefined,
)
from markdown_it import MarkdownIt
from markupsafe import Markup

from portal.clock import LONDON
from portal.config import PACKAGE_ROOT

GOVUK_PREFIX = "govuk_frontend_jinja/"


class PortalEnvironment(Environment):
    """Strict about undefined names in our templates, lenient in GOV.UK Frontend's.

    The GOV.UK macros are a line-by-line port of Nunjucks and rely on undefined
    names being falsy (`params.classes`, variables set in one branch, `caller`).
    Their templates are therefore compiled by a twin of this environment (an overlay:
    the same loader, filters, globals and whitespace settings) with Jinja's ordinary
    Undefined, while every template of ours raises on a misspelt name.

    The switch is made in `get_template`, the public method through which Flask's
    render_template and every `{% from %}`, `{% import %}`, `{% extends %}` and
    `{% include %}` of a named template reach a template. A template keeps the
    environment that compiled it, so a GOV.UK macro called from a strict page stays
    lenient, and the page around it stays strict.
    """

    _lenient_twin: Environment | None = None

    def get_template(
        self,
        name: str | Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,  # noqa: A002 (Jinja's own name)
    ) -> Template:
        if isinstance(name, str) and name.startswith(GOVUK_PREFIX) and self.is_strict:
            return self.lenient_twin().get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    @property
    def is_strict(self) -> bool:
        return issubclass(self.undefined, StrictUndefined)

    def lenient_twin(self) -> Environment:
        # Made on first use, after init_app has set the filters and whitespace options
        # that the overlay copies.
        if self._lenient_twin is None:
            self._lenient_twin = self.overlay(undefined=Undefined)
        return self._lenient_twin


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str) -> str:
    """Safe HTML from Markdown: raw HTML in the text is shown as text, never run."""
    html: str = _markdown.render(text)  # Any: a renderer may return anything; the HTML one, a str
    return html


def _parsed(value: str) -> date | datetime:
    """An ISO date or time, as frozen evidence (JSON) keeps them."""
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def format_date(value: date | datetime | str | None) -> str:
    """A date as UK staff write it: 21 November 2026."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _parsed(value)
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | str | None) -> str:
    """UK local time, so a clerk reads the time they actually saw on the wall."""
    if value is None or value == "":
        return ""
    parsed = _parsed(value) if isinstance(value, str) else value
    if not isinstance(parsed, datetime):
        return format_date(parsed)
    local = parsed.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def init_app(app: Flask) -> None:
    # Must be set before anything touches app.jinja_env, which builds it once.
    app.jinja_environment = PortalEnvironment
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PACKAGE_ROOT / "templates")),
            PrefixLoader({GOVUK_PREFIX.rstrip("/"): PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["markdown"] = lambda text: Markup(render_markdown(text))  # noqa: S704 (html disabled)
