"""`flask --app wsgi retention run [--dry-run]`: apply the whole retention schedule."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.clock import today
from portal.db import database

from . import service

retention_commands = AppGroup(
    "retention", help="Apply the retention schedule to every kind of personal record."
)


@retention_commands.command("run")
@click.option("--dry-run", is_flag=True, help="Say what is due without removing anything.")
def run_retention(dry_run: bool) -> None:
    """Removes, blanks or forgets what is past its period, kind by kind, except anything
    under a legal hold. Safe to run daily; `jobs run` runs it too."""
    with database().session_factory() as session:
        done = service.run(session, today(), dry_run=dry_run)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    verb = "would be removed" if dry_run else "removed"
    for item in done:
        click.echo(f"{item.kind.name}: {item.count} {verb}")
    total = sum(item.count for item in done)
    click.echo(f"{total} record(s) in all {verb}" + (" (dry run: nothing changed)." if dry_run else "."))
