"""`flask --app wsgi roles ...`: the first Town Clerk, and the server as the second person.

A new installation has one privileged person, and many town councils have no HR
officer, so for a time nobody else could approve a change. Until someone could, the
person running these commands on the server is the second person, and every approval
made here is recorded as made by the server's command.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from portal.db import database
from portal.errors import DomainError

from . import roles as role_changes
from .models import Person, RoleChange
from .service import create_first_town_clerk, send_sign_in_link

roles_commands = AppGroup("roles", help="Privileged roles: the first Town Clerk, approvals, lapses.")


@contextmanager
def _session() -> Iterator[Session]:
    # Links in messages are built from the URL map and PORTAL_BASE_URL (portal_path):
    # a command needs no pretend web request.
    with database().session_factory() as session:
        yield session


def _fail(error: DomainError) -> None:
    click.echo(error.message, err=True)
    sys.exit(1)


@roles_commands.command("create-town-clerk")
@click.option("--name", required=True, help="Their full name.")
@click.option("--email", required=True, help="Their email address; the invitation goes there.")
def create_town_clerk(name: str, email: str) -> None:
    """Create the council's first Town Clerk. Refused once there is a Town Clerk."""
    with _session() as session:
        try:
            person = create_first_town_clerk(session, name=name, email=email)
        except DomainError as error:
            _fail(error)
            return
        path = send_sign_in_link(session, None, person).path
        session.commit()
    click.echo(f"{person.name} is now the Town Clerk. An invitation has been queued for {person.email}.")
    click.echo("If email is not set up yet, they can choose a password with this link (72 hours, once):")
    click.echo(f"  {current_app.config['PORTAL_SETTINGS'].base_url}{path}")


@roles_commands.command("list")
def list_changes() -> None:
    """Changes waiting for approval or for their date."""
    with _session() as session:
        changes = role_changes.open_changes(session)
        for change in changes:
            approvers = role_changes.approvers_for(session, change)
            who = ", ".join(p.name for p in approvers) or "nobody in the portal: approve it here"
            click.echo(
                f"{change.id}: {role_changes.describe(change)} from {change.effective_on:%d/%m/%Y}; "
                f"{change.status}; lapses after {change.lapses_on:%d/%m/%Y}; can approve: {who}"
            )
        if not changes:
            click.echo("No changes are waiting.")


@roles_commands.command("approve")
@click.argument("change_id", type=int)
def approve(change_id: int) -> None:
    """Approve as the second person, only while nobody in the portal could."""
    _decide(change_id, role_changes.approve, "approved")


@roles_commands.command("refuse")
@click.argument("change_id", type=int)
def refuse(change_id: int) -> None:
    """Refuse, only while nobody in the portal could."""
    _decide(change_id, role_changes.refuse, "refused")


def _decide(
    change_id: int, decide: Callable[[Session, Person | None, RoleChange], RoleChange], verb: str
) -> None:
    with _session() as session:
        try:
            change = role_changes.get_change(session, change_id)
            decide(session, None, change)
        except DomainError as error:
            _fail(error)
            return
        session.commit()
        click.echo(f"{role_changes.describe(change)}: {verb} by the server's command (recorded as such).")


@roles_commands.command("run")
def run() -> None:
    """Daily: lapse proposals nobody approved in time; apply approved changes whose date has come."""
    with _session() as session:
        result = role_changes.run_due(session)
        session.commit()
    click.echo(f"{result.lapsed} lapsed, {result.applied} applied.")
