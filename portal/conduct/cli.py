"""`flask --app wsgi retention run [--dry-run]`: apply the disciplinary retention schedule."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.clock import today
from portal.db import database

from . import retention

retention_commands = AppGroup("retention", help="Remove disciplinary records whose retention has ended.")


@retention_commands.command("run")
@click.option("--dry-run", is_flag=True, help="List what is due without removing anything.")
def run_retention(dry_run: bool) -> None:
    """Removes the records that are due, except those under a legal hold. Safe to run daily."""
    months = retention.configured_months()
    with database().session_factory() as session:
        removed = retention.run(session, today(), months, dry_run=dry_run)
        if not dry_run:
            session.commit()
    verb = "would be removed" if dry_run else "removed"
    click.echo(
        f"{len(removed)} disciplinary case(s) {verb}" + (": " + ", ".join(removed) if removed else ".")
    )
