"""A business case and who may touch it: loading, lists, rights, and what every change shares.

The operations that change a case (drafting.py, register.py, submission.py, review.py)
all check their rights here, refuse a tampered choice with `UnknownChoice`, and write
their audit event with `audit_case`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.access import can
from portal.audit.service import record
from portal.clock import ENGLAND_AND_WALES_ONLY, add_months, bank_holidays_between, calendar_ends_on, today
from portal.db import Paged, paginate
from portal.errors import DomainError, NotFound
from portal.people.models import Department, Person, Role

from .checks import may_moderate
from .models import (
    CASE_STATES,
    BusinessCase,
    CaseReview,
    CaseSubmission,
    ModerationSlot,
    RiskAction,
    RiskItem,
)
from .sections import WEEKDAYS

OPEN_STATES = ("draft", "submitted", "in_review")


class UnknownChoice(DomainError):
    """A form named a person or item the page did not offer: a tampered post (400)."""


def audit_case(
    session: Session,
    actor: Person | None,
    case: BusinessCase,
    what: str,
    details: dict[str, Any] | None = None,
) -> None:
    record(
        session,
        actor=actor,
        action=f"business_cases.{what}",
        object_type="business_case",
        object_id=case.id,
        details={"reference": case.reference, **(details or {})},
    )


# Loading -------------------------------------------------------------------------


def _with_everything() -> list[LoaderOption]:
    return [
        selectinload(BusinessCase.department),
        selectinload(BusinessCase.author),
        selectinload(BusinessCase.requests_logger),
        selectinload(BusinessCase.moderation).selectinload(ModerationSlot.person),
        selectinload(BusinessCase.risks).selectinload(RiskItem.owner),
        selectinload(BusinessCase.risks).selectinload(RiskItem.actions).selectinload(RiskAction.owner),
        selectinload(BusinessCase.submissions).selectinload(CaseSubmission.submitted_by),
        selectinload(BusinessCase.reviews).selectinload(CaseReview.decision),
        selectinload(BusinessCase.reviews).selectinload(CaseReview.started_by),
        selectinload(BusinessCase.reviews).selectinload(CaseReview.submission),
    ]


def get_case(session: Session, case_id: int) -> BusinessCase:
    found = session.scalar(
        select(BusinessCase).options(*_with_everything()).where(BusinessCase.id == case_id)
    )
    if found is None:
        raise NotFound("No such business case")
    return found


def get_submission(case: BusinessCase, number: int) -> CaseSubmission:
    found = next((s for s in case.submissions if s.number == number), None)
    if found is None:
        raise NotFound("No such submission of this case")
    return found


def previous_submission(case: BusinessCase, number: int) -> CaseSubmission | None:
    """The submission before this one, which reviewers compare it with."""
    return next((s for s in case.submissions if s.number == number - 1), None)


def get_decided_review(case: BusinessCase, review_id: int) -> CaseReview:
    """A review that has its decision (and so its letter)."""
    found = next((r for r in case.reviews if r.id == review_id and r.decision is not None), None)
    if found is None:
        raise NotFound("No such decision on this case")
    return found


# Who may see and change a case ---------------------------------------------------


def _manages_department(person: Person, department_id: int) -> bool:
    return Role.MANAGER in person.roles and person.department_id == department_id


def may_see(viewer: Person, case: BusinessCase) -> bool:
    """The reviewers (Clerk and Deputy Clerk, Networking Policy 3.4) see every case; the
    author and the managers of its department see theirs. Nobody else does: the
    council's own need-to-know rule."""
    return (
        can(viewer, "review_business_case")
        or viewer.id == case.author_id
        or _manages_department(viewer, case.department_id)
    )


def may_edit(viewer: Person, case: BusinessCase) -> bool:
    """Only a draft is edited, by its author or a manager of its department: what was
    submitted never changes (the council's rule, so that reviewers decide on a fixed text)."""
    return case.status == "draft" and (
        viewer.id == case.author_id or _manages_department(viewer, case.department_id)
    )


def may_withdraw(viewer: Person, case: BusinessCase) -> bool:
    """The author or a manager of the department (the council's rule)."""
    return viewer.id == case.author_id or _manages_department(viewer, case.department_id)


def check_editable(actor: Person, case: BusinessCase) -> None:
    """Refuses a change to a submitted case, or by someone who may not edit it (see may_edit)."""
    if case.status != "draft":
        raise DomainError(
            "This case has been submitted, so it cannot be edited. Its submissions never change"
        )
    if not may_edit(actor, case):
        raise DomainError("Only the author or a manager of the department can edit this case")


def departments_for(session: Session, person: Person) -> list[Department]:
    """Where this person may start a case: their own department, or any for the
    reviewers. A department makes its own case (Networking Policy 3.4); that a manager
    writes only for their own is the council's rule."""
    query = select(Department).order_by(Department.name)
    if not can(person, "review_business_case"):
        query = query.where(Department.id == person.department_id)
    return list(session.scalars(query))


# States and lists ----------------------------------------------------------------


def latest_decision_outcome(case: BusinessCase) -> str | None:
    decided = [r.decision for r in case.reviews if r.decision is not None]
    return decided[-1].outcome if decided else None


def display_status(case: BusinessCase, on: date | None = None) -> str:
    """The stored state, plus the two that are read from it: changes requested, review due."""
    if case.status == "draft" and latest_decision_outcome(case) == "changes_requested":
        return "changes_requested"
    if (
        case.status == "approved"
        and case.next_review_on is not None
        and case.next_review_on <= (on or today())
    ):
        return "review_due"
    return case.status


def _for_lists() -> list[LoaderOption]:
    return [
        selectinload(BusinessCase.department),
        selectinload(BusinessCase.author),
        selectinload(BusinessCase.submissions),
        selectinload(BusinessCase.reviews).selectinload(CaseReview.decision),
    ]


def _listed(session: Session, *conditions: Any) -> list[BusinessCase]:
    query = (
        select(BusinessCase)
        .options(*_for_lists())
        .where(*conditions)
        .order_by(BusinessCase.updated_at.desc(), BusinessCase.id.desc())
    )
    return list(session.scalars(query))


def awaiting_review(session: Session) -> list[BusinessCase]:
    return _listed(session, BusinessCase.status.in_(("submitted", "in_review")))


def reviews_due(session: Session, on: date | None = None) -> list[BusinessCase]:
    return _listed(session, BusinessCase.status == "approved", BusinessCase.next_review_on <= (on or today()))


def _visible_to(person: Person) -> list[Any]:
    """Reviewers see every case; a manager sees their department's and their own (the
    same need-to-know rule as may_see)."""
    if can(person, "review_business_case"):
        return []
    mine = [BusinessCase.author_id == person.id]
    if Role.MANAGER in person.roles and person.department_id is not None:
        mine.append(BusinessCase.department_id == person.department_id)
    return [or_(*mine)]


def cases_for(session: Session, person: Person) -> list[BusinessCase]:
    """Every case the person may see (as may_see), newest change first."""
    return _listed(session, *_visible_to(person))


def cases_page(
    session: Session, person: Person, *, search: str = "", status: str = "", page: int = 1
) -> Paged:
    """One page (portal.db.PAGE_SIZE) of the cases the person may see (as may_see),
    newest change first, in a fixed number of queries however many there are. `search`
    matches the case reference, the account's name or the department's name, in any
    case; `status` keeps the cases stored in that state."""
    conditions = _visible_to(person)
    term = " ".join(search.split()).lower()
    if term:
        departments = select(Department.id).where(func.lower(Department.name).contains(term, autoescape=True))
        conditions.append(
            or_(
                func.lower(BusinessCase.reference).contains(term, autoescape=True),
                func.lower(BusinessCase.account_name).contains(term, autoescape=True),
                BusinessCase.department_id.in_(departments),
            )
        )
    if status in CASE_STATES:
        conditions.append(BusinessCase.status == status)
    query = (
        select(BusinessCase)
        .where(*conditions)
        .order_by(BusinessCase.updated_at.desc(), BusinessCase.id.desc())
    )
    return paginate(session, query, page, *_for_lists())


def moderators_by_channel(session: Session) -> dict[int, list[str]]:
    """channel id -> "Monday: A, cover B"... for the channels that approved cases added."""
    cases = session.scalars(
        select(BusinessCase)
        .options(selectinload(BusinessCase.moderation).selectinload(ModerationSlot.person))
        .where(BusinessCase.channel_id.is_not(None))
    )
    found: dict[int, list[str]] = {}
    for case in cases:
        assert case.channel_id is not None
        slots = {(slot.weekday, slot.duty): slot.person.name for slot in case.moderation}
        found[case.channel_id] = [
            f"{day}: {slots.get((i, 'moderator'), 'nobody')}, cover {slots.get((i, 'cover'), 'nobody')}"
            for i, day in enumerate(WEEKDAYS)
        ]
    return found


# The people a form offers --------------------------------------------------------


def active_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.is_active.is_(True)).order_by(Person.name)))


def eligible_moderators(session: Session) -> list[Person]:
    """Moderation is done within the council (Networking Policy 3.4): only the council's
    own staff who have not left are offered (see checks.may_moderate)."""
    return [p for p in active_people(session) if may_moderate(p)]


def bank_holidays_ahead(months: int = 12) -> list[tuple[date, str]]:
    """The coming bank holidays, which the moderation plan has to cover somehow: as far as
    the calendar goes (the administrator is warned months before it ends), so that the
    page still opens in its last year."""
    ends = calendar_ends_on(ENGLAND_AND_WALES_ONLY)
    if ends is None or ends < today():
        return []
    return bank_holidays_between(today(), min(add_months(today(), months), ends))
