"""The Settings class: every PORTAL_* environment variable, with development defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import timedelta
from urllib.parse import urlsplit

from portal.config.values import (
    DEFAULT_ACCESSIBILITY_EMAIL,
    DEVELOPMENT_EVIDENCE_KEY,
    DEVELOPMENT_EVIDENCE_KEY_ID,
    DEVELOPMENT_SECRET,
    PERSONAL_RETENTION_KINDS,
    WARNING_STAGES,
    BadMonthsSetting,
    UnsafeConfiguration,
    check_environment,
    default_database_url,
    flag,
    normalise_database_url,
    parse_months,
    read_key_file,
)


@dataclass
class Settings:
    environment: str = "development"
    secret_key: str = DEVELOPMENT_SECRET
    database_url: str = field(default_factory=default_database_url)
    debug: bool = False
    demo: bool = False
    council_name: str = "Ashcombe Town Council"
    council_address: str = "Town Hall, Market Square, Ashcombe, AB1 2CD"  # on letters; commas break lines
    base_url: str = "http://127.0.0.1:5000"
    max_content_length: int = 2 * 1024 * 1024
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=12)
    testing: bool = False
    # How many reverse proxies in front of the portal may set X-Forwarded-For.
    trusted_proxies: int = 0
    ratelimit_storage_url: str = "memory://"
    # Where the SQL echo goes is left to logging; this only turns it on.
    echo_sql: bool = False
    # Business case risk matrix (see portal/business_cases/risk.py): empty scores means
    # likelihood × impact; bands give the lowest score of medium, high and very high.
    risk_scores: str = ""
    risk_bands: str = "medium=5,high=10,very_high=16"
    # Outgoing email (flask outbox send). No host: messages wait in the outbox.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = "portal@council.example"
    smtp_timeout_seconds: float = 20.0
    # Reminders (flask reminders run), in England and Wales working days.
    reminder_days_before_due: int = 3
    escalate_after_overdue_days: int = 5
    # Disciplinary retention, in months per record type (see portal/conduct/retention.py).
    retention_months: str = "warning=6,no_warning=6,dismissal=72"
    # How long a first and a final written warning stay live, in months. The council's own
    # Disciplinary Policy sets these; the ACAS Code sets no period (see portal/conduct/records.py).
    warning_live_months: str = "first_written=6,final_written=12"
    # How long addresses and browsers are kept (see portal/people/addresses.py).
    address_retention_months: str = "after_leaving=72,not_signed_in=12"
    # How long a closed breach record is kept (see portal/breaches/retention.py).
    breach_retention_months: str = "closed=72"
    # How long every other kind of personal record is kept (portal/retention; README,
    # "Retention schedule"). Accounts outlast the evidence that names them.
    personal_retention_months: str = (
        "leaver_accounts=72,sign_in_records=12,acknowledgements=72,quiz_attempts=72,authorisations=72,"
        "business_cases=72,information_requests=36,outbox=12,audit_details=72"
    )
    # Keyed seals: held outside the database, so a database insider cannot remake them
    # (DESIGN.md, threat model). Old keys ("id:key,id:key") go on checking older seals.
    evidence_key: str = field(default=DEVELOPMENT_EVIDENCE_KEY, repr=False)
    evidence_key_id: str = DEVELOPMENT_EVIDENCE_KEY_ID
    evidence_key_file: str = ""
    evidence_old_keys: str = field(default="", repr=False)
    # Where `flask audit anchor` writes the chain's head, outside the database.
    audit_anchor_file: str = ""
    audit_anchor_email: str = ""
    # PostgreSQL: migrations run as the owner role; the portal itself as a runtime role
    # that cannot alter the append-only tables (README, "Two PostgreSQL roles"). Empty:
    # migrations use database_url.
    migration_database_url: str = field(default="", repr=False)
    # The council's signing certificate and key (PKCS#12), for PAdES seals on the PDFs it
    # issues as evidence (portal/documents/signing.py). Old files ("path,path") stay
    # trusted so documents signed before a rotation still validate.
    seal_p12: str = ""
    seal_p12_passphrase: str = field(default="", repr=False)
    seal_old_certificates: str = ""
    # The accessibility statement's contact for reporting a problem or asking for another
    # format (Public Sector Bodies Accessibility Regulations 2018): production needs a real
    # address; the telephone number is shown when given.
    accessibility_email: str = DEFAULT_ACCESSIBILITY_EMAIL
    accessibility_phone: str = ""
    # The policy that lists the council's channels and is updated as they change (the
    # Communication Policy's introduction), by its short name: the Town Clerk is asked to
    # review it when a channel joins or leaves the register (portal/authorisations/channels_policy.py).
    channels_policy: str = "social-media-electronic-communication"
    # Single sign-on with the council's Microsoft 365 account (OpenID Connect; README,
    # "Signing in with the council's Microsoft 365 account"). No issuer: passwords only.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)
    # Only addresses in these domains are matched to a person the first time (the council's
    # own tenant can hold guests from anywhere): "ashcombe-tc.gov.uk,ashcombe.gov.uk".
    oidc_email_domains: str = ""
    # How far the identity provider's clock may be behind ours when a re-authentication's
    # auth_time is compared with the moment the button was pressed.
    oidc_clock_skew_seconds: int = 60

    def __post_init__(self) -> None:
        check_environment(self.environment)
        self.warning_live_periods()  # unreadable periods stop start-up, not a hearing's outcome
        self.breach_retention()
        self.personal_retention()
        self.check_single_sign_on()

    def warning_live_periods(self) -> dict[str, int]:
        """PORTAL_WARNING_LIVE_MONTHS as {stage: months}: how long each kind of written
        warning stays live, at least a month (a warning that is never live warns of nothing)."""
        months = parse_months("PORTAL_WARNING_LIVE_MONTHS", self.warning_live_months, WARNING_STAGES)
        if 0 in months.values():
            raise BadMonthsSetting("PORTAL_WARNING_LIVE_MONTHS: a warning stays live for at least one month")
        return months

    def breach_retention(self) -> int:
        """PORTAL_BREACH_RETENTION_MONTHS ("closed=72"): months a closed breach record is kept."""
        return parse_months("PORTAL_BREACH_RETENTION_MONTHS", self.breach_retention_months, ("closed",))[
            "closed"
        ]

    def personal_retention(self) -> dict[str, int]:
        """PORTAL_PERSONAL_RETENTION_MONTHS as {kind: months}. Every period is at least a
        month, and a leaver's account is kept at least as long as the acknowledgements and
        quiz results that name them: evidence must still say whose it is."""
        setting = "PORTAL_PERSONAL_RETENTION_MONTHS"
        months = parse_months(setting, self.personal_retention_months, PERSONAL_RETENTION_KINDS)
        if 0 in months.values():
            raise BadMonthsSetting(f"{setting}: every period is at least one month")
        named = max(months["acknowledgements"], months["quiz_attempts"])
        if months["leaver_accounts"] < named:
            raise BadMonthsSetting(
                f"{setting}: leaver_accounts must be at least {named} months, as long as the "
                "acknowledgements and quiz results that name the person"
            )
        return months

    def old_evidence_keys(self) -> dict[str, str]:
        """PORTAL_EVIDENCE_OLD_KEYS as {key id: key}; a malformed entry stops start-up."""
        keys: dict[str, str] = {}
        for entry in filter(None, (part.strip() for part in self.evidence_old_keys.split(","))):
            key_id, colon, secret = entry.partition(":")
            if not colon or not key_id.strip() or not secret.strip():
                raise UnsafeConfiguration(
                    "PORTAL_EVIDENCE_OLD_KEYS must be a comma-separated list of id:key pairs"
                )
            keys[key_id.strip()] = secret.strip()
        if self.evidence_key_id in keys and keys[self.evidence_key_id] != self.evidence_key:
            raise UnsafeConfiguration(
                f"PORTAL_EVIDENCE_OLD_KEYS gives key id {self.evidence_key_id!r} a different key from "
                "the current one; a new key needs a new PORTAL_EVIDENCE_KEY_ID"
            )
        return keys

    @property
    def single_sign_on(self) -> bool:
        """Whether the sign-in page offers the council account."""
        return bool(self.oidc_issuer and self.oidc_client_id)

    def oidc_domains(self) -> frozenset[str]:
        """PORTAL_OIDC_EMAIL_DOMAINS as lower-case domains, without a leading "@"."""
        parts = (part.strip().lstrip("@").lower() for part in self.oidc_email_domains.split(","))
        return frozenset(part for part in parts if part)

    def check_single_sign_on(self) -> None:
        """An issuer needs its client and its domains, and a tenant of its own: Entra ID's
        shared "common", "organizations" and "consumers" endpoints would accept accounts
        from any organisation (README, "Signing in with the council's Microsoft 365 account")."""
        if not self.oidc_issuer:
            return
        problems = []
        if not self.oidc_client_id:
            problems.append("PORTAL_OIDC_CLIENT_ID is not set")
        if not self.oidc_domains():
            problems.append("PORTAL_OIDC_EMAIL_DOMAINS names no domain")
        shared = ("common", "organizations", "consumers")
        if any(f"/{name}/" in f"{self.oidc_issuer}/" for name in shared):
            problems.append("PORTAL_OIDC_ISSUER must name the council's own tenant (its ID)")
        if self.oidc_clock_skew_seconds < 0 or self.oidc_clock_skew_seconds > 300:
            problems.append("PORTAL_OIDC_CLOCK_SKEW_SECONDS must be between 0 and 300")
        if problems:
            raise UnsafeConfiguration("Single sign-on: " + "; ".join(problems))

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def public_host(self) -> str:
        """The host name in PORTAL_BASE_URL: the only Host production answers to."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_environment(cls, **overrides: object) -> Settings:
        env = os.environ
        settings = cls(
            environment=env.get("PORTAL_ENV", "development"),
            secret_key=env.get("PORTAL_SECRET_KEY", DEVELOPMENT_SECRET),
            database_url=env.get("PORTAL_DATABASE_URL") or default_database_url(),
            debug=flag("PORTAL_DEBUG", False),
            demo=flag("PORTAL_DEMO", False),
            council_name=env.get("PORTAL_COUNCIL_NAME", cls.council_name),
            council_address=env.get("PORTAL_COUNCIL_ADDRESS", cls.council_address).strip(),
            base_url=env.get("PORTAL_BASE_URL", cls.base_url).rstrip("/"),
            max_content_length=int(env.get("PORTAL_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)),
            echo_sql=flag("PORTAL_ECHO_SQL", False),
            trusted_proxies=int(env.get("PORTAL_TRUSTED_PROXIES", 0)),
            ratelimit_storage_url=env.get("PORTAL_RATELIMIT_STORAGE_URL", "memory://"),
            risk_scores=env.get("PORTAL_RISK_SCORES", ""),
            risk_bands=env.get("PORTAL_RISK_BANDS", cls.risk_bands),
            retention_months=env.get("PORTAL_RETENTION_MONTHS", cls.retention_months),
            warning_live_months=env.get("PORTAL_WARNING_LIVE_MONTHS", cls.warning_live_months),
            address_retention_months=env.get("PORTAL_ADDRESS_RETENTION_MONTHS", cls.address_retention_months),
            breach_retention_months=env.get("PORTAL_BREACH_RETENTION_MONTHS", cls.breach_retention_months),
            personal_retention_months=env.get(
                "PORTAL_PERSONAL_RETENTION_MONTHS", cls.personal_retention_months
            ),
            smtp_host=env.get("PORTAL_SMTP_HOST", ""),
            smtp_port=int(env.get("PORTAL_SMTP_PORT", cls.smtp_port)),
            smtp_username=env.get("PORTAL_SMTP_USERNAME", ""),
            smtp_password=env.get("PORTAL_SMTP_PASSWORD", ""),
            smtp_starttls=flag("PORTAL_SMTP_STARTTLS", True),
            smtp_from=env.get("PORTAL_SMTP_FROM", cls.smtp_from),
            reminder_days_before_due=int(
                env.get("PORTAL_REMINDER_DAYS_BEFORE_DUE", cls.reminder_days_before_due)
            ),
            escalate_after_overdue_days=int(
                env.get("PORTAL_ESCALATE_AFTER_OVERDUE_DAYS", cls.escalate_after_overdue_days)
            ),
            evidence_old_keys=env.get("PORTAL_EVIDENCE_OLD_KEYS", ""),
            evidence_key_file=env.get("PORTAL_EVIDENCE_KEY_FILE", ""),
            audit_anchor_file=env.get("PORTAL_AUDIT_ANCHOR_FILE", ""),
            audit_anchor_email=env.get("PORTAL_AUDIT_ANCHOR_EMAIL", ""),
            migration_database_url=env.get("PORTAL_MIGRATION_DATABASE_URL", ""),
            seal_p12=env.get("PORTAL_SEAL_P12", ""),
            seal_p12_passphrase=env.get("PORTAL_SEAL_P12_PASSPHRASE", ""),
            seal_old_certificates=env.get("PORTAL_SEAL_OLD_CERTIFICATES", ""),
            accessibility_email=env.get("PORTAL_ACCESSIBILITY_EMAIL", cls.accessibility_email).strip(),
            accessibility_phone=env.get("PORTAL_ACCESSIBILITY_PHONE", "").strip(),
            channels_policy=env.get("PORTAL_CHANNELS_POLICY", cls.channels_policy).strip(),
            oidc_issuer=env.get("PORTAL_OIDC_ISSUER", "").strip().rstrip("/"),
            oidc_client_id=env.get("PORTAL_OIDC_CLIENT_ID", "").strip(),
            oidc_client_secret=env.get("PORTAL_OIDC_CLIENT_SECRET", ""),
            oidc_email_domains=env.get("PORTAL_OIDC_EMAIL_DOMAINS", ""),
            oidc_clock_skew_seconds=int(
                env.get("PORTAL_OIDC_CLOCK_SKEW_SECONDS", cls.oidc_clock_skew_seconds)
            ),
        )
        key = env.get("PORTAL_EVIDENCE_KEY", "")
        if settings.evidence_key_file:
            key = read_key_file(settings.evidence_key_file)
        if key:
            settings.evidence_key = key
            # A council's own key needs its own id ("1", then "2" when rotated...).
            settings.evidence_key_id = env.get("PORTAL_EVIDENCE_KEY_ID", "1")
        known = {f.name for f in fields(cls)}
        for key, value in overrides.items():
            if key not in known:
                raise TypeError(f"unknown setting {key!r}")
            setattr(settings, key, value)
        check_environment(settings.environment)
        settings.warning_live_periods()
        settings.check_single_sign_on()
        settings.database_url = normalise_database_url(settings.database_url)
        if settings.migration_database_url:
            settings.migration_database_url = normalise_database_url(settings.migration_database_url)
        return settings
