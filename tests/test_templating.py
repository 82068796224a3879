"""Jinja set-up (portal/templating.py): our templates are strict about undefined names,
GOV.UK Frontend's are not, and that is done without Jinja's private methods."""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import UndefinedError

from portal.templating import PortalEnvironment

BUTTON = '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'


def test_our_templates_refuse_a_misspelt_name(app):
    for source in ("{{ council_nmae }}", "{% if council_nmae %}x{% endif %}", "{{ 'x' if params.classes }}"):
        with app.test_request_context(), pytest.raises(UndefinedError):
            app.jinja_env.from_string(source).render(params={})


def test_govuk_macros_may_leave_their_parameters_out(app):
    # The button's template reads params.classes, params.href, params.attributes and more,
    # none of them given: under StrictUndefined each would raise.
    with app.test_request_context():
        html = app.jinja_env.from_string(BUTTON + '{{ govukButton({"text": "Save"}) }}').render()
    assert 'class="govuk-button"' in html and "Save" in html


def test_a_page_calling_a_govuk_macro_stays_strict_around_it(app):
    page = app.jinja_env.from_string(BUTTON + '{{ govukButton({"text": "Save"}) }}{{ misspelt }}')
    with app.test_request_context(), pytest.raises(UndefinedError, match="misspelt"):
        page.render()


def test_the_govuk_templates_share_our_filters_and_globals(app):
    lenient = app.jinja_env.get_template("govuk_frontend_jinja/components/button/macro.html").environment
    assert lenient is not app.jinja_env and lenient.undefined is jinja2.Undefined
    assert lenient.filters is app.jinja_env.filters and lenient.globals is app.jinja_env.globals
    assert lenient.trim_blocks == app.jinja_env.trim_blocks


def test_no_private_jinja_method_is_overridden():
    """Jinja may change its private methods in any release (issue 21, "No internal imports")."""
    overridden = [
        name
        for name in vars(PortalEnvironment)
        if name.startswith("_") and not name.startswith("__") and hasattr(jinja2.Environment, name)
    ]
    assert overridden == []
