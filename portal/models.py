"""Every feature's models, imported in one place so Alembic and the app see the whole schema."""

from portal.audit.models import AuditEvent
from portal.auth.models import PasswordToken, SignInFailure
from portal.db import Base
from portal.people.models import Department, Person, PersonRole
from portal.policies.models import Acknowledgement, PaperScan, Policy, PolicySection, PolicyVersion, Receipt

metadata = Base.metadata

__all__ = [
    "Acknowledgement",
    "AuditEvent",
    "Department",
    "PaperScan",
    "PasswordToken",
    "Person",
    "PersonRole",
    "Policy",
    "PolicySection",
    "PolicyVersion",
    "Receipt",
    "SignInFailure",
    "metadata",
]
