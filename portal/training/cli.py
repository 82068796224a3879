from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.db import database
from portal.training.rules import RuledBank, coverage
from portal.training.sync import QUIZ_FOLDER, BankProblems, check, sync


@click.group("quizzes", help="The quiz bank files in quizzes/.")
def quizzes_commands() -> None:
    pass


@quizzes_commands.command("check", help="Check every quiz file; exit 1 if anything is wrong.")
@with_appcontext
def check_command() -> None:
    with database().read_only_session_factory() as session:
        bank, problems = check(session, QUIZ_FOLDER)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    summary = f"OK: {len(bank.questions)} questions and {len(bank.quizzes)} quizzes"
    if isinstance(bank, RuledBank):  # how the policies' rules are covered (quizzes/rules.yaml)
        rules, trained, enforced = coverage(bank)
        summary += f"; {rules} rules, {trained} trained by a question, {enforced} enforced by the software"
    click.echo(summary)


@quizzes_commands.command("sync", help="Load the quiz files into the database, all or nothing.")
@with_appcontext
def sync_command() -> None:
    try:
        with database().session_scope() as session:
            result = sync(session, QUIZ_FOLDER)
    except BankProblems as failure:
        for problem in failure.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was loaded.", err=True)
        raise SystemExit(1) from failure
    click.echo(
        f"Quiz bank loaded: {len(result.new_versions)} new question versions, {result.unchanged} unchanged, "
        f"{len(result.quizzes_changed)} quizzes added or changed, {len(result.withdrawn)} withdrawn."
    )
