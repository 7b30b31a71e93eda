"""Flask CLI commands: flask seed-demo, flask create-user."""

import click
from flask import Flask, current_app

from extensions import db
from timeutil import local_today


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has teams.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo pilot team, a comparison team and the demo-* accounts (password: demo)."""
    import demo

    if not current_app.config["DEMO_ALLOWED"]:
        raise click.ClickException("Demo data is refused under the production configuration.")
    if not demo.database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo not loaded.")
            return
        raise click.ClickException("The database already has teams; seed-demo needs an empty one.")
    from scheduling.solver.generate import generate_team

    teams = demo.seed_demo(local_today(), generate_team)
    db.session.commit()
    seed_followup_history(teams)
    for team in teams.values():
        click.echo(f"Loaded {team.name}: {len(team.staff)} staff.")
    click.echo("Accounts: demo-staff, demo-lead, demo-evaluator, demo-admin (password: demo).")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "evaluator"]), default="admin")
@click.password_option()
def create_user_command(username: str, role: str, password: str) -> None:
    """Create an administrator or evaluator account (e.g. the first admin in production)."""
    from teams import service

    service.save_user(None, password, username=username, role=role, active=True)
    db.session.commit()
    click.echo(f"Created {role} {username}.")


def seed_followup_history(teams: dict) -> None:
    """Past weeks of published plans and outcomes, and their weekly follow-up snapshots."""
    import demo
    from followup import jobs
    from followup.demo_history import seed_history

    seed_history(teams, local_today(), {"pilot": demo.PILOT, "comparison": demo.COMPARISON})
    jobs.snapshot_missing(local_today())
    db.session.commit()
