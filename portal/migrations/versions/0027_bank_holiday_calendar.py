"""bank-holiday calendar: all three parts of the UK, kept in the database

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01

Working days were counted from the copy of GOV.UK's calendar shipped inside the
govuk-bank-holidays package, for England and Wales only, on each server separately; past
its last year every weekday would have counted. The calendar now lives here, for England
and Wales, Scotland and Northern Ireland (Freedom of Information counts a bank holiday in
any of them: FOIA s10(6)), with the last date each part's data covers, so that the
portal can refuse to count past it and warn before it arrives. It starts as that same
shipped copy; `flask calendar update` loads newer ones.

The seed is read here, not through the portal's code, so that this revision writes the
same rows however that code changes later.
"""

import json
from datetime import UTC, date, datetime
from importlib import metadata, resources

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")
_DIVISION_LIST = ", ".join(f"'{division}'" for division in DIVISIONS)


def _covers_until(last: date) -> date:
    # GOV.UK publishes whole years: a year that lists its Christmas holidays is known to
    # its end (portal/clock/govuk.py explains the rule).
    return date(last.year, 12, 31) if (last.month, last.day) >= (12, 25) else last


def _shipped() -> dict[str, list[dict[str, object]]]:
    content = resources.files("govuk_bank_holidays").joinpath("bank-holidays.json").read_bytes()
    document = json.loads(content)
    return {
        division: sorted(
            (
                {
                    "day": date.fromisoformat(e["date"]),
                    "title": e["title"].strip(),
                    "notes": e["notes"].strip(),
                }
                for e in document[division]["events"]
            ),
            key=lambda holiday: holiday["day"],
        )
        for division in DIVISIONS
    }


def upgrade() -> None:
    divisions = op.create_table(
        "bank_holiday_divisions",
        sa.Column("division", sa.String(length=20), nullable=False),
        sa.Column("covers_until", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            f"division IN ({_DIVISION_LIST})", name=op.f("ck_bank_holiday_divisions_division")
        ),
        sa.PrimaryKeyConstraint("division", name=op.f("pk_bank_holiday_divisions")),
    )
    holidays = op.create_table(
        "bank_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("division", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["division"],
            ["bank_holiday_divisions.division"],
            name=op.f("fk_bank_holidays_division_bank_holiday_divisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_holidays")),
        sa.UniqueConstraint("division", "day", name=op.f("uq_bank_holidays_division_day")),
    )
    shipped = _shipped()
    source = f"govuk-bank-holidays {metadata.version('govuk-bank-holidays')} (its offline copy)"
    loaded_at = datetime.now(UTC).replace(tzinfo=None)  # stored naive, in UTC (portal.db.UTCDateTime)
    op.bulk_insert(
        divisions,
        [
            {
                "division": division,
                "covers_until": _covers_until(events[-1]["day"]),  # type: ignore[arg-type]  # "day" is a date, in a dict of mixed values
                "source": source,
                "loaded_at": loaded_at,
                "version": 1,
            }
            for division, events in shipped.items()
        ],
    )
    op.bulk_insert(
        holidays,
        [{"division": division, **holiday} for division, events in shipped.items() for holiday in events],
    )


def downgrade() -> None:
    op.drop_table("bank_holidays")
    op.drop_table("bank_holiday_divisions")
