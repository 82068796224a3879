"""A business case's risk register: its risks, scored before and after controls, and their actions.

Networking Policy 3.4 asks for a fully risk-assessed case. The scoring (a 5 by 5
matrix, risk.py) and the quality rules (checks.risk_quality_problems) are the council's
own good practice; they are checked as each risk is saved, and again at submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.errors import DomainError, NotFound
from portal.people.models import Person

from .cases import UnknownChoice, active_people, audit_case, check_editable
from .checks import RiskScores, risk_quality_problems
from .models import TREATMENTS, BusinessCase, RiskAction, RiskItem
from .risk import RiskMatrix
from .sections import RISK_CATEGORIES


class InvalidRisk(DomainError):
    """The scores break one or more quality rules: each is shown beside its field."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = problems


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
    """Adds or changes a risk of a draft (Networking Policy 3.4: a fully risk-assessed
    case). Scores are 1 to 5, and the council's quality rules are checked at once: no
    residual risk above the risk before controls, a control for any reduction, and a
    reason for accepting a high residual risk."""
    check_editable(actor, case)
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
    """Removes a risk from a draft (only a draft changes: the council's rule). A risk that
    Networking Policy 3.4 requires then shows as a gap at submission."""
    check_editable(actor, case)
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
    """An action that treats a risk of a draft, with an owner at the council and a due
    date (the council's good practice for a risk register)."""
    check_editable(actor, case)
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
    """Removes an action from a risk of a draft (only a draft changes: the council's rule)."""
    check_editable(actor, case)
    action = next((a for a in item.actions if a.id == action_id), None)
    if action is None:
        raise NotFound("No such action")
    item.actions.remove(action)
    case.updated_at = utcnow()
    session.flush()
    audit_case(session, actor, case, "action_removed", {"risk_id": item.id, "action_id": action_id})
