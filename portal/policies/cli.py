from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.db import database
from portal.errors import DomainError
from portal.policies.library import import_version
from portal.policies.scope import Scope
from portal.policies.word import check_size, policy_text_from_file


@click.group("policies", help="The policy library.")
def policies_commands() -> None:
    pass


@policies_commands.command(
    "import", help="Import FILE (a Word document, .docx, or Markdown or plain text) as a draft version."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="The policy's short name, such as social-media-networking.")
@click.option("--version", "label", required=True, help="The version label, such as 2026.1.")
@click.option("--material", is_flag=True, help="Everyone must sign this version again.")
@click.option("--title", help="The policy's title, if the file's first line is not it.")
@with_appcontext
def import_command(file: Path, slug: str, label: str, material: bool, title: str | None) -> None:
    try:
        check_size(file.stat().st_size)  # before reading a huge file into memory
        imported = policy_text_from_file(file.name, file.read_bytes())
        with database().session_scope() as session:
            version = import_version(
                session, None, slug=slug, label=label, text=imported.markdown, material=material, title=title
            )
            sections = [s.section_id for s in version.sections]
            sha = version.content_sha256
            binds = Scope.of_version(version).summary
    except DomainError as error:
        raise click.ClickException(f"{file}: {error.message}. Nothing was imported.") from error
    click.echo(f"Imported {file.name} as draft version {label} of '{slug}': {len(sections)} sections")
    click.echo("  sections: " + ", ".join(sections))
    click.echo(f"  sha256: {sha}")
    # Taken from the version before it (or, for a new policy, the Networking Policy's Scope):
    # the Clerk confirms it on the draft, where it can still change.
    click.echo(f"  who must sign: {binds}")
    for note in imported.notes():
        click.echo(f"  note: {note}.")
    click.echo("Preview it and publish it from the portal (Policies > manage versions).")
