"""Who has signed the current policies, passed their training and may post for the
council; who has not, and since when.

The overview is computed for a scope (everyone, or a manager's team) in a fixed number
of queries, then cached until the data changes: every change in the portal writes an
audit event, so the newest audit event's id is an exact version stamp. A page view or
an export under the same filters after no change costs one small query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, subqueryload

from portal.audit.cache import VersionedCache
from portal.clock import today
from portal.outbox.service import day_text
from portal.people.models import Department, EngagementType, Person
from portal.policies.models import Policy
from portal.policies.service import PolicyStatus, Status
from portal.training.service import QuizStatus, TrainingStatus

DONE, DUE, OVERDUE, DECLINED = "done", "due", "overdue", "declined"
CELL_LABELS = {DONE: "Done", DUE: "To do", OVERDUE: "Overdue", DECLINED: "Declined"}
AUTHORISATION_LABELS = {
    "issued": "Authorised",
    "requested": "Requested",
    "expired": "Expired",
    "revoked": "Revoked",
    "declined": "Declined",
}
PERSON_STATUSES = {
    "complete": "Everything done",
    "incomplete": "Something to do",
    "overdue": "Something overdue",
}


@dataclass(frozen=True)
class Requirement:
    key: str  # "policy:<slug>" or "quiz:<key>"
    label: str


@dataclass(frozen=True)
class Cell:
    status: str  # done, due, overdue or declined
    due: date | None
    overdue_days: int = 0

    @property
    def label(self) -> str:
        return CELL_LABELS[self.status]


@dataclass(frozen=True)
class Row:
    person_id: int
    name: str
    department: str
    department_id: int | None
    engagement: str
    cells: dict[str, Cell]
    authorisation: str  # "", or the status of their latest posting authorisation
    authorisation_starts_on: date | None = None

    @property
    def authorisation_label(self) -> str:
        """Their latest posting authorisation as the page and the exports say it."""
        if self.authorisation == "not_started" and self.authorisation_starts_on:
            return f"Not yet in force: starts {day_text(self.authorisation_starts_on)}"
        return AUTHORISATION_LABELS.get(self.authorisation, "None")

    @property
    def complete(self) -> bool:
        return all(c.status == DONE for c in self.cells.values())

    @property
    def overdue(self) -> bool:
        return any(c.status == OVERDUE for c in self.cells.values())


@dataclass(frozen=True)
class OverdueItem:
    name: str
    requirement: str
    due: date
    days: int


@dataclass(frozen=True)
class PolicyReview:
    """A policy the council should review, and why: its review date has come, or the
    channels register changed since the wording that lists the channels was published."""

    slug: str | None  # None: the policy that lists the channels is not in the library
    title: str
    version: str
    reasons: tuple[str, ...]


@dataclass
class Overview:
    requirements: list[Requirement]
    rows: list[Row]
    departments: list[tuple[int, str]]
    expiring: list[tuple[str, str, date]] = field(default_factory=list)  # name, reference, ends on
    cases_awaiting: list[tuple[int, str, str]] = field(default_factory=list)  # id, reference, account
    reviews_due: list[tuple[int, str, str, date]] = field(default_factory=list)
    policy_reviews: list[PolicyReview] = field(default_factory=list)

    # What each filter shows, worked out once per cached overview (see `view`).
    views: dict[tuple[int | None, str, str], View] = field(default_factory=dict)

    def view(self, *, department_id: int | None, engagement: str, status: str) -> View:
        """The filtered rows with their counts, overdue list and department figures.
        The overview itself is cached until the data changes, so this is too."""
        key = (department_id, engagement, status)
        found = self.views.get(key)
        if found is None:
            rows = self.filtered(department_id=department_id, engagement=engagement, status=status)
            found = View(
                rows,
                summarise(self.requirements, rows),
                overdue_items(self.requirements, rows),
                percent_by_department(rows),
            )
            self.views[key] = found
        return found

    def filtered(self, *, department_id: int | None, engagement: str, status: str) -> list[Row]:
        rows = self.rows
        if department_id:
            rows = [r for r in rows if r.department_id == department_id]
        if engagement:
            rows = [r for r in rows if r.engagement == engagement]
        if status == "complete":
            rows = [r for r in rows if r.complete]
        elif status == "incomplete":
            rows = [r for r in rows if not r.complete]
        elif status == "overdue":
            rows = [r for r in rows if r.overdue]
        return rows


@dataclass(frozen=True)
class Summary:
    people: int
    complete: int
    by_requirement: list[tuple[Requirement, int, int]]  # requirement, done, required

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.people) if self.people else 100


@dataclass(frozen=True)
class View:
    rows: list[Row]
    summary: Summary
    overdue: list[OverdueItem]
    by_department: list[tuple[str, int, int]]


def summarise(requirements: list[Requirement], rows: list[Row]) -> Summary:
    by_requirement = []
    for requirement in requirements:
        cells = [r.cells[requirement.key] for r in rows if requirement.key in r.cells]
        by_requirement.append((requirement, sum(c.status == DONE for c in cells), len(cells)))
    return Summary(len(rows), sum(r.complete for r in rows), by_requirement)


def overdue_items(requirements: list[Requirement], rows: list[Row]) -> list[OverdueItem]:
    """Every overdue item, the longest overdue first."""
    labels = {r.key: r.label for r in requirements}
    items = [
        OverdueItem(row.name, labels[key], cell.due, cell.overdue_days)
        for row in rows
        for key, cell in row.cells.items()
        if cell.status == OVERDUE and cell.due is not None
    ]
    return sorted(items, key=lambda i: (-i.days, i.name, i.requirement))


def percent_by_department(rows: list[Row]) -> list[tuple[str, int, int]]:
    """(department, people complete, people) for each department in the rows."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        counts = totals.setdefault(row.department or "No department", [0, 0])
        counts[0] += row.complete
        counts[1] += 1
    return [(name, done, people) for name, (done, people) in sorted(totals.items())]


# Building ------------------------------------------------------------------------


def _policy_cell(found: PolicyStatus, on: date) -> Cell:
    if found.status == Status.CURRENT:
        return Cell(DONE, found.due)
    if found.status == Status.DECLINED:
        return Cell(DECLINED, found.due)
    if found.status == Status.OVERDUE:
        return Cell(OVERDUE, found.due, (on - found.due).days)
    return Cell(DUE, found.due)


def _quiz_cell(found: QuizStatus, on: date) -> Cell:
    if found.status == TrainingStatus.PASSED:
        return Cell(DONE, found.due)
    if found.status == TrainingStatus.OVERDUE or (found.status == TrainingStatus.LOCKED and on > found.due):
        return Cell(OVERDUE, found.due, (on - found.due).days)
    return Cell(DUE, found.due)


def build(session: Session, *, manager_id: int | None, on: date) -> Overview:
    """Everyone (manager_id None) or one manager's direct reports. A fixed number of queries."""
    from portal.authorisations.service import ending_soon, latest_status_by_person
    from portal.business_cases.service import awaiting_review, reviews_due
    from portal.policies.status import load_policies, statuses_for_people
    from portal.training.service import statuses_for

    # joinedload / subqueryload rather than selectinload: selectin loads in batches of
    # 500 ids, so a council past 500 people would cost an extra query per 500.
    query = (
        select(Person)
        .options(subqueryload(Person.role_grants), joinedload(Person.department))
        .where(Person.is_active.is_(True))
        .order_by(Person.name, Person.id)
    )
    if manager_id is not None:
        query = query.where(Person.line_manager_id == manager_id)
    people = list(session.scalars(query))
    policies = [p for p in load_policies(session) if any(v.published_at for v in p.versions)]
    policy_statuses = statuses_for_people(session, people, today=on, policies=policies)
    quiz_statuses = statuses_for(session, people, today=on)
    authorisation_status = latest_status_by_person(session, on)
    requirements = [Requirement(f"policy:{p.slug}", p.title) for p in policies]
    # Keys looked up by object, not rebuilt from ORM attributes 65,000 times for a big council.
    policy_keys = {policy: f"policy:{policy.slug}" for policy in policies}
    quiz_keys: dict[object, str] = {}
    quiz_titles: dict[str, str] = {}
    rows = []
    for person in people:
        cells = {policy_keys[s.policy]: _policy_cell(s, on) for s in policy_statuses.get(person.id, [])}
        for found in quiz_statuses.get(person.id, []):
            if found.quiz not in quiz_keys:
                quiz_keys[found.quiz] = f"quiz:{found.quiz.quiz_key}"
                quiz_titles[found.quiz.quiz_key] = found.quiz.title
            cells[quiz_keys[found.quiz]] = _quiz_cell(found, on)
        rows.append(
            Row(
                person.id,
                person.name,
                person.department.name if person.department else "",
                person.department_id,
                person.engagement_type,
                cells,
                standing.status if (standing := authorisation_status.get(person.id)) else "",
                standing.starts_on if standing else None,
            )
        )
    requirements += [Requirement(f"quiz:{key}", title) for key, title in sorted(quiz_titles.items())]
    in_scope = {p.id for p in people}
    departments = sorted(
        {(p.department.id, p.department.name) for p in people if p.department}, key=lambda d: d[1]
    )
    expiring = [
        (e.person_name, e.reference, e.ends_on)
        for e in ending_soon(session, on, on + timedelta(days=30))
        if e.person_id in in_scope
    ]
    overview = Overview(requirements, rows, departments, expiring)
    if manager_id is None:  # business cases are the reviewers' business, not a team view's
        overview.cases_awaiting = [(c.id, c.reference, c.account_name) for c in awaiting_review(session)]
        overview.reviews_due = [
            (c.id, c.reference, c.account_name, c.next_review_on)
            for c in reviews_due(session, on)
            if c.next_review_on is not None  # always: reviews_due compares it with the date
        ]
        overview.policy_reviews = policy_reviews(session, policies, on)
    return overview


def policy_reviews(session: Session, policies: list[Policy], on: date) -> list[PolicyReview]:
    """Policies due for review (portal/policies/reviews.py), and the one that lists the
    channels when the register has changed since its wording (authorisations'
    channels_policy.py), one line per policy with every reason."""
    from portal.authorisations.service import channels_review
    from portal.policies.service import reviews_due as policy_reviews_due

    found: dict[str | None, PolicyReview] = {}
    for review in policy_reviews_due(policies, on):
        slug = review.policy.slug
        reason = f"its review date was {day_text(review.due)}"
        found[slug] = PolicyReview(slug, review.policy.title, review.version.label, (reason,))
    changed = channels_review(session)
    if changed is not None:
        target = changed.target
        target_slug = target.policy.slug if target.policy else None
        title = target.policy.title if target.policy else "The policy that lists the council's channels"
        earlier = found.get(target_slug)
        reasons = (*(earlier.reasons if earlier else ()), changed.what_changed)
        found[target_slug] = PolicyReview(target_slug, title, target.version.label, reasons)
    return list(found.values())


# Caching -------------------------------------------------------------------------

_CACHE: VersionedCache[Overview] = VersionedCache()


def overview_for(session: Session, *, manager_id: int | None, on: date | None = None) -> Overview:
    """Built once per change in the portal (portal.audit.cache)."""
    on = on or today()
    return _CACHE.get(session, (manager_id, on), lambda: build(session, manager_id=manager_id, on=on))


def clear_cache() -> None:
    _CACHE.clear()


def engagement_choices() -> list[tuple[str, str]]:
    return [(e.value, e.label) for e in EngagementType]


def all_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))
