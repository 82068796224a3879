"""Sign-in records in the retention schedule (UK GDPR Art. 5(1)(e)).

Failed sign-ins (the account typed, when, and the address, sealed) are kept to throttle
and to look into an attack on an account; sign-in and password-setting links are kept to
show how an account was set up. Neither is needed for long: `sign_in_records` months
(default 12) after the failure, or after the link expired. (Successful sign-ins are audit
events: their addresses go by the address schedule, people/addresses.py.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal.clock import add_months
from portal.db import rows_affected
from portal.tasks import RetentionKind, add_retention_kind, kept_months

from .models import PasswordToken, SignInFailure


def remove_sign_in_records(session: Session, on: date) -> int:
    before = datetime.combine(add_months(on, -kept_months("sign_in_records")), time(), tzinfo=UTC)
    failures = session.execute(delete(SignInFailure).where(SignInFailure.failed_at < before))
    tokens = session.execute(delete(PasswordToken).where(PasswordToken.expires_at < before))
    return rows_affected(failures) + rows_affected(tokens)


add_retention_kind(
    RetentionKind(
        name="sign_in_records",
        title="Failed sign-ins, and sign-in and password links",
        period=lambda: f"{kept_months('sign_in_records')} months after the failure or the link's expiry",
        basis="Long enough to look into an attack on an account; nothing needs them after that",
        how="Deleted",
        run=remove_sign_in_records,
        order=10,
    )
)
