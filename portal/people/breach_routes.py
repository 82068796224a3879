"""Where a breach of the council's social media rules goes, by how the person works for
the council: one row per engagement type, kept as data (table `breach_routes`).

Why data: the route is a matter of law and of each person's terms, not of this code.
- Employees, temporary and bank staff: the Networking Policy (Scope) names the council's
  Disciplinary Policy as the sanction, so a breach is a disciplinary case under the
  ACAS Code of Practice stages.
- Seconded and honorary staff are employed or appointed by someone else: the council
  reports the matter to that body. Agency workers are engaged through their agency: the
  council reports it to the agency. Contractors: it is a matter under their contract.
- Volunteers: a conduct concern under their volunteer agreement (guidance, a change of
  role, or ending the placement), never an employment disciplinary process, which could
  suggest that an employment relationship exists.
- Councillors: the Communication Policy applies to them, but a councillor's breach is a
  matter for the Members' Code of Conduct: a complaint to the Monitoring Officer of the
  principal council (Localism Act 2011, ss. 27-28). A council cannot discipline a member.

The defaults are written by migration 0017; a council whose terms differ changes the rows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.db import Base
from portal.errors import DomainError

from .models import EngagementType, Person


class Route(enum.StrEnum):
    DISCIPLINARY = "disciplinary"
    EMPLOYER_REPORT = "employer_report"
    AGENCY_REPORT = "agency_report"
    CONTRACT = "contract"
    VOLUNTEER_CONCERN = "volunteer_concern"
    MONITORING_OFFICER = "monitoring_officer"


@dataclass(frozen=True)
class RouteWords:
    label: str  # the route, for tables and refusals
    statement: str  # how the signed statement names it, after "if I break it, "


ROUTE_WORDS = {
    Route.DISCIPLINARY: RouteWords(
        "the Disciplinary Policy: a disciplinary case under the ACAS stages",
        "the council may deal with the matter under its Disciplinary Policy",
    ),
    Route.EMPLOYER_REPORT: RouteWords(
        "a report to their employer or appointing body",
        "the council may report the matter to my employer or the body that appointed me",
    ),
    Route.AGENCY_REPORT: RouteWords(
        "a report to their agency",
        "the council may report the matter to my agency",
    ),
    Route.CONTRACT: RouteWords(
        "a matter under their contract",
        "the council may deal with the matter under my contract with it",
    ),
    Route.VOLUNTEER_CONCERN: RouteWords(
        "a conduct concern under their volunteer agreement "
        "(guidance, a change of role, ending the placement)",
        "the council may deal with the matter under my volunteer agreement",
    ),
    Route.MONITORING_OFFICER: RouteWords(
        "a referral to the Monitoring Officer under the Members' Code of Conduct",
        "a complaint may be made to the Monitoring Officer under the Members' Code of Conduct",
    ),
}

# The defaults migration 0017 writes (it keeps its own copy, as migrations must); the
# tests put them back after emptying the database.
DEFAULT_ROUTES = {
    EngagementType.EMPLOYEE: Route.DISCIPLINARY,
    EngagementType.TEMPORARY: Route.DISCIPLINARY,
    EngagementType.BANK: Route.DISCIPLINARY,
    EngagementType.SECONDMENT: Route.EMPLOYER_REPORT,
    EngagementType.HONORARY: Route.EMPLOYER_REPORT,
    EngagementType.AGENCY: Route.AGENCY_REPORT,
    EngagementType.CONTRACTOR: Route.CONTRACT,
    EngagementType.VOLUNTEER: Route.VOLUNTEER_CONCERN,
    EngagementType.COUNCILLOR: Route.MONITORING_OFFICER,
}

_ROUTE_VALUES = ", ".join(f"'{r.value}'" for r in Route)


class BreachRoute(Base):
    __tablename__ = "breach_routes"
    __table_args__ = (CheckConstraint(f"route IN ({_ROUTE_VALUES})", name="route"),)

    engagement_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    route: Mapped[str] = mapped_column(String(30))


# A type the council has removed from the table: no route is assumed, and no case opened.
UNROUTED = RouteWords(
    "no route recorded: the Town Clerk decides",
    "the council may act on it under the terms on which I work for it",
)


def route_for(session: Session, engagement: str | EngagementType) -> Route | None:
    found = session.scalar(select(BreachRoute.route).where(BreachRoute.engagement_type == str(engagement)))
    return Route(found) if found is not None else None


def words_for(route: Route | None) -> RouteWords:
    return ROUTE_WORDS[route] if route is not None else UNROUTED


def all_routes(session: Session) -> list[tuple[EngagementType, Route | None]]:
    """Every engagement type with its route, in the order the types are listed."""
    rows = dict(session.execute(select(BreachRoute.engagement_type, BreachRoute.route)).all())
    return [(e, Route(rows[e.value]) if e.value in rows else None) for e in EngagementType]


def refuse_unless_disciplinary(session: Session, person: Person, *, field: str | None = None) -> None:
    """A disciplinary case (the ACAS stages) is opened only where the route says so."""
    route = route_for(session, person.engagement_type)
    if route != Route.DISCIPLINARY:
        raise DomainError(
            f"{person.name} is not employed by the council ({person.engagement.label.lower()}): "
            f"a breach goes to {words_for(route).label}, not a disciplinary case. "
            "Record it under Breach records instead",
            field=field,
        )
