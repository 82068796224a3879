"""`flask --app wsgi jobs run` (everything daily) and `flask --app wsgi reminders run`: both
safe to run from cron or a systemd timer as often as you like."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.clock import today
from portal.db import database
from portal.tasks import DAILY_JOBS

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


jobs_commands = AppGroup("jobs", help="Everything the portal must do each day, in one command.")


@jobs_commands.command("run")
def run_jobs() -> None:
    """The reminders run, then every feature's daily job (lapsing role proposals, the
    retention schedule...), each in its own transaction: one failing does not undo the
    others, and the command exits 1 if any failed. Safe to run more than once a day."""
    settings = current_app.config["PORTAL_SETTINGS"]
    failed = False
    with database().session_factory() as session:
        counts = reminders.run(session, settings, today())
        session.commit()
    summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing new"
    click.echo(f"reminders: {summary}.")
    for job in DAILY_JOBS:
        with database().session_factory() as session:
            try:
                done = job.run(session, today())
                session.commit()
            except Exception as error:  # noqa: BLE001 (reported, and the other jobs still run)
                session.rollback()
                failed = True
                click.echo(f"{job.name}: FAILED ({type(error).__name__}: {error})", err=True)
                continue
        click.echo(f"{job.name}: {done}.")
    if failed:
        sys.exit(1)
