"""The start-up checks that keep development shortcuts out of a live council."""

from __future__ import annotations

from pathlib import Path

from portal.config.settings import Settings
from portal.config.values import (
    DEFAULT_ACCESSIBILITY_EMAIL,
    DEVELOPMENT_EVIDENCE_KEY,
    DEVELOPMENT_EVIDENCE_KEY_ID,
    DEVELOPMENT_SECRET,
    MINIMUM_EVIDENCE_KEY_LENGTH,
    UnsafeConfiguration,
)


def evidence_key_problems(settings: Settings) -> list[str]:
    """Why production cannot seal evidence with these settings (none: it can)."""
    problems = []
    if (
        settings.evidence_key == DEVELOPMENT_EVIDENCE_KEY
        or settings.evidence_key_id == DEVELOPMENT_EVIDENCE_KEY_ID
    ):
        problems.append(
            "PORTAL_EVIDENCE_KEY or PORTAL_EVIDENCE_KEY_FILE must give the council's own evidence key "
            "(see the README, 'Evidence keys'): without it audit events and evidence cannot be sealed"
        )
    elif len(settings.evidence_key) < MINIMUM_EVIDENCE_KEY_LENGTH:
        problems.append(f"the evidence key must be at least {MINIMUM_EVIDENCE_KEY_LENGTH} random characters")
    if settings.evidence_key_file:
        mode = Path(settings.evidence_key_file).stat().st_mode
        if mode & 0o077:
            problems.append(
                f"PORTAL_EVIDENCE_KEY_FILE {settings.evidence_key_file!r} must be readable only by "
                "the portal's user (chmod 600)"
            )
    return problems


def seal_problems(settings: Settings) -> list[str]:
    """Why production cannot sign the documents it issues as evidence (none: it can)."""
    if not settings.seal_p12:
        return [
            "PORTAL_SEAL_P12 must name the council's signing certificate and key, a PKCS#12 file "
            "(see the README, 'The council's signing certificate'; `flask --app wsgi seal create` makes one)"
        ]
    path = Path(settings.seal_p12)
    if not path.is_file():
        return [f"PORTAL_SEAL_P12 {settings.seal_p12!r} is not a file the portal can read"]
    if path.stat().st_mode & 0o077:
        return [
            f"PORTAL_SEAL_P12 {settings.seal_p12!r} must be readable only by the portal's user (chmod 600)"
        ]
    return []


def accessibility_contact_problems(settings: Settings) -> list[str]:
    """Why the accessibility statement could not give a contact that reaches the council (none:
    it can). The Public Sector Bodies Accessibility Regulations 2018 require one."""
    email = settings.accessibility_email
    if email == DEFAULT_ACCESSIBILITY_EMAIL or "@" not in email or any(c.isspace() for c in email):
        return [
            "PORTAL_ACCESSIBILITY_EMAIL must be set to an address that reaches the council: the "
            "accessibility statement gives it for reporting a problem (see the README, 'Accessibility')"
        ]
    return []


def check_production(settings: Settings, demo_accounts_present: bool) -> None:
    """Refuse to serve a production council with development shortcuts left on."""
    if not settings.is_production:
        return
    problems = []
    if settings.secret_key == DEVELOPMENT_SECRET or len(settings.secret_key) < 32:
        problems.append("PORTAL_SECRET_KEY must be set to a random value of at least 32 characters")
    if settings.debug:
        problems.append("PORTAL_DEBUG must be off")
    if settings.demo:
        problems.append("PORTAL_DEMO must be off")
    if settings.base_url == Settings.base_url or not settings.public_host:
        # Links in email are built from it, and requests for any other host are refused.
        problems.append("PORTAL_BASE_URL must be set to the portal's public address")
    problems.extend(evidence_key_problems(settings))
    problems.extend(seal_problems(settings))
    problems.extend(accessibility_contact_problems(settings))
    if settings.oidc_issuer and not settings.oidc_issuer.startswith("https://"):
        # Discovery and the keys that check every ID token come from the issuer.
        problems.append("PORTAL_OIDC_ISSUER must be an https:// address")
    if settings.oidc_issuer and not settings.oidc_client_secret:
        problems.append("PORTAL_OIDC_CLIENT_SECRET must be set when PORTAL_OIDC_ISSUER is")
    if demo_accounts_present:
        problems.append(
            "the database holds demo accounts; production needs a database without the demo council"
        )
    if problems:
        raise UnsafeConfiguration("refusing to start in production: " + "; ".join(problems))
