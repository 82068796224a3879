"""Who has signed what: each person's status per policy, and the "as at" look-up.

Who must sign is the scope of the policy's current version (portal/policies/scope.py).

Due dates count England and Wales working days:
- a new starter (started after the version requiring signature was published):
  10 working days from their start date;
- everyone else, when a material version is published: 20 working days from publication;
- a minor version needs no new signature;
- someone a later version brought into scope: 20 working days from that version's
  publication, since nobody can sign a wording before it binds them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.clock import LONDON, add_working_days
from portal.clock import today as clock_today
from portal.people.models import Person
from portal.policies.library import current_version, published_history, signature_baseline
from portal.policies.models import Acknowledgement, Policy, PolicyVersion, Receipt, RecordKind
from portal.policies.scope import Scope, applies_to

NEW_STARTER_WORKING_DAYS = 10
MATERIAL_CHANGE_WORKING_DAYS = 20


class Status(enum.StrEnum):
    CURRENT = "current"
    DUE = "due"
    OVERDUE = "overdue"
    SUPERSEDED = "superseded"  # signed only an older material version; the new one is not yet overdue
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            Status.CURRENT: "Signed",
            Status.DUE: "To sign",
            Status.OVERDUE: "Overdue",
            Status.SUPERSEDED: "New version to sign",
            Status.DECLINED: "Declined",
        }[self]

    @property
    def needs_action(self) -> bool:
        return self in (Status.DUE, Status.OVERDUE, Status.SUPERSEDED)


class RecordSummary(NamedTuple):
    """The few columns of an acknowledgement that status needs (a tuple: a large council
    has tens of thousands, built in one go)."""

    id: int
    person_id: int
    version_id: int
    kind: str
    recorded_at: datetime


@dataclass(frozen=True)
class PolicyStatus:
    person_id: int
    policy: Policy
    version: PolicyVersion  # the version to sign now
    status: Status
    due: date
    signed_at: datetime | None = None  # when the counting signature was made
    last_record: RecordSummary | None = None


def london_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _latest(records: list[RecordSummary]) -> RecordSummary | None:
    return max(records, key=lambda r: (r.recorded_at, r.id)) if records else None


class Step(NamedTuple):
    """A version whose signature counts now, with the day it was published and the day
    everyone it then bound had to sign by (worked out once per policy, not per person)."""

    version: PolicyVersion
    published_on: date
    due_for_existing_staff: date


@dataclass(frozen=True)
class SigningPlan:
    """What a policy asks for now: the version to sign, and which signatures count."""

    policy: Policy
    version: PolicyVersion
    baseline: PolicyVersion
    counting: frozenset[int]
    # The counting versions, oldest (the baseline) first.
    steps: tuple[Step, ...]
    # True when every counting version binds the same people: then nobody's time starts
    # later than the baseline's, and no person needs the versions walked.
    same_scope: bool

    @classmethod
    def of(cls, policy: Policy) -> SigningPlan | None:
        version = current_version(policy)
        if version is None:
            return None
        baseline = signature_baseline(policy, version)
        start = (baseline.published_at, baseline.id)
        history = [v for v in published_history(policy) if (v.published_at, v.id) >= start]
        steps = []
        for counted in history:
            assert counted.published_at is not None
            published_on = london_date(counted.published_at)
            steps.append(
                Step(counted, published_on, add_working_days(published_on, MATERIAL_CHANGE_WORKING_DAYS))
            )
        return cls(
            policy,
            version,
            baseline,
            frozenset(v.id for v in history),
            tuple(steps),
            len({Scope.of_version(v) for v in history}) == 1,
        )

    def binds(self, person: Person) -> bool:
        """Whether the current version binds the person (its Scope, as data)."""
        return applies_to(self.version, person)

    def _bound_since(self, person: Person) -> Step:
        """The oldest counting version from which every version to the current one binds
        the person: their time to sign runs from when the policy first bound them."""
        if self.same_scope:
            return self.steps[0]
        since = self.steps[-1]
        for step in reversed(self.steps):
            if not applies_to(step.version, person):
                break
            since = step
        return since

    def due_date(self, person: Person) -> date:
        """A new starter (started after the version was published) has 10 England and
        Wales working days from their start; everyone else 20 from the publication of
        the material version, or of the later version that brought them into scope. The
        council's own deadlines: the policies set none."""
        since = self._bound_since(person)
        if person.start_date > since.published_on:
            return add_working_days(person.start_date, NEW_STARTER_WORKING_DAYS)
        return since.due_for_existing_staff


def status_of(
    person: Person, plan: SigningPlan, records: list[RecordSummary], *, today: date
) -> PolicyStatus | None:
    """The person's standing on the policy's current version; None if that version does
    not bind them (its Scope, as data on the version: see `applies_to`), so nobody is
    asked to sign, or reminded of, a wording that does not bind them: never a councillor
    the Networking Policy, whose Scope names none. A signature of the latest material
    version counts; a declined signature stays declined until the person signs (the
    council's own rules, so that the Clerk can follow refusals up)."""
    if not plan.binds(person):
        return None
    policy, version = plan.policy, plan.version
    latest = _latest([r for r in records if r.version_id in plan.counting])
    due = plan.due_date(person)
    if latest is not None and latest.kind == RecordKind.SIGNED:
        return PolicyStatus(person.id, policy, version, Status.CURRENT, due, latest.recorded_at, latest)
    if latest is not None and latest.kind == RecordKind.DECLINED:
        return PolicyStatus(person.id, policy, version, Status.DECLINED, due, None, latest)
    if today > due:
        return PolicyStatus(person.id, policy, version, Status.OVERDUE, due, None, latest)
    previous = _latest([r for r in records if r.version_id not in plan.counting])
    if previous is not None and previous.kind == RecordKind.SIGNED:
        return PolicyStatus(person.id, policy, version, Status.SUPERSEDED, due, None, previous)
    return PolicyStatus(person.id, policy, version, Status.DUE, due, None, latest)


def load_policies(session: Session) -> list[Policy]:
    return list(session.scalars(select(Policy).options(selectinload(Policy.versions)).order_by(Policy.title)))


def load_records(session: Session, person_ids: list[int] | None = None) -> dict[int, list[RecordSummary]]:
    """Every person's acknowledgement records, by person, in one query."""
    query = select(
        Acknowledgement.id,
        Acknowledgement.person_id,
        Acknowledgement.version_id,
        Acknowledgement.kind,
        Acknowledgement.recorded_at,
    )
    if person_ids is not None:
        if not person_ids:
            return {}
        query = query.where(Acknowledgement.person_id.in_(person_ids))
    found: dict[int, list[RecordSummary]] = {}
    for row in session.execute(query):
        found.setdefault(row.person_id, []).append(RecordSummary(*row))
    return found


def statuses_for_people(
    session: Session, people: list[Person], *, today: date | None = None, policies: list[Policy] | None = None
) -> dict[int, list[PolicyStatus]]:
    """Each person's statuses across every policy, in a fixed number of queries."""
    today = today or clock_today()
    policies = policies if policies is not None else load_policies(session)
    plans = [plan for policy in policies if (plan := SigningPlan.of(policy)) is not None]
    policy_of_version = {v.id: p.id for p in policies for v in p.versions}
    # Loading everyone's records at once beats a long IN (...) list for big councils.
    records = load_records(session, [p.id for p in people] if len(people) < 500 else None)
    result: dict[int, list[PolicyStatus]] = {}
    for person in people:
        by_policy: dict[int, list[RecordSummary]] = {}
        for summary in records.get(person.id, []):
            by_policy.setdefault(policy_of_version.get(summary.version_id, -1), []).append(summary)
        statuses = []
        for plan in plans:
            found = status_of(person, plan, by_policy.get(plan.policy.id, []), today=today)
            if found is not None:
                statuses.append(found)
        result[person.id] = statuses
    return result


# The "as at" look-up ------------------------------------------------------------


@dataclass(frozen=True)
class AsAtEvidence:
    """What stood on a given day: the wording in force, and the person's signature of it."""

    person: Person
    policy: Policy
    on: date
    version: PolicyVersion | None
    acknowledgement: Acknowledgement | None
    receipt_code: str | None

    @property
    def signed(self) -> bool:
        return self.acknowledgement is not None


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, LONDON)


def version_in_force(policy: Policy, on: date) -> PolicyVersion | None:
    """The published wording that applied on `on`: the newest one already published and
    effective by then, unless it had been withdrawn without a replacement."""
    cutoff = end_of_day(on)
    candidates = [
        v
        for v in published_history(policy)
        if v.published_at is not None and v.published_at < cutoff and v.effective_date <= on
    ]
    if not candidates:
        return None
    chosen = max(candidates, key=lambda v: (v.effective_date, v.published_at, v.id))
    if chosen.archived_at is not None and chosen.archived_at < cutoff:
        # Archived by a newer version: still in force until that one takes effect.
        # Archived with nothing after it: the policy had been withdrawn.
        replaced = any(
            (v.published_at, v.id) > (chosen.published_at, chosen.id) for v in published_history(policy)
        )
        if not replaced:
            return None
    return chosen


def as_at(session: Session, person: Person, policy: Policy, on: date) -> AsAtEvidence:
    """Which version was in force on `on`, whether the person had signed it by the end
    of that day (a signature of its material baseline counts), and the receipt."""
    version = version_in_force(policy, on)
    if version is None:
        return AsAtEvidence(person, policy, on, None, None, None)
    baseline = signature_baseline(policy, version)
    counting = [
        v.id
        for v in published_history(policy)
        if (baseline.published_at, baseline.id)
        <= (v.published_at, v.id)
        <= (version.published_at, version.id)
    ]
    records = list(
        session.scalars(
            select(Acknowledgement)
            .where(
                Acknowledgement.person_id == person.id,
                Acknowledgement.version_id.in_(counting),
                Acknowledgement.recorded_at < end_of_day(on),
            )
            .order_by(Acknowledgement.recorded_at.desc(), Acknowledgement.id.desc())
            .limit(1)
        )
    )
    latest = records[0] if records else None
    if latest is None or latest.kind != RecordKind.SIGNED:
        return AsAtEvidence(person, policy, on, version, None, None)
    code = session.scalar(select(Receipt.code).where(Receipt.acknowledgement_id == latest.id))
    return AsAtEvidence(person, policy, on, version, latest, code)
