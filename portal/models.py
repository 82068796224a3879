"""Every feature's models, imported in one place so Alembic and the app see the whole schema."""

from portal.audit.forgetting import RecordKey
from portal.audit.models import AuditEvent
from portal.auth.models import PasswordToken, SignInFailure
from portal.authorisations.models import (
    AuthorisationDecline,
    AuthorisationIssue,
    AuthorisationRequest,
    AuthorisationRevocation,
    AuthorisationTerms,
    Channel,
)
from portal.breaches.models import BreachEvidence, BreachRecord
from portal.business_cases.models import (
    BusinessCase,
    CaseDecision,
    CaseReview,
    CaseSubmission,
    ModerationSlot,
    RiskAction,
    RiskItem,
)
from portal.clock.models import BankHoliday, BankHolidayDivision
from portal.conduct.models import (
    CaseMeeting,
    DisciplinaryCase,
    EvidencePack,
    EvidenceSnapshot,
    LegalHold,
    LinkedReceipt,
)
from portal.db import Base
from portal.elections.models import Election
from portal.information_requests.models import InformationRequest
from portal.notifications.models import NotificationPreference
from portal.outbox.models import OutboxMessage
from portal.people.breach_routes import BreachRoute
from portal.people.models import Department, EmailChange, Person, PersonRole, RoleChange
from portal.policies.models import Acknowledgement, PaperScan, Policy, PolicySection, PolicyVersion, Receipt
from portal.privacy.models import SubjectAccessReference
from portal.references import ReferenceCounter
from portal.reports.models import ComplianceSnapshot
from portal.training.models import (
    Attempt,
    AttemptOverride,
    AttemptQuestion,
    Completion,
    QuestionVersion,
    Quiz,
    QuizAssignment,
)

metadata = Base.metadata

__all__ = [
    "Acknowledgement",
    "Attempt",
    "AttemptOverride",
    "AttemptQuestion",
    "AuditEvent",
    "AuthorisationDecline",
    "AuthorisationIssue",
    "AuthorisationRequest",
    "AuthorisationRevocation",
    "AuthorisationTerms",
    "BankHoliday",
    "BankHolidayDivision",
    "BreachEvidence",
    "BreachRecord",
    "BreachRoute",
    "BusinessCase",
    "CaseDecision",
    "CaseReview",
    "CaseSubmission",
    "Channel",
    "Completion",
    "CaseMeeting",
    "ComplianceSnapshot",
    "Department",
    "EmailChange",
    "DisciplinaryCase",
    "Election",
    "EvidencePack",
    "EvidenceSnapshot",
    "InformationRequest",
    "LegalHold",
    "LinkedReceipt",
    "ModerationSlot",
    "NotificationPreference",
    "OutboxMessage",
    "PaperScan",
    "PasswordToken",
    "Person",
    "PersonRole",
    "Policy",
    "PolicySection",
    "PolicyVersion",
    "QuestionVersion",
    "Quiz",
    "QuizAssignment",
    "Receipt",
    "ReferenceCounter",
    "RecordKey",
    "RiskAction",
    "RiskItem",
    "RoleChange",
    "SignInFailure",
    "SubjectAccessReference",
    "metadata",
]
