"""`flask audit verify` and `flask audit anchor`.

Why both: `verify` proves the chain and the evidence records against the keys held
outside the database, and the chain's head against the anchors; `anchor` (daily, from
`flask jobs run`, cron or a systemd timer) puts a fresh copy of the head outside the
database, so that deleting the newest events cannot go unnoticed (DESIGN.md, threat model).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.audit.anchors import AnchorNotConfigured, compare_with_anchors, read_anchors, write_anchor
from portal.audit.seal import verify_records
from portal.audit.service import verify_chain
from portal.db import database


@click.group("audit", help="Check the audit trail and anchor it outside the database.")
def audit_commands() -> None:
    pass


@audit_commands.command(
    "verify",
    help="Check the chain's links and keyed seals, the evidence seals and the anchors; exit 1 on a problem.",
)
@with_appcontext
def verify() -> None:
    settings = current_app.config["PORTAL_SETTINGS"]
    problems: list[str] = []
    notes: list[str] = []
    with database().read_only_session_factory() as session:
        report = verify_chain(session)
        records = verify_records(session, keys_came_later=report.unsealed > 0)
        if settings.audit_anchor_file:
            anchors, unreadable = read_anchors(settings.audit_anchor_file)
            problems.extend(unreadable)
            problems.extend(compare_with_anchors(session, anchors))
            notes.append(
                f"checked against {len(anchors)} anchors, the latest of {anchors[-1].when}"
                if anchors
                else f"no anchors yet in {settings.audit_anchor_file} (run `flask audit anchor`)"
            )
        else:
            notes.append("no anchor file configured (PORTAL_AUDIT_ANCHOR_FILE)")
    if not report.ok:
        problems.insert(
            0,
            f"BROKEN at event {report.broken_event_id}: {report.reason} "
            f"({report.events_checked} events before it are intact)",
        )
    problems.extend(
        f"evidence record {problem.table} {problem.record_id}: {problem.reason}"
        for problem in records.problems
    )
    if report.unsealed:
        notes.append(f"{report.unsealed} events sealed before keys were introduced")
    if records.unsealed:
        notes.append(f"{records.unsealed} evidence records sealed before keys were introduced")
    if problems:
        for problem in problems:
            click.echo(problem if problem.startswith("BROKEN") else f"PROBLEM: {problem}", err=True)
        raise SystemExit(1)
    click.echo(
        f"OK: {report.events_checked} events, chain intact and keyed seals match; "
        f"{records.checked} evidence records checked; " + "; ".join(notes)
    )


@audit_commands.command("anchor", help="Write the chain's head to the anchor file and email it (run daily).")
@with_appcontext
def anchor() -> None:
    settings = current_app.config["PORTAL_SETTINGS"]
    with database().session_factory() as session:
        try:
            result = write_anchor(session, settings)
        except AnchorNotConfigured as error:
            click.echo(f"Cannot anchor: {error}", err=True)
            raise SystemExit(1) from None
        session.commit()
    if result.anchor is None:
        click.echo("The audit trail is empty: nothing to anchor.")
        return
    click.echo(
        f"Anchored event {result.anchor.event_id} ({result.anchor.event_count} events) to "
        + " and ".join(result.written_to)
    )
