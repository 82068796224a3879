"""Command-line jobs that belong to the whole application: migrations and the demo council."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from portal.config import INSTANCE_FOLDER, PACKAGE_ROOT, Settings
from portal.db import database


def alembic_config(url: str) -> Config:
    config = Config(str(PACKAGE_ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(PACKAGE_ROOT / "migrations"))
    # ConfigParser treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@click.group("db", help="Apply or inspect the database migrations.")
def db_commands() -> None:
    pass


def migration_url(settings: Settings) -> str:
    """The owner's login when one is set: the portal's own (runtime) login may not change
    the schema on PostgreSQL (README, "Two PostgreSQL roles")."""
    return settings.migration_database_url or settings.database_url


@db_commands.command(
    "upgrade",
    help="Apply every migration, as PORTAL_MIGRATION_DATABASE_URL if set, else PORTAL_DATABASE_URL.",
)
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    settings = current_app.config["PORTAL_SETTINGS"]
    if settings.is_sqlite:
        INSTANCE_FOLDER.mkdir(exist_ok=True)
    command.upgrade(alembic_config(migration_url(settings)), revision)
    click.echo(f"Database is at migration {revision}.")


@db_commands.command("downgrade", help="Step the schema back to REVISION (for example -1), as the owner.")
@click.argument("revision")
@with_appcontext
def downgrade(revision: str) -> None:
    command.downgrade(alembic_config(migration_url(current_app.config["PORTAL_SETTINGS"])), revision)


@click.group("demo", help="The fictional demo council.")
def demo_commands() -> None:
    pass


@demo_commands.command("load", help="Create the demo council; running it again changes nothing.")
@click.option(
    "--if-empty", is_flag=True, help="Add no one if anyone is already there (the quiz bank is still updated)."
)
@with_appcontext
def load(if_empty: bool) -> None:
    from portal.demo import DEMO_PASSWORD, load_demo_council

    settings = current_app.config["PORTAL_SETTINGS"]
    with database().session_scope() as session:
        summary = load_demo_council(session, only_if_empty=if_empty)
    click.echo(summary.describe())
    if settings.demo:
        click.echo("\nDemo sign-ins (every account uses the same password):")
        click.echo(f"  password: {DEMO_PASSWORD}")
        for email, role in summary.sign_ins:
            click.echo(f"  {email:<38} {role}")
    else:
        click.echo("Demo passwords are shown only when PORTAL_DEMO=1.")
