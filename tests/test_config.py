from __future__ import annotations

import pytest

from portal import create_app
from portal.config import DEVELOPMENT_SECRET, Settings, UnsafeConfiguration, check_production
from portal.demo import load_demo_council
from tests.conftest import settings_for

STRONG_SECRET = "s" * 40


def _production(**overrides):
    values = {
        "environment": "production",
        "secret_key": STRONG_SECRET,
        "debug": False,
        "demo": False,
        "base_url": "https://portal.example-tc.gov.uk",
    }
    values.update(overrides)
    return Settings(**values)


def test_production_with_safe_settings_starts():
    check_production(_production(), demo_accounts_present=False)


@pytest.mark.parametrize(
    ("overrides", "demo_present", "complaint"),
    [
        ({"secret_key": DEVELOPMENT_SECRET}, False, "PORTAL_SECRET_KEY"),
        ({"secret_key": "short"}, False, "PORTAL_SECRET_KEY"),
        ({"debug": True}, False, "PORTAL_DEBUG"),
        ({"demo": True}, False, "PORTAL_DEMO"),
        ({}, True, "demo accounts"),
        ({"base_url": "http://127.0.0.1:5000"}, False, "PORTAL_BASE_URL"),
        ({"base_url": "portal.example-tc.gov.uk"}, False, "PORTAL_BASE_URL"),
    ],
)
def test_production_refuses_unsafe_settings(overrides, demo_present, complaint):
    with pytest.raises(UnsafeConfiguration, match=complaint):
        check_production(_production(**overrides), demo_accounts_present=demo_present)


def test_the_app_refuses_production_with_the_demo_council_loaded(app, database_url, session):
    with app.app_context():
        load_demo_council(session)
    session.commit()
    with pytest.raises(UnsafeConfiguration, match="demo accounts"):
        create_app(
            settings_for(database_url, environment="production", secret_key=STRONG_SECRET, testing=False)
        )


def settings_for_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgres://u@db/portal")
    monkeypatch.setenv("PORTAL_COUNCIL_NAME", "Elsewhere Parish Council")
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "1")
    settings = Settings.from_environment()
    assert settings.database_url == "postgresql+psycopg://u@db/portal"
    assert settings.council_name == "Elsewhere Parish Council"
    assert settings.trusted_proxies == 1


@pytest.mark.parametrize("value", ["Production", "prod", "live", " production", "PRODUCTION", ""])
def test_an_unknown_portal_env_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("PORTAL_ENV", value)
    with pytest.raises(UnsafeConfiguration, match="PORTAL_ENV is .*must be one of: development, production"):
        Settings.from_environment()
    with pytest.raises(UnsafeConfiguration, match="PORTAL_ENV"):
        create_app()


@pytest.mark.parametrize("value", ["development", "production"])
def test_the_known_portal_env_values_are_read(monkeypatch, value):
    monkeypatch.setenv("PORTAL_ENV", value)
    assert Settings.from_environment().is_production == (value == "production")


def test_settings_made_in_code_are_checked_too():
    with pytest.raises(UnsafeConfiguration, match="PORTAL_ENV"):
        Settings(environment="Production")
    with pytest.raises(UnsafeConfiguration, match="PORTAL_ENV"):
        Settings.from_environment(environment="staging")
