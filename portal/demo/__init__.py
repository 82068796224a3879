"""The fictional Ashcombe Town Council, for trying the portal and for the browser tests.

Every role and every engagement type in the policy's scope appears at least once.
The accounts are flagged as demo accounts, and production refuses to start while
any exist. The parts: council.py (departments, accounts), policies.py (the policies,
who has signed, the channels), business_cases.py, and overdue.py (the people who are
late, and why the setup is replayed as of the day the portal went live).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.models import AuditEvent
from portal.audit.service import record
from portal.auth.passwords import hash_password
from portal.clock import today
from portal.people.models import Department, EngagementType, Person, Role
from portal.people.service import PersonDetails, add_department, create_person

from . import overdue
from .business_cases import load_business_cases
from .council import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEPARTMENTS,
    EVENTS,
    FINANCE,
    MEMBERS,
    OFFICE,
    PARKS,
    DemoPerson,
    demo_email,
)
from .council import demo_person as _p
from .policies import DEMO_CHANNELS, load_channels, publish_policies, sign_policies

# What the rest of the portal and the tests use.
__all__ = ["DEMO_CHANNELS", "DEMO_DOMAIN", "DEMO_PASSWORD", "PEOPLE", "demo_email", "load_demo_council"]

E = EngagementType

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

    settings = current_app.config["PORTAL_SETTINGS"]
    on, late_by = today(), settings.escalate_after_overdue_days
    # Into a portal where nothing has happened yet, the setup is replayed as of the day it
    # went live, so that some people are overdue today (overdue.py says why); the audit
    # chain stays in time order. Anywhere else, what is missing is added today.
    replay = session.scalar(select(AuditEvent.id).limit(1)) is None
    created: set[str] = set()
    with overdue.as_of(overdue.went_live(on, late_by) if replay else None):
        departments = {d.name: d for d in session.scalars(select(Department))}
        for name in DEPARTMENTS:
            if name not in departments:
                departments[name] = add_department(session, None, name)
                summary.departments_created += 1

        existing = set(session.scalars(select(Person.email).where(Person.email.like(f"%@{DEMO_DOMAIN}"))))
        password_hash = hash_password(DEMO_PASSWORD)
        for demo in (*PEOPLE, *overdue.people(on, late_by)):
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
            created.add(email)
        session.flush()
        # The channels first: the Communication Policy's wording already names them, so they
        # are not changes its Clerk must review (portal/authorisations/channels_policy.py).
        load_channels(session)
        published = publish_policies(session)
        # The quiz bank cites the policies' sections, so it loads after them.
        from portal.training.sync import sync

        summary.question_versions_loaded = len(sync(session).new_versions)
    summary.people_created, summary.policies_published = len(created), len(published)
    # The signatures are today's, sealed by the council's certificate as it is now.
    sign_policies(session, published)
    load_business_cases(session)
    overdue.catch_up(session, created, on, settings)
    if summary.people_created or summary.departments_created:
        record(
            session,
            actor=None,
            action="demo.loaded",
            object_type="council",
            details={"people": summary.people_created, "departments": summary.departments_created},
        )
    return summary
