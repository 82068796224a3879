"""Settings read from PORTAL_* environment variables.

Development gets safe, working defaults so that `make run` needs no set-up.
Production (PORTAL_ENV=production) refuses to start on anything that would be
unsafe to expose: see `check_production`.

The package is split along its seams (values: constants and parsers; settings: the
Settings class; production: the start-up checks) and everything is imported from here,
so code says `from portal.config import Settings` whichever module holds it.
"""

from portal.config.production import (
    accessibility_contact_problems,
    check_production,
    evidence_key_problems,
    seal_problems,
)
from portal.config.settings import Settings
from portal.config.values import (
    DEFAULT_ACCESSIBILITY_EMAIL,
    DEFAULT_FORWARDED_ALLOW_IPS,
    DEVELOPMENT_EVIDENCE_KEY,
    DEVELOPMENT_EVIDENCE_KEY_ID,
    DEVELOPMENT_SECRET,
    ENVIRONMENTS,
    INSTANCE_FOLDER,
    MINIMUM_EVIDENCE_KEY_LENGTH,
    PACKAGE_ROOT,
    PERSONAL_RETENTION_KINDS,
    PROJECT_ROOT,
    WARNING_STAGES,
    BadMonthsSetting,
    UnsafeConfiguration,
    check_environment,
    default_database_url,
    forwarded_allow_ips,
    normalise_database_url,
    parse_months,
    read_key_file,
)

__all__ = [
    "DEFAULT_ACCESSIBILITY_EMAIL",
    "DEFAULT_FORWARDED_ALLOW_IPS",
    "DEVELOPMENT_EVIDENCE_KEY",
    "DEVELOPMENT_EVIDENCE_KEY_ID",
    "DEVELOPMENT_SECRET",
    "ENVIRONMENTS",
    "INSTANCE_FOLDER",
    "MINIMUM_EVIDENCE_KEY_LENGTH",
    "PERSONAL_RETENTION_KINDS",
    "PACKAGE_ROOT",
    "PROJECT_ROOT",
    "WARNING_STAGES",
    "BadMonthsSetting",
    "Settings",
    "UnsafeConfiguration",
    "accessibility_contact_problems",
    "check_environment",
    "check_production",
    "default_database_url",
    "evidence_key_problems",
    "forwarded_allow_ips",
    "normalise_database_url",
    "parse_months",
    "read_key_file",
    "seal_problems",
]
