"""Writing a departmental business case (Networking Policy 3.4) up to its submission.

Managers write the case for their own department (the Clerk and the Deputy for any).
A draft can be saved with gaps so that nothing typed is lost; submission checks the
whole case (see checks.py), freezes it and hands it to the reviewers (see review.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from portal.access import can
from portal.audit.service import canonical_json, record
from portal.authorisations.models import PLATFORMS
from portal.clock import add_months, bank_holidays_between, today
from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Department, Person, Role
from portal.references import next_reference

from .checks import Gap, RiskScores, gaps_in, may_moderate, risk_quality_problems
from .models import TREATMENTS, BusinessCase, CaseReview, CaseSubmission, ModerationSlot, RiskAction, RiskItem
from .risk import RiskMatrix
from .sections import REQUIRED_RISK_CATEGORIES, RISK_CATEGORIES, TEXT_SECTIONS, WEEKDAYS
from .snapshot import freeze, sha256_of

OPEN_STATES = ("draft", "submitted", "in_review")


class UnknownChoice(DomainError):
    """A form named a person or item the page did not offer: a tampered post (400)."""


class CaseHasGaps(DomainError):
    def __init__(self, gaps: list[Gap]) -> None:
        super().__init__("This case cannot be submitted yet")
        self.gaps = gaps


class InvalidRisk(DomainError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = problems


# Reading -------------------------------------------------------------------------


def _with_everything() -> list:  # type: ignore[type-arg]
    return [
        selectinload(BusinessCase.department),
        selectinload(BusinessCase.author),
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


def _manages_department(person: Person, department_id: int) -> bool:
    return Role.MANAGER in person.roles and person.department_id == department_id


def may_see(viewer: Person, case: BusinessCase) -> bool:
    return (
        can(viewer, "review_business_case")
        or viewer.id == case.author_id
        or _manages_department(viewer, case.department_id)
    )


def may_edit(viewer: Person, case: BusinessCase) -> bool:
    """Only a draft is edited, by its author or a manager of its department."""
    return case.status == "draft" and (
        viewer.id == case.author_id or _manages_department(viewer, case.department_id)
    )


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


def _listed(session: Session, *conditions) -> list[BusinessCase]:  # type: ignore[no-untyped-def]
    query = (
        select(BusinessCase)
        .options(
            selectinload(BusinessCase.department),
            selectinload(BusinessCase.author),
            selectinload(BusinessCase.submissions),
            selectinload(BusinessCase.reviews).selectinload(CaseReview.decision),
        )
        .where(*conditions)
        .order_by(BusinessCase.updated_at.desc(), BusinessCase.id.desc())
    )
    return list(session.scalars(query))


def awaiting_review(session: Session) -> list[BusinessCase]:
    return _listed(session, BusinessCase.status.in_(("submitted", "in_review")))


def reviews_due(session: Session, on: date | None = None) -> list[BusinessCase]:
    return _listed(session, BusinessCase.status == "approved", BusinessCase.next_review_on <= (on or today()))


def cases_for(session: Session, person: Person) -> list[BusinessCase]:
    """Reviewers see every case; a manager sees their department's and their own."""
    if can(person, "review_business_case"):
        return _listed(session)
    mine = [BusinessCase.author_id == person.id]
    if Role.MANAGER in person.roles and person.department_id is not None:
        mine.append(BusinessCase.department_id == person.department_id)
    return _listed(session, or_(*mine))


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


def eligible_moderators(session: Session) -> list[Person]:
    people = session.scalars(select(Person).where(Person.is_active.is_(True)).order_by(Person.name))
    return [p for p in people if may_moderate(p)]


def bank_holidays_ahead(months: int = 12) -> list[tuple[date, str]]:
    """The coming bank holidays, which the moderation plan has to cover somehow."""
    return bank_holidays_between(today(), add_months(today(), months))


def active_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.is_active.is_(True)).order_by(Person.name)))


# Drafting ------------------------------------------------------------------------


def departments_for(session: Session, person: Person) -> list[Department]:
    """Where this person may start a case: their own department, or any for the reviewers."""
    query = select(Department).order_by(Department.name)
    if not can(person, "review_business_case"):
        query = query.where(Department.id == person.department_id)
    return list(session.scalars(query))


def start_case(
    session: Session, author: Person, *, department_id: int, platform: str, account_name: str
) -> BusinessCase:
    """A new draft. Its risk register starts with the categories 3.4 requires, to assess."""
    if department_id not in {d.id for d in departments_for(session, author)}:
        raise DomainError("You can write a case only for your own department", field="department")
    if platform not in PLATFORMS:
        raise DomainError("Choose the platform from the list", field="platform")
    if not account_name.strip():
        raise DomainError("Give the account's proposed name or handle", field="account_name")
    now = utcnow()
    case = BusinessCase(
        reference=next_reference(session, BusinessCase.reference, "BC", now),
        department_id=department_id,
        author_id=author.id,
        created_at=now,
        updated_at=now,
        status="draft",
        platform=platform,
        account_name=account_name.strip(),
        risks=[RiskItem(category=category) for category in REQUIRED_RISK_CATEGORIES],
    )
    session.add(case)
    session.flush()
    audit_case(session, author, case, "started", {"department_id": department_id, "platform": platform})
    return get_case(session, case.id)


def audit_case(session: Session, actor: Person | None, case: BusinessCase, what: str, details=None) -> None:  # type: ignore[no-untyped-def]
    record(
        session,
        actor=actor,
        action=f"business_cases.{what}",
        object_type="business_case",
        object_id=case.id,
        details={"reference": case.reference, **(details or {})},
    )


def _editable(actor: Person, case: BusinessCase) -> None:
    if case.status != "draft":
        raise DomainError(
            "This case has been submitted, so it cannot be edited. Its submissions never change"
        )
    if not may_edit(actor, case):
        raise DomainError("Only the author or a manager of the department can edit this case")


def save_details(session: Session, actor: Person, case: BusinessCase, values: dict[str, str]) -> None:
    """The account and the written sections. Saved as typed, gaps and all."""
    _editable(actor, case)
    if values.get("platform", case.platform) not in PLATFORMS:
        raise DomainError("Choose the platform from the list", field="platform")
    if not values.get("account_name", case.account_name).strip():
        raise DomainError("Give the account's proposed name or handle", field="account_name")
    address = values.get("web_address", "").strip()
    if address and not address.startswith(("https://", "http://")):
        raise DomainError("Give the web address starting https://", field="web_address")
    for key in ("platform", "account_name", "web_address", *(s.key for s in TEXT_SECTIONS)):
        if key in values:
            setattr(case, key, values[key].strip())
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "details_saved", {"fields": sorted(values)})


@dataclass
class ModerationPlan:
    rota: dict[tuple[int, str], int | None]  # (weekday, duty) -> person id
    removal_target_hours: int | None
    bank_holiday_cover: str


def save_moderation(session: Session, actor: Person, case: BusinessCase, plan: ModerationPlan) -> None:
    """Who moderates each weekday, and who covers. Only council staff may (3.4)."""
    _editable(actor, case)
    eligible = {p.id: p for p in eligible_moderators(session)}
    chosen = {key: person_id for key, person_id in plan.rota.items() if person_id is not None}
    if any(person_id not in eligible for person_id in chosen.values()):
        raise UnknownChoice("That person cannot be chosen as a moderator")
    if plan.removal_target_hours is not None and not 1 <= plan.removal_target_hours <= 72:
        raise DomainError("Give a target between 1 and 72 hours", field="removal_target_hours")
    case.moderation = [
        ModerationSlot(weekday=weekday, duty=duty, person=eligible[person_id])
        for (weekday, duty), person_id in sorted(chosen.items())
    ]
    case.removal_target_hours = plan.removal_target_hours
    case.bank_holiday_cover = plan.bank_holiday_cover.strip()
    case.updated_at = utcnow()
    session.flush()
    audit_case(
        session,
        actor,
        case,
        "moderation_saved",
        {"rota": {f"{weekday}-{duty}": pid for (weekday, duty), pid in sorted(chosen.items())}},
    )


@dataclass
class RiskValues:
    category: str
    description: str
    inherent_likelihood: int | None
    inherent_impact: int | None
    controls: str
    residual_likelihood: int | None
    residual_impact: int | None
    treatment: str | None
    owner_id: int | None
    acceptance_justification: str


def get_risk(case: BusinessCase, risk_id: int) -> RiskItem:
    for item in case.risks:
        if item.id == risk_id:
            return item
    raise NotFound("No such risk in this case")


def save_risk(
    session: Session,
    actor: Person,
    case: BusinessCase,
    item: RiskItem | None,
    values: RiskValues,
    matrix: RiskMatrix,
) -> RiskItem:
    """Adds or changes a risk. Scores are 1 to 5; the quality rules are checked at once."""
    _editable(actor, case)
    if values.category not in RISK_CATEGORIES:
        raise UnknownChoice("That category is not in the list")
    if values.treatment is not None and values.treatment not in TREATMENTS:
        raise UnknownChoice("That treatment is not in the list")
    people = {p.id: p for p in active_people(session)}
    if values.owner_id is not None and values.owner_id not in people:
        raise UnknownChoice("That owner is not someone at the council")
    for field in ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"):
        value = getattr(values, field)
        if value is not None and not 1 <= value <= 5:
            raise DomainError("Choose a score from 1 to 5", field=field)
    problems = risk_quality_problems(
        RiskScores(
            values.inherent_likelihood,
            values.inherent_impact,
            values.residual_likelihood,
            values.residual_impact,
            values.controls,
            values.acceptance_justification,
        ),
        matrix,
    )
    if problems:
        raise InvalidRisk(problems)
    if item is None:
        item = RiskItem(actions=[])
        case.risks.append(item)
    for field, value in vars(values).items():
        setattr(item, field, value.strip() if isinstance(value, str) else value)
    item.owner = people.get(values.owner_id) if values.owner_id is not None else None
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "risk_saved", {"risk_id": item.id, "category": values.category})
    return item


def delete_risk(session: Session, actor: Person, case: BusinessCase, item: RiskItem) -> None:
    _editable(actor, case)
    case.risks.remove(item)
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "risk_removed", {"risk_id": item.id, "category": item.category})


def add_action(
    session: Session,
    actor: Person,
    case: BusinessCase,
    item: RiskItem,
    *,
    description: str,
    owner_id: int,
    due_on: date,
) -> RiskAction:
    _editable(actor, case)
    owner = next((p for p in active_people(session) if p.id == owner_id), None)
    if owner is None:
        raise UnknownChoice("That owner is not someone at the council")
    if not description.strip():
        raise DomainError("Describe the action", field="description")
    action = RiskAction(description=description.strip(), owner=owner, due_on=due_on)
    item.actions.append(action)
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "action_added", {"risk_id": item.id, "action_id": action.id})
    return action


def delete_action(
    session: Session, actor: Person, case: BusinessCase, item: RiskItem, action_id: int
) -> None:
    _editable(actor, case)
    action = next((a for a in item.actions if a.id == action_id), None)
    if action is None:
        raise NotFound("No such action")
    item.actions.remove(action)
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "action_removed", {"risk_id": item.id, "action_id": action_id})


# Submitting and withdrawing ------------------------------------------------------


def submit(session: Session, actor: Person, case: BusinessCase, matrix: RiskMatrix) -> CaseSubmission:
    """Freezes the case for review. Any gap stops it, and the case stays a draft."""
    if case.status == "submitted" and case.submissions:
        return case.submissions[-1]  # a double click submits once
    _editable(actor, case)
    gaps = gaps_in(case, matrix)
    if gaps:
        raise CaseHasGaps(gaps)
    content = canonical_json(freeze(case, matrix))
    submission = CaseSubmission(
        case_id=case.id,
        number=len(case.submissions) + 1,
        submitted_by=actor,
        submitted_at=utcnow(),
        content=content,
        content_sha256=sha256_of(content),
    )
    case.submissions.append(submission)
    case.status = "submitted"
    case.updated_at = submission.submitted_at
    session.flush()
    audit_case(
        session,
        actor,
        case,
        "submitted",
        {"submission": submission.number, "sha256": submission.content_sha256},
    )
    return submission


def withdraw(session: Session, actor: Person, case: BusinessCase, reason: str) -> None:
    if case.status == "withdrawn":
        return
    if case.status not in OPEN_STATES:
        raise DomainError("Only a case that has not been decided can be withdrawn")
    if not (actor.id == case.author_id or _manages_department(actor, case.department_id)):
        raise DomainError("Only the author or a manager of the department can withdraw this case")
    if not reason.strip():
        raise DomainError("Say why the case is withdrawn", field="reason")
    case.status = "withdrawn"
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "withdrawn", {"reason": reason.strip()})
