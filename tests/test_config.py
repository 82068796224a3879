from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from portal import create_app
from portal.config import (
    DEVELOPMENT_EVIDENCE_KEY,
    DEVELOPMENT_SECRET,
    Settings,
    UnsafeConfiguration,
    check_production,
)
from portal.demo import load_demo_council
from tests.conftest import settings_for
from tests.helpers import council_seal_file

STRONG_SECRET = "s" * 40
STRONG_EVIDENCE_KEY = "e" * 43


def _production(**overrides):
    values = {
        "environment": "production",
        "secret_key": STRONG_SECRET,
        "debug": False,
        "demo": False,
        "base_url": "https://portal.example-tc.gov.uk",
        "evidence_key": STRONG_EVIDENCE_KEY,
        "evidence_key_id": "1",
        "seal_p12": council_seal_file(),
        "accessibility_email": "access@example-tc.gov.uk",
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
        ({"evidence_key": DEVELOPMENT_EVIDENCE_KEY, "evidence_key_id": "dev"}, False, "PORTAL_EVIDENCE_KEY"),
        ({"evidence_key_id": "dev"}, False, "PORTAL_EVIDENCE_KEY"),
        ({"evidence_key": "short"}, False, "at least 32"),
        ({"seal_p12": ""}, False, "PORTAL_SEAL_P12 must name the council's signing certificate"),
        ({"seal_p12": "/nowhere/seal.p12"}, False, "not a file the portal can read"),
        ({"accessibility_email": "accessibility@council.example"}, False, "PORTAL_ACCESSIBILITY_EMAIL"),
        ({"accessibility_email": "the town clerk"}, False, "PORTAL_ACCESSIBILITY_EMAIL"),
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
        create_app(_production_settings_for(database_url))


def _production_settings_for(database_url: str, **overrides: object) -> Settings:
    """Settings that pass every start-up check but the one a test breaks."""
    values: dict[str, object] = {
        "environment": "production",
        "secret_key": STRONG_SECRET,
        "base_url": "https://portal.example-tc.gov.uk",
        "evidence_key": STRONG_EVIDENCE_KEY,
        "evidence_key_id": "1",
        "seal_p12": council_seal_file(),
        "accessibility_email": "access@example-tc.gov.uk",
        "testing": False,
    }
    return settings_for(database_url, **{**values, **overrides})


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


def test_production_refuses_to_start_without_an_evidence_key(monkeypatch):
    for name in ("PORTAL_EVIDENCE_KEY", "PORTAL_EVIDENCE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment(environment="production", secret_key=STRONG_SECRET)
    with pytest.raises(UnsafeConfiguration, match="PORTAL_EVIDENCE_KEY or PORTAL_EVIDENCE_KEY_FILE"):
        check_production(
            Settings(**{**vars(settings), "base_url": "https://portal.example-tc.gov.uk"}),
            demo_accounts_present=False,
        )


def test_development_seals_with_the_fixed_development_key(monkeypatch):
    for name in ("PORTAL_EVIDENCE_KEY", "PORTAL_EVIDENCE_KEY_FILE", "PORTAL_EVIDENCE_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_environment()
    assert (settings.evidence_key, settings.evidence_key_id) == (DEVELOPMENT_EVIDENCE_KEY, "dev")


def test_the_evidence_key_comes_from_a_file_readable_only_by_the_portal(monkeypatch, tmp_path):
    key_file = tmp_path / "evidence.key"
    key_file.write_text(STRONG_EVIDENCE_KEY + "\n")
    key_file.chmod(0o600)
    monkeypatch.setenv("PORTAL_EVIDENCE_KEY_FILE", str(key_file))
    monkeypatch.setenv("PORTAL_EVIDENCE_KEY_ID", "2027")
    monkeypatch.setenv("PORTAL_EVIDENCE_OLD_KEYS", "2026:" + "o" * 40)
    settings = Settings.from_environment()
    assert (settings.evidence_key, settings.evidence_key_id) == (STRONG_EVIDENCE_KEY, "2027")
    assert settings.old_evidence_keys() == {"2026": "o" * 40}
    assert STRONG_EVIDENCE_KEY not in repr(settings)
    check_production(_production(evidence_key_file=str(key_file)), demo_accounts_present=False)
    key_file.chmod(0o644)
    with pytest.raises(UnsafeConfiguration, match="chmod 600"):
        check_production(_production(evidence_key_file=str(key_file)), demo_accounts_present=False)


@pytest.mark.parametrize("value", ["nocolon", ":key", "id:"])
def test_malformed_old_evidence_keys_stop_start_up(value):
    with pytest.raises(UnsafeConfiguration, match="PORTAL_EVIDENCE_OLD_KEYS"):
        Settings(evidence_old_keys=value).old_evidence_keys()


def test_an_unreadable_key_file_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_EVIDENCE_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(UnsafeConfiguration, match="cannot be read"):
        Settings.from_environment()


def test_production_refuses_a_signing_certificate_others_can_read(tmp_path):
    shared = tmp_path / "seal.p12"
    shared.write_bytes(b"anything")
    shared.chmod(0o644)
    with pytest.raises(UnsafeConfiguration, match="readable only by the portal's user"):
        check_production(_production(seal_p12=str(shared)), demo_accounts_present=False)


def test_production_refuses_to_start_with_a_wrong_seal_passphrase(app, database_url):
    with pytest.raises(UnsafeConfiguration, match="PKCS#12 file cannot be opened"):
        create_app(_production_settings_for(database_url, seal_p12_passphrase="not the passphrase"))


PORTAL = Path(__file__).resolve().parent.parent / "portal"


def test_every_setting_is_read_somewhere():
    """A setting that nothing reads misleads whoever sets it: portal/config.py once held copies of
    the sign-in throttle and link lifetime, which portal/auth/service.py never looked at."""
    sources = "\n".join(path.read_text(encoding="utf-8") for path in PORTAL.rglob("*.py"))
    unread = [f.name for f in fields(Settings) if not re.search(rf"\.{f.name}\b", sources)]
    assert unread == []


@pytest.mark.parametrize(
    "removed", ["sign_in_failures_allowed", "sign_in_failure_window", "password_token_lifetime"]
)
def test_the_unread_copies_of_auth_rules_are_gone(removed):
    with pytest.raises(TypeError, match="unknown setting"):
        Settings.from_environment(**{removed: 1})


def test_the_config_package_still_offers_its_names_in_one_place():
    import portal.config

    for name in ("Settings", "normalise_database_url", "check_production", "parse_months", "PROJECT_ROOT"):
        assert hasattr(portal.config, name), name
    assert (portal.config.PROJECT_ROOT / "portal" / "__init__.py").is_file()


SSO = {
    "oidc_issuer": "https://login.microsoftonline.com/6f1c0b5e-3a52-4c1d-9f0e-2b7d5a1c9e44/v2.0",
    "oidc_client_id": "0b8f7f0e-6c1d-4a3b-8e2f-5d9c1a7b3e60",
    "oidc_email_domains": "example-tc.gov.uk",
}


def test_production_with_single_sign_on_needs_https_and_a_client_secret():
    check_production(_production(**SSO, oidc_client_secret="a secret"), demo_accounts_present=False)
    with pytest.raises(UnsafeConfiguration, match="PORTAL_OIDC_CLIENT_SECRET"):
        check_production(_production(**SSO), demo_accounts_present=False)
    plain = {**SSO, "oidc_issuer": "http://login.example/tenant/v2.0", "oidc_client_secret": "a secret"}
    with pytest.raises(UnsafeConfiguration, match="https://"):
        check_production(_production(**plain), demo_accounts_present=False)


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"oidc_client_id": ""}, "PORTAL_OIDC_CLIENT_ID"),
        ({"oidc_email_domains": " , "}, "PORTAL_OIDC_EMAIL_DOMAINS"),
        # Entra ID's shared endpoints would let in accounts from any organisation.
        ({"oidc_issuer": "https://login.microsoftonline.com/common/v2.0"}, "own tenant"),
        ({"oidc_issuer": "https://login.microsoftonline.com/organizations/v2.0"}, "own tenant"),
        ({"oidc_clock_skew_seconds": -1}, "PORTAL_OIDC_CLOCK_SKEW_SECONDS"),
    ],
)
def test_single_sign_on_settings_are_checked_at_start_up(overrides, complaint):
    with pytest.raises(UnsafeConfiguration, match=complaint):
        Settings(**{**SSO, **overrides})


def test_single_sign_on_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_OIDC_ISSUER", SSO["oidc_issuer"] + "/")
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_ID", SSO["oidc_client_id"])
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_SECRET", "a secret")
    monkeypatch.setenv("PORTAL_OIDC_EMAIL_DOMAINS", "@Example-TC.gov.uk, example.gov.uk")
    monkeypatch.setenv("PORTAL_OIDC_CLOCK_SKEW_SECONDS", "30")
    settings = Settings.from_environment()
    assert settings.single_sign_on and settings.oidc_issuer == SSO["oidc_issuer"]
    assert settings.oidc_domains() == {"example-tc.gov.uk", "example.gov.uk"}
    assert settings.oidc_clock_skew_seconds == 30 and "a secret" not in repr(settings)
