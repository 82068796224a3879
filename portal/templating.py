"""Jinja set-up: GOV.UK Frontend macros, strict undefined names, shared filters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader, StrictUndefined, Undefined

from portal.config import PROJECT_ROOT

LONDON = ZoneInfo("Europe/London")


class StrictExceptOptions(StrictUndefined):
    """Fail on any undefined name or attribute, except a missing key of a dict.

    GOV.UK Frontend's macros read optional keys from their `params` dict
    (`params.classes`, `params.hint`...) and expect a missing key to be falsy, as in
    Nunjucks (and likewise `caller`, below). Everything else, such as a misspelt variable or model attribute in our
    own templates, still raises at render time.
    """

    def _lenient(self) -> bool:
        # `caller` is undefined in a macro used without {% call %}; the GOV.UK
        # macros test for it to make the call block optional.
        return isinstance(self._undefined_obj, Mapping) or self._undefined_name == "caller"

    def __bool__(self) -> bool:
        return False if self._lenient() else super().__bool__()

    def __str__(self) -> str:
        return "" if self._lenient() else super().__str__()

    def __iter__(self) -> Any:
        return iter(()) if self._lenient() else super().__iter__()

    def __len__(self) -> int:
        return 0 if self._lenient() else super().__len__()

    def __eq__(self, other: object) -> bool:
        return Undefined.__eq__(self, other) if self._lenient() else super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return Undefined.__ne__(self, other) if self._lenient() else super().__ne__(other)

    def __contains__(self, item: object) -> bool:
        return False if self._lenient() else super().__contains__(item)

    __hash__ = Undefined.__hash__


def format_date(value: date | datetime | None) -> str:
    """A date as UK staff write it: 21 November 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    """UK local time, so a clerk reads the time they actually saw on the wall."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.undefined = StrictExceptOptions
    # The GOV.UK macros use the bare names `undefined` and `null` as "no value",
    # counting on them being undefined; give them that meaning explicitly.
    app.jinja_env.globals["undefined"] = Undefined()
    app.jinja_env.globals["null"] = Undefined()
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
