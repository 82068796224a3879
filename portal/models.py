"""Every feature's models, imported in one place so Alembic and the app see the whole schema."""

from portal.audit.models import AuditEvent
from portal.auth.models import PasswordToken, SignInFailure
from portal.db import Base
from portal.people.models import Department, Person, PersonRole

metadata = Base.metadata

__all__ = ["AuditEvent", "Department", "PasswordToken", "Person", "PersonRole", "SignInFailure", "metadata"]
