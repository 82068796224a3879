"""`flask seal create` and `flask seal show`: the council's signing certificate.

Why a command: most town councils have no document-signing certificate, and a seal is
only as good as the council's word that the certificate is its own. The command makes a
self-signed one and prints its fingerprint for the council to publish (its website, the
minutes of the meeting that adopted it), which is what a reader checks a signature
against.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.documents.seals import council_seal
from portal.documents.signing import CouncilSeal, certificate_pem, create_pkcs12, fingerprint


@click.group("seal", help="The council's certificate that signs the documents the portal issues.")
def seal_commands() -> None:
    pass


@seal_commands.command(
    "create", help="Make a self-signed council certificate (PKCS#12) and print its fingerprint."
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .p12 file to write.",
)
@click.option(
    "--years", default=10, show_default=True, type=click.IntRange(1, 30), help="How long it is valid."
)
@click.option(
    "--passphrase",
    envvar="PORTAL_SEAL_P12_PASSPHRASE",
    prompt="Passphrase for the key",
    hide_input=True,
    confirmation_prompt=True,
    help="Protects the key in the file; give the same as PORTAL_SEAL_P12_PASSPHRASE.",
)
@with_appcontext
def create(out: Path, years: int, passphrase: str) -> None:
    council = current_app.config["PORTAL_SETTINGS"].council_name
    data, printed = create_pkcs12(council, passphrase, years=years)
    certificate = out.with_suffix(".pem")
    for path in (out, certificate):
        if path.exists():
            raise click.ClickException(f"{path} already exists: a certificate is never overwritten")
    # Created readable only by this user, before anything is written to it.
    with os.fdopen(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(data)
    certificate.write_bytes(certificate_pem(data, passphrase))
    click.echo(f"Wrote the certificate and key for {council} to {out} (readable only by you).")
    click.echo(f"Wrote the certificate alone to {certificate}: publish it, and keep it after a rotation.")
    click.echo(f"SHA-256 fingerprint: {printed}")
    click.echo("Publish this fingerprint on the council's website so anyone can check a signed document.")
    click.echo(f"Then set PORTAL_SEAL_P12={out} and PORTAL_SEAL_P12_PASSPHRASE, and back both up.")


@seal_commands.command(
    "show", help="Print the certificate that signs documents now, and the earlier ones still trusted."
)
@with_appcontext
def show() -> None:
    seal: CouncilSeal = council_seal()
    click.echo(f"Signing as {seal.name}")
    click.echo(f"SHA-256 fingerprint: {seal.fingerprint}")
    valid_until = seal.certificate["tbs_certificate"]["validity"]["not_after"].native
    click.echo(f"Valid until: {valid_until:%d %B %Y}")
    for earlier in seal.trusted[1:]:
        click.echo(f"Still trusted from before a rotation: {fingerprint(earlier)}")
