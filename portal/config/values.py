"""How PORTAL_* values are read: the shared constants, the parsers and the errors they raise.

Kept apart from the Settings class so that a parser can be used, and tested, without
building a whole set of settings (gunicorn.conf.py reads PORTAL_FORWARDED_ALLOW_IPS here).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Collection
from pathlib import Path

# The checkout (or the folder the package is installed in): portal/config/ is two below it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
# The package itself: everything it needs to run (templates, migrations, the quiz bank,
# the built assets) lives inside it, so that an installed wheel has it all.
PACKAGE_ROOT = PROJECT_ROOT / "portal"
# Where the embedded SQLite database and other local files go: the checkout's instance/
# folder, or, for an installed package (whose parent folder is site-packages), an
# instance/ folder where it is run from.
INSTANCE_FOLDER = (
    PROJECT_ROOT / "instance" if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd() / "instance"
)
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
# The evidence key seals audit events and evidence records (portal/audit/seal.py). It is
# public here on purpose: development and tests need one, production refuses it.
DEVELOPMENT_EVIDENCE_KEY = "development-only-evidence-key-do-not-use-in-production"
DEVELOPMENT_EVIDENCE_KEY_ID = "dev"
MINIMUM_EVIDENCE_KEY_LENGTH = 32
# An address no one reads: development shows it, production refuses it.
DEFAULT_ACCESSIBILITY_EMAIL = "accessibility@council.example"


class UnsafeConfiguration(RuntimeError):
    """Raised at start-up when settings are unsafe or cannot be understood."""


# The written warnings whose live period the council sets (PORTAL_WARNING_LIVE_MONTHS),
# by the stage names of portal/conduct/models.py.
WARNING_STAGES = ("first_written", "final_written")
# The kinds PORTAL_PERSONAL_RETENTION_MONTHS gives a period for (portal/retention).
PERSONAL_RETENTION_KINDS = (
    "leaver_accounts",
    "sign_in_records",
    "acknowledgements",
    "quiz_attempts",
    "authorisations",
    "business_cases",
    "information_requests",
    "outbox",
    "audit_details",
)

# Exact, lower-case values: a mistyped PORTAL_ENV (say "Production") must not quietly
# run a live council without the production checks.
ENVIRONMENTS = ("development", "production")


def check_environment(value: str) -> None:
    if value not in ENVIRONMENTS:
        raise UnsafeConfiguration(
            f"PORTAL_ENV is {value!r}; it must be one of: {', '.join(ENVIRONMENTS)} (in lower case)"
        )


def flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_FOLDER / 'portal.sqlite3'}"


class BadMonthsSetting(ValueError):
    """A retention setting ("name=months,name=months") cannot be read."""


def parse_months(setting_name: str, value: str, kinds: Collection[str]) -> dict[str, int]:
    """A retention setting such as "warning=6,no_warning=6,dismissal=72": every kind given
    exactly once, as whole months. Read at start-up, so a typing mistake stops the portal
    rather than the schedule that depends on it."""
    months: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, _, number = part.partition("=")
        if name.strip() not in kinds or not number.strip().isdigit():
            raise BadMonthsSetting(f"{setting_name}: cannot read {part!r}")
        months[name.strip()] = int(number)
    if set(months) != set(kinds):
        raise BadMonthsSetting(f"{setting_name} must give " + ", ".join(kinds))
    return months


def read_key_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise UnsafeConfiguration(
            f"PORTAL_EVIDENCE_KEY_FILE {path!r} cannot be read: {error.strerror}"
        ) from None


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use psycopg 3 for all of them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# A reverse proxy on the same machine, as gunicorn itself assumes.
DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1,::1"


def forwarded_allow_ips(value: str) -> list[str]:
    """PORTAL_FORWARDED_ALLOW_IPS as gunicorn's forwarded_allow_ips: the addresses (or
    networks, such as 10.0.0.0/24) of the proxies allowed to say the request came over
    HTTPS. Each entry must be an address or network: gunicorn's "*" (believe anyone) is
    refused, because then any client could claim HTTPS."""
    entries = [part.strip() for part in value.split(",") if part.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry)
        except ValueError:
            raise UnsafeConfiguration(
                f"PORTAL_FORWARDED_ALLOW_IPS: {entry!r} is not an IP address or network; list the "
                "addresses of the reverse proxies in front of gunicorn, comma-separated"
            ) from None
    return entries
