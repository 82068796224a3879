from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.audit.service import verify_chain
from portal.db import database


@click.group("audit", help="Check the audit trail.")
def audit_commands() -> None:
    pass


@audit_commands.command("verify", help="Check every event's hash link; exit 1 at the first break.")
@with_appcontext
def verify() -> None:
    with database().read_only_session_factory() as session:
        report = verify_chain(session)
    if report.ok:
        click.echo(f"OK: {report.events_checked} events, chain intact")
        return
    click.echo(
        f"BROKEN at event {report.broken_event_id}: {report.reason} "
        f"({report.events_checked} events before it are intact)",
        err=True,
    )
    raise SystemExit(1)
