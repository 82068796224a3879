"""`flask --app wsgi outbox send`: safe to run from cron or a systemd timer as often as you like."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.db import database

from .delivery import send_due

outbox_commands = AppGroup("outbox", help="Send the email waiting in the outbox.")


@outbox_commands.command("send")
@click.option("--limit", default=500, show_default=True, help="At most this many messages in one run.")
def send(limit: int) -> None:
    """Sends what is due; failures wait and are retried with backoff."""
    settings = current_app.config["PORTAL_SETTINGS"]
    if not settings.smtp_host:
        click.echo("PORTAL_SMTP_HOST is not set: nothing sent, the messages wait in the outbox.", err=True)
        sys.exit(1)
    report = send_due(database().session_factory, settings, limit=limit)
    click.echo(f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed.")
    for line in report.errors:
        click.echo(f"  {line}", err=True)
