"""The demo council's social media business cases (Networking Policy 3.4): a draft from
Parks with gaps still to fill, and a complete case from Events waiting for review."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.people.models import Person

from .council import DEMO_DOMAIN, demo_email

DEMO_MARKETS_CASE = {
    "platform": "instagram",
    "account_name": "Ashcombe Markets",
    "web_address": "https://www.instagram.com/ashcombe-markets.example",
    "purpose": "Show what is on at the monthly farmers' market and the Christmas market.",
    "benefit": "Reaches younger residents and visitors, who do not follow the council's Facebook page.",
    "audience": "Residents under 35, market traders and visitors from nearby towns.",
    "content_plan": "Two posts a week: stall line-ups, opening times and road closures. "
    "The events manager approves every post before it goes out.",
    "resources": "About three hours a week of the events team's time, within existing hours.",
    "records_and_foi": "Posts and comments are exported monthly to the council's records system. "
    "Comments can be disclosed under the Freedom of Information Act 2000, and the bio says so.",
    "disclaimer": "The bio links to the council's social media disclaimer. The disclaimer does not "
    "remove the council's duties: moderation, accuracy and data protection still apply.",
    "exit_plan": "If the markets stop or the account is not kept up, it is archived and closed "
    "within one month, with a last post pointing followers to the council's website.",
}


def load_business_cases(session: Session) -> None:
    """A draft from Parks with gaps still to fill, and a complete case from Events waiting
    for review, so the business case pages have something to show."""
    from portal.business_cases import service
    from portal.business_cases.models import BusinessCase
    from portal.business_cases.risk import current_matrix

    if session.scalar(select(func.count()).select_from(BusinessCase)):
        return
    demo_people = (
        select(Person)
        .options(selectinload(Person.role_grants))
        .where(Person.email.like(f"%@{DEMO_DOMAIN}"))
        # The people may have been created in this session, without their roles loaded.
        .execution_options(populate_existing=True)
    )
    people = {p.email: p for p in session.scalars(demo_people)}
    parks_manager = people[demo_email("parks.manager")]
    assert parks_manager.department_id is not None  # the demo council's managers each have one
    parks = service.start_case(
        session,
        parks_manager,
        department_id=parks_manager.department_id,
        platform="instagram",
        account_name="Ashcombe Parks",
    )
    service.save_details(
        session,
        parks_manager,
        parks,
        {"purpose": "Photographs of the parks through the year, and notices of closures and works."},
    )

    events_manager = people[demo_email("events.manager")]
    assert events_manager.department_id is not None
    markets = service.start_case(
        session,
        events_manager,
        department_id=events_manager.department_id,
        platform="instagram",
        account_name="Ashcombe Markets",
    )
    service.save_details(session, events_manager, markets, DEMO_MARKETS_CASE)
    rota_people = [people[demo_email(local)] for local in ("chloe.martin", "daniel.hughes", "events.manager")]
    service.save_moderation(
        session,
        events_manager,
        markets,
        service.ModerationPlan(
            rota={
                (day, duty): rota_people[(day + (duty == "cover")) % len(rota_people)].id
                for day in range(5)
                for duty in ("moderator", "cover")
            },
            removal_target_hours=4,
            requests_logger_id=rota_people[0].id,
            bank_holiday_cover="The account does not post on bank holidays; comments are checked "
            "first thing on the next working day, and switched off on market days that fall on one.",
        ),
    )
    for item in list(markets.risks):
        service.save_risk(
            session,
            events_manager,
            markets,
            item,
            service.RiskValues(
                category=item.category,
                description="See the section of the case that deals with this.",
                inherent_likelihood=3,
                inherent_impact=3,
                controls="The weekday moderator and the approval of every post by the events manager.",
                residual_likelihood=2,
                residual_impact=2,
                treatment="mitigate",
                owner_id=events_manager.id,
                acceptance_justification="",
            ),
            current_matrix(),
        )
    service.submit(session, events_manager, markets, current_matrix())
