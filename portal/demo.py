"""The fictional Ashcombe Town Council, for trying the portal and for the browser tests.

Every role and every engagement type in the policy's scope appears at least once.
The accounts are flagged as demo accounts, and production refuses to start while
any exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.audit.service import record
from portal.auth.passwords import hash_password
from portal.people.models import Department, EngagementType, Person, Role
from portal.people.service import PersonDetails, add_department, create_person
from portal.policies.models import ChangeKind, Policy

DEMO_PASSWORD = "ashcombe-demo-2026"  # noqa: S105 (a published demo password, refused in production)
DEMO_DOMAIN = "ashcombe-tc.example"
POLICY_TEXTS = Path(__file__).parent / "policies" / "demo_texts"

DEPARTMENTS = (
    "Town Clerk's Office",
    "Finance and Administration",
    "Community and Events",
    "Parks and Open Spaces",
    "Council Members",
)

E = EngagementType


@dataclass(frozen=True)
class DemoPerson:
    name: str
    local_part: str
    engagement: EngagementType
    department: str
    start: date
    manager: str | None = None  # local part of the line manager
    roles: frozenset[Role] = frozenset()


def _p(
    name: str,
    local: str,
    engagement: EngagementType,
    department: str,
    start: str,
    manager: str | None = None,
    *roles: Role,
) -> DemoPerson:
    return DemoPerson(
        name, local, engagement, department, date.fromisoformat(start), manager, frozenset(roles)
    )


OFFICE, FINANCE, EVENTS, PARKS, MEMBERS = DEPARTMENTS

# Managers come before the people they manage.
PEOPLE: tuple[DemoPerson, ...] = (
    _p("Helen Marsh", "clerk", E.EMPLOYEE, OFFICE, "2015-04-01", None, Role.TOWN_CLERK),
    _p("David Okafor", "deputy", E.EMPLOYEE, OFFICE, "2018-09-03", "clerk", Role.DEPUTY_CLERK, Role.MANAGER),
    _p("Councillor Margaret Ellison", "mayor", E.COUNCILLOR, MEMBERS, "2023-05-11", None, Role.MAYOR),
    _p("Priya Shah", "hr", E.EMPLOYEE, FINANCE, "2019-01-07", "deputy", Role.HR),
    _p("Tom Reynolds", "admin", E.EMPLOYEE, FINANCE, "2020-06-15", "deputy", Role.ADMINISTRATOR),
    _p("Anita Kowalski", "finance.manager", E.EMPLOYEE, FINANCE, "2017-02-20", "clerk", Role.MANAGER),
    _p("Sarah Collins", "events.manager", E.EMPLOYEE, EVENTS, "2016-10-10", "clerk", Role.MANAGER),
    _p("James Whitfield", "parks.manager", E.EMPLOYEE, PARKS, "2014-03-24", "clerk", Role.MANAGER),
    _p("Laura Bennett", "laura.bennett", E.EMPLOYEE, OFFICE, "2022-11-01", "deputy"),
    _p("Michael Osei", "michael.osei", E.TEMPORARY, OFFICE, "2026-10-05", "deputy"),
    _p("Grace Thornton", "grace.thornton", E.EMPLOYEE, FINANCE, "2021-08-16", "finance.manager"),
    _p("Raj Patel", "raj.patel", E.AGENCY, FINANCE, "2026-09-14", "finance.manager"),
    _p("Emma Lloyd", "emma.lloyd", E.SECONDMENT, FINANCE, "2026-07-01", "finance.manager"),
    _p("Chloe Martin", "chloe.martin", E.EMPLOYEE, EVENTS, "2023-03-13", "events.manager"),
    _p("Daniel Hughes", "daniel.hughes", E.BANK, EVENTS, "2025-05-19", "events.manager"),
    _p("Olivia Grant", "olivia.grant", E.VOLUNTEER, EVENTS, "2026-11-16", "events.manager"),
    _p("Samuel Adeyemi", "samuel.adeyemi", E.VOLUNTEER, EVENTS, "2024-06-03", "events.manager"),
    _p("Fiona Campbell", "fiona.campbell", E.HONORARY, EVENTS, "2020-01-06", "events.manager"),
    _p("Peter Walsh", "peter.walsh", E.EMPLOYEE, PARKS, "2012-04-02", "parks.manager"),
    _p("Ben Carter", "ben.carter", E.CONTRACTOR, PARKS, "2026-08-03", "parks.manager"),
    _p("Hannah Price", "hannah.price", E.VOLUNTEER, PARKS, "2025-09-22", "parks.manager"),
    _p("Lewis Morgan", "lewis.morgan", E.TEMPORARY, PARKS, "2026-11-02", "parks.manager"),
    _p("Aisha Rahman", "aisha.rahman", E.AGENCY, PARKS, "2026-03-30", "parks.manager"),
    _p("Councillor Robert Hale", "cllr.hale", E.COUNCILLOR, MEMBERS, "2023-05-11"),
    _p("Councillor Yasmin Ali", "cllr.ali", E.COUNCILLOR, MEMBERS, "2023-05-11"),
    _p("Councillor George Blake", "cllr.blake", E.COUNCILLOR, MEMBERS, "2024-02-08"),
    _p("Nina Foster", "nina.foster", E.EMPLOYEE, OFFICE, "2026-11-16", "deputy"),
    _p("Owen Davies", "owen.davies", E.VOLUNTEER, OFFICE, "2026-01-12", "deputy"),
)

# The accounts worth signing in as, one per kind of user, as printed by `demo load`.
SIGN_IN_EXAMPLES = (
    ("Town Clerk", "clerk"),
    ("Deputy Clerk (and manager)", "deputy"),
    ("Mayor", "mayor"),
    ("HR", "hr"),
    ("Administrator", "admin"),
    ("Manager (Community and Events)", "events.manager"),
    ("New starter (employee)", "nina.foster"),
    ("Volunteer", "olivia.grant"),
    ("Councillor", "cllr.hale"),
)


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


@dataclass
class LoadSummary:
    people_created: int = 0
    departments_created: int = 0
    policies_published: int = 0
    question_versions_loaded: int = 0
    skipped_because_not_empty: bool = False
    sign_ins: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        if self.skipped_because_not_empty:
            return f"People are already there: no demo added ({self.question_versions_loaded} new questions)."
        changed = (
            self.people_created,
            self.departments_created,
            self.policies_published,
            self.question_versions_loaded,
        )
        if not any(changed):
            return "The demo council is already loaded; nothing changed."
        return (
            f"Demo council loaded: {self.people_created} people, {self.departments_created} departments, "
            f"{self.policies_published} policies and {self.question_versions_loaded} quiz questions."
        )


def load_demo_council(session: Session, *, only_if_empty: bool = False) -> LoadSummary:
    """Create whatever part of the demo council is missing. Safe to run again."""
    summary = LoadSummary(sign_ins=[(label, demo_email(local)) for label, local in SIGN_IN_EXAMPLES])
    if only_if_empty and session.scalar(select(func.count()).select_from(Person)):
        summary.skipped_because_not_empty = True
        if session.scalar(select(func.count()).select_from(Person).where(Person.is_demo.is_(True))):
            # The demo's quiz bank cites the demo's policies: keep it up to date with the code.
            from portal.training.sync import sync

            summary.question_versions_loaded = len(sync(session).new_versions)
        return summary

    departments = {d.name: d for d in session.scalars(select(Department))}
    for name in DEPARTMENTS:
        if name not in departments:
            departments[name] = add_department(session, None, name)
            summary.departments_created += 1

    existing = set(session.scalars(select(Person.email).where(Person.email.like(f"%@{DEMO_DOMAIN}"))))
    password_hash = hash_password(DEMO_PASSWORD)
    for demo in PEOPLE:
        email = demo_email(demo.local_part)
        if email in existing:
            continue
        person = create_person(
            session,
            None,
            PersonDetails(
                name=demo.name,
                email=email,
                engagement_type=demo.engagement,
                start_date=demo.start,
                department_id=departments[demo.department].id,
                line_manager_email=demo_email(demo.manager) if demo.manager else None,
                roles=set(demo.roles),
            ),
            is_demo=True,
        )
        person.password_hash = password_hash
        summary.people_created += 1
    session.flush()
    # The channels first: the Communication Policy's wording already names them, so they
    # are not changes its Clerk must review (portal/authorisations/channels_policy.py).
    _load_demo_channels(session)
    summary.policies_published = _load_demo_policies(session)
    _load_demo_business_cases(session)
    # The quiz bank cites the policies' sections, so it loads after them.
    from portal.training.sync import sync

    summary.question_versions_loaded = len(sync(session).new_versions)
    if summary.people_created or summary.departments_created:
        record(
            session,
            actor=None,
            action="demo.loaded",
            object_type="council",
            details={"people": summary.people_created, "departments": summary.departments_created},
        )
    return summary


DEMO_POLICIES = (
    # slug, file, does its first version bind councillors too? The Networking Policy's Scope
    # names no councillors; the demo council applies the Communication Policy, written for
    # councillors and officers, to everyone who works for it. Recorded on each version.
    ("social-media-networking", "social-media-networking.md", False),
    ("social-media-electronic-communication", "social-media-electronic-communication.md", True),
)
# Demo people who have already signed, so the status pages have something to show.
ALREADY_SIGNED = ("clerk", "deputy", "hr", "finance.manager", "grace.thornton")


def _load_demo_policies(session: Session) -> int:
    """The council's two policies in the project's own words, published by the Town Clerk."""
    from portal.policies import service as policies
    from portal.policies.signing import RequestDetails, sign

    clerk = session.scalar(select(Person).where(Person.email == demo_email("clerk")))
    if clerk is None:
        return 0
    published = 0
    for slug, filename, councillors in DEMO_POLICIES:
        if session.scalar(select(Policy.id).where(Policy.slug == slug)) is not None:
            continue
        text = (POLICY_TEXTS / filename).read_text(encoding="utf-8")
        engagements = tuple(e for e in EngagementType if councillors or e != EngagementType.COUNCILLOR)
        policy = policies.create_policy(
            session,
            clerk,
            policies.PolicyDetails(
                slug=slug, title=text.splitlines()[0].lstrip("# ").strip(), owner_role=Role.TOWN_CLERK
            ),
        )
        version = policies.draft_version(
            session,
            clerk,
            policy,
            policies.VersionDetails(
                label="2026.1",
                effective_date=date(2026, 4, 1),
                body=text,
                change_kind=ChangeKind.MATERIAL,
                change_summary="First version of the policy in the portal.",
                adopted_minute="Full Council, 12 March 2026, minute 2026/041",
                review_due=date(2027, 3, 31),
                scope=policies.Scope(engagements),
            ),
        )
        policies.publish_version(session, clerk, policy, version)
        published += 1
        for local in ALREADY_SIGNED:
            person = session.scalar(
                select(Person)
                .options(selectinload(Person.role_grants))
                .where(Person.email == demo_email(local))
            )
            if person is not None and policies.applies_to(version, person):
                sign(
                    session,
                    person,
                    policy,
                    version_id=version.id,
                    password=DEMO_PASSWORD,
                    typed_name=person.name,
                    confirmed=True,
                    request=RequestDetails(ip_address="127.0.0.1"),
                )
    return published


# The council's corporate channels, each with the minute of the meeting that set it up.
DEMO_CHANNELS = (
    (
        "website",
        "Ashcombe Town Council website",
        "https://www.ashcombe-tc.example/",
        "Minute 14/032, Council meeting 13 January 2014",
    ),
    (
        "facebook",
        "Ashcombe Town Council",
        "https://www.facebook.com/ashcombe-tc.example",
        "Minute 17/088, Council meeting 14 March 2017",
    ),
    ("x", "@AshcombeTC", "https://x.com/ashcombe-tc-example", "Minute 19/121, Council meeting 14 May 2019"),
)


def _load_demo_channels(session: Session) -> None:
    """The council's three corporate channels (Communication Policy, introduction), and
    their bases where a demo council loaded before revision 0019 has none."""
    from portal.authorisations.models import Channel
    from portal.authorisations.service import add_channel, record_basis

    existing = {channel.name: channel for channel in session.scalars(select(Channel))}
    for platform, name, url, basis in DEMO_CHANNELS:
        if not existing:
            add_channel(session, None, platform=platform, name=name, url=url, basis=basis)
        elif name in existing and existing[name].needs_basis:
            record_basis(session, None, existing[name], basis)


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


def _load_demo_business_cases(session: Session) -> None:
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
    parks = service.start_case(
        session,
        parks_manager,
        department_id=parks_manager.department_id,  # type: ignore[arg-type]
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
    markets = service.start_case(
        session,
        events_manager,
        department_id=events_manager.department_id,  # type: ignore[arg-type]
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
