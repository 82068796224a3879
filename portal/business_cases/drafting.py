"""Writing a business case: starting a draft, its account and sections, its moderation plan.

A draft can be saved with gaps so that nothing typed is lost; submission checks the
whole case (checks.py). The risk register is in register.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.authorisations.models import PLATFORMS
from portal.db import utcnow
from portal.errors import DomainError
from portal.people.models import Person
from portal.references import next_reference

from .cases import UnknownChoice, audit_case, check_editable, departments_for, eligible_moderators, get_case
from .models import BusinessCase, ModerationSlot, RiskItem
from .sections import STARTING_RISKS, TEXT_SECTIONS


def start_case(
    session: Session, author: Person, *, department_id: int, platform: str, account_name: str
) -> BusinessCase:
    """A new draft for the author's own department (any, for the Clerk and the Deputy).
    Networking Policy 3.4 asks for a fully risk-assessed case, so its risk register
    starts with the risks to assess: the three areas 3.4 names and five the council
    adds as good practice (sections.STARTING_RISKS)."""
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
        risks=[RiskItem(category=risk.category) for risk in STARTING_RISKS],
    )
    session.add(case)
    session.flush()
    audit_case(session, author, case, "started", {"department_id": department_id, "platform": platform})
    return get_case(session, case.id)


def save_details(session: Session, actor: Person, case: BusinessCase, values: dict[str, str]) -> None:
    """The account and the written sections (Networking Policy 3.4: its disclaimer and
    Freedom of Information among them), saved as typed, gaps and all. Only a draft
    changes, and the web address must be a web address (the council's rules)."""
    check_editable(actor, case)
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
    requests_logger_id: int | None = None  # who logs information requests on the account


def save_moderation(session: Session, actor: Person, case: BusinessCase, plan: ModerationPlan) -> None:
    """Who moderates each weekday, and who covers. Networking Policy 3.4 asks for
    moderation on all five working days, done within the council, so only the council's
    own staff may be named; the 1 to 72 hour removal target is the council's choice.
    Someone on the staff also logs the information requests that arrive on the account:
    3.4 brings Freedom of Information to a department's channel, and a request's clock
    starts when it arrives (FOIA s10(1))."""
    check_editable(actor, case)
    eligible = {p.id: p for p in eligible_moderators(session)}
    chosen = {key: person_id for key, person_id in plan.rota.items() if person_id is not None}
    if any(person_id not in eligible for person_id in chosen.values()):
        raise UnknownChoice("That person cannot be chosen as a moderator")
    if plan.requests_logger_id is not None and plan.requests_logger_id not in eligible:
        raise UnknownChoice("That person cannot be chosen to log information requests")
    if plan.removal_target_hours is not None and not 1 <= plan.removal_target_hours <= 72:
        raise DomainError("Give a target between 1 and 72 hours", field="removal_target_hours")
    case.moderation = [
        ModerationSlot(weekday=weekday, duty=duty, person=eligible[person_id])
        for (weekday, duty), person_id in sorted(chosen.items())
    ]
    case.removal_target_hours = plan.removal_target_hours
    case.bank_holiday_cover = plan.bank_holiday_cover.strip()
    case.requests_logger = eligible[plan.requests_logger_id] if plan.requests_logger_id is not None else None
    case.updated_at = utcnow()
    session.flush()
    audit_case(
        session,
        actor,
        case,
        "moderation_saved",
        {
            "rota": {f"{weekday}-{duty}": pid for (weekday, duty), pid in sorted(chosen.items())},
            "requests_logger_id": plan.requests_logger_id,
        },
    )
