"""`flask --app wsgi reminders run`: safe to run from cron or a systemd timer as often as you like."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.clock import today
from portal.db import database

from . import reminders

reminders_commands = AppGroup("reminders", help="Queue reminders, overdue notices, escalations and digests.")


@reminders_commands.command("run")
def run_reminders() -> None:
    """Idempotent: run it every day; running it twice sends nothing twice."""
    settings = current_app.config["PORTAL_SETTINGS"]
    # Links in the messages come from the URL map and PORTAL_BASE_URL (portal_path):
    # no pretend web request is needed.
    with database().session_factory() as session:
        counts = reminders.run(session, settings, today())
        session.commit()
    summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing new"
    click.echo(f"Reminders queued: {summary}.")
