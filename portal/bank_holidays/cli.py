"""`flask --app wsgi calendar update FILE` and `flask --app wsgi calendar show`.

Why a command: the new file comes from GOV.UK (https://www.gov.uk/bank-holidays.json),
fetched by whoever runs the server; the portal itself never reaches out to the internet.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.clock import DIVISION_NAMES, today
from portal.clock.calendar import day_text
from portal.clock.govuk import parse
from portal.db import database
from portal.errors import DomainError

from .service import load_calendar, running_out, summary

# GOV.UK's file is about 20 kB; anything far larger is not it.
LARGEST_FILE = 2 * 1024 * 1024

calendar_commands = AppGroup("calendar", help="The bank-holiday calendar that working days are counted with.")


@calendar_commands.command("update")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def update(file: Path) -> None:
    """Load a newer copy of GOV.UK's bank-holidays.json: all three parts of the UK, at
    least as far ahead as the calendar held now. All or nothing; exit 1 if refused."""
    if file.stat().st_size > LARGEST_FILE:
        raise click.ClickException(
            f"{file.name} is larger than {LARGEST_FILE // 1024} kB: not a bank-holidays file."
        )
    content = file.read_bytes()
    try:
        parsed = parse(content)
        with database().session_scope() as session:
            loaded = load_calendar(
                session, parsed, source=file.name[:200], sha256=hashlib.sha256(content).hexdigest()
            )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Loaded the bank-holiday calendar from {file.name} (version {loaded.version}):")
    for division in summary_lines(loaded.holidays, loaded.covers_until):
        click.echo(f"  {division}")
    click.echo(f"{loaded.added} bank holiday(s) added, {loaded.removed} removed.")


def summary_lines(holidays: dict[str, int], covers_until: dict[str, date]) -> list[str]:
    return [
        f"{DIVISION_NAMES[division]}: {count} bank holidays, up to {day_text(covers_until[division])}"
        for division, count in holidays.items()
    ]


@calendar_commands.command("show")
def show() -> None:
    """How far each part of the UK is covered, and whether it is time to load a newer copy."""
    with database().read_only_session_factory() as session:
        divisions = summary(session)
    if not divisions:
        click.echo("No bank-holiday calendar is held: no working days can be counted.")
    for row in divisions:
        click.echo(
            f"{row.name}: {row.holidays} bank holidays, up to {day_text(row.covers_until)} "
            f"(from {row.source}, version {row.version})"
        )
    warning = running_out(today())
    if warning is not None:
        click.echo(warning.sentence)
