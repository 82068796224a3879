"""Importing a staff list from CSV: every row checked first, then all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.audit.service import record
from portal.identity import PRIVILEGED_ROLES
from portal.people.models import Department, EngagementType, Person, Role, normalise_email
from portal.people.service import PersonDetails, add_department, create_person

REQUIRED_COLUMNS = ("name", "email", "engagement_type", "start_date")
OPTIONAL_COLUMNS = ("department", "line_manager_email", "roles")
MAX_ROWS = 10_000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


class ImportRejected(Exception):
    """The file had problems; nothing was imported."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class ImportResult:
    created: list[Person] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    details: PersonDetails
    department_name: str | None


def _parse_date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [RowProblem(1, "The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (Comma delimited)'")]
        ) from error


def _check_row(line: int, raw: dict[str, str], problems: list[RowProblem]) -> _Row | None:
    values = {key: (raw.get(key) or "").strip() for key in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    row_problems: list[str] = []
    if not values["name"]:
        row_problems.append("the name is missing")
    email = normalise_email(values["email"])
    if not email:
        row_problems.append("the email address is missing")
    elif "@" not in email or " " in email or email.startswith("@") or email.endswith("@"):
        row_problems.append(f"'{values['email']}' is not an email address")
    engagement = values["engagement_type"].lower()
    if engagement not in {e.value for e in EngagementType}:
        allowed = ", ".join(e.value for e in EngagementType)
        row_problems.append(f"the engagement type '{values['engagement_type']}' is not one of: {allowed}")
    start = _parse_date(values["start_date"]) if values["start_date"] else None
    if not values["start_date"]:
        row_problems.append("the start date is missing")
    elif start is None:
        row_problems.append(
            f"the start date '{values['start_date']}' is not a date like 2026-03-31 or 31/03/2026"
        )
    roles: set[Role] = set()
    for word in values["roles"].replace(";", " ").replace(",", " ").split():
        try:
            role = Role(word.lower())
        except ValueError:
            row_problems.append(f"the role '{word}' does not exist")
            continue
        if role in PRIVILEGED_ROLES:
            # Separation of duties: these roles need a proposal and a second person.
            row_problems.append(
                f"the role '{word}' is a privileged role, given only with a second person's approval "
                "under Privileged roles"
            )
        roles.add(role)
    if row_problems:
        problems.extend(RowProblem(line, problem[0].upper() + problem[1:]) for problem in row_problems)
        return None
    assert start is not None
    return _Row(
        line,
        PersonDetails(
            name=values["name"],
            email=email,
            engagement_type=EngagementType(engagement),
            start_date=start,
            line_manager_email=values["line_manager_email"] or None,
            roles=roles,
        ),
        " ".join(values["department"].split()) or None,
    )


def _check_across_rows(session: Session, rows: list[_Row], problems: list[RowProblem]) -> None:
    emails_in_file: dict[str, int] = {}
    for row in rows:
        email = row.details.email
        if email in emails_in_file:
            problems.append(RowProblem(row.line, f"{email} is already on line {emails_in_file[email]}"))
        else:
            emails_in_file[email] = row.line
    existing = (
        set(session.scalars(select(Person.email).where(Person.email.in_(list(emails_in_file)))).all())
        if emails_in_file
        else set()
    )
    for row in rows:
        if row.details.email in existing and emails_in_file.get(row.details.email) == row.line:
            problems.append(
                RowProblem(row.line, f"{row.details.email} already has an account; edit that person instead")
            )
    manager_emails = {
        normalise_email(r.details.line_manager_email) for r in rows if r.details.line_manager_email
    }
    known_managers = (
        set(
            session.scalars(
                select(Person.email).where(Person.email.in_(list(manager_emails)), Person.is_active.is_(True))
            ).all()
        )
        if manager_emails
        else set()
    )
    for row in rows:
        manager = row.details.line_manager_email
        if not manager:
            continue
        manager = normalise_email(manager)
        if manager == row.details.email:
            problems.append(RowProblem(row.line, "A person cannot be their own line manager"))
        elif manager not in known_managers and manager not in emails_in_file:
            problems.append(
                RowProblem(row.line, f"The line manager {manager} is not in the file or the portal")
            )


def import_people(session: Session, actor: Person, data: bytes) -> ImportResult:
    """Check every row, report every problem with its line number, and import only a clean file."""
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ImportRejected(
            [RowProblem(1, "The first line must name the columns; missing: " + ", ".join(missing))]
        )
    reader.fieldnames = headers
    problems: list[RowProblem] = []
    rows: list[_Row] = []
    for raw in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
            continue  # a blank line is not a person
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(
                RowProblem(line, f"The file has more than {MAX_ROWS} rows; split it into smaller files")
            )
            break
        checked = _check_row(line, raw, problems)
        if checked:
            rows.append(checked)
    if not rows and not problems:
        raise ImportRejected([RowProblem(2, "The file has no people in it")])
    _check_across_rows(session, rows, problems)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line))
    return _create_all(session, actor, rows)


def _create_all(session: Session, actor: Person, rows: list[_Row]) -> ImportResult:
    result = ImportResult()
    departments = {d.name.lower(): d for d in session.scalars(select(Department))}
    for row in rows:
        if row.department_name and row.department_name.lower() not in departments:
            department = add_department(session, actor, row.department_name)
            departments[department.name.lower()] = department
            result.new_departments.append(department.name)
        if row.department_name:
            row.details.department_id = departments[row.department_name.lower()].id
    # People first, managers second: a manager may appear later in the same file.
    for row in rows:
        manager_email = row.details.line_manager_email
        row.details.line_manager_email = None
        person = create_person(session, actor, row.details)
        row.details.line_manager_email = manager_email
        result.created.append(person)
    by_email = {p.email: p for p in result.created}
    managers: dict[str, int] = {}
    for row, person in zip(rows, result.created, strict=True):
        if row.details.line_manager_email:
            manager_email = normalise_email(row.details.line_manager_email)
            manager = by_email.get(manager_email) or session.scalar(
                select(Person).where(func.lower(Person.email) == manager_email)
            )
            assert manager is not None  # checked in _check_across_rows
            person.line_manager_id = manager.id
            managers[str(person.id)] = manager.id
    session.flush()
    record(
        session,
        actor=actor,
        action="people.imported",
        object_type="import",
        details={
            "people": len(result.created),
            "new_departments": result.new_departments,
            "line_managers": managers,
        },
    )
    return result
