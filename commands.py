"""Flask CLI commands: flask seed-demo, flask create-user, flask scheduler."""

import logging

import click
from flask import Flask, current_app

import backup
from extensions import db
from timeutil import local_today


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(scheduler_command)
    backup.register(app)


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
    seed_published_plan(teams["pilot"])
    click.echo("Accounts: demo-staff, demo-lead, demo-evaluator, demo-admin (password: demo).")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "evaluator"]), default="admin")
@click.password_option()
def create_user_command(username: str, role: str, password: str) -> None:
    """Create an administrator or evaluator account (e.g. the first admin in production)."""
    import sqlalchemy as sa

    from teams import service
    from teams.forms import PASSWORD_MIN_LENGTH, guessable_password
    from teams.models import User

    username = username.strip()
    if not 3 <= len(username) <= 80:  # as the admin page's user form
        raise click.ClickException("The username needs 3 to 80 characters.")
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise click.ClickException(f"A user named {username} already exists; nothing was changed.")
    if len(password) < PASSWORD_MIN_LENGTH or guessable_password(username, password):
        raise click.ClickException(
            f"The password needs {PASSWORD_MIN_LENGTH}+ characters, must not hold the username "
            "and must not be a common one."
        )
    service.save_user(None, password, username=username, role=role, active=True)
    db.session.commit()
    click.echo(f"Created {role} {username}.")


def seed_followup_history(teams: dict) -> None:
    """Past weeks of published plans and outcomes, and their weekly follow-up snapshots."""
    import demo
    from followup import jobs
    from followup.demo_history import FORTNIGHTS, TEST_FORTNIGHTS, seed_history

    configs = {"pilot": demo.PILOT, "comparison": demo.COMPARISON}
    fortnights = TEST_FORTNIGHTS if current_app.testing else FORTNIGHTS
    seed_history(teams, local_today(), configs, fortnights)
    jobs.snapshot_missing(local_today())
    db.session.commit()


def seed_published_plan(team) -> None:
    """Visits for the coming four weeks, and a solver-made published plan for 14 days."""
    from scheduling import expand, jobs

    expand.expand_upcoming(local_today())
    db.session.commit()
    seconds = current_app.config.get("DEMO_SOLVER_TIME_LIMIT_S", 2 if current_app.testing else 30)
    click.echo(f"Planning the next 14 days of {team.name} ({seconds} s) ...")

    def echo(event: dict) -> None:
        if event.get("continuity") is not None:
            click.echo(
                f"  {event.get('elapsed_s', 0):5.1f} s  continuity {event['continuity']:.2f}"
            )

    plan = jobs.solve_and_publish(team, local_today(), 14, seconds, echo=echo)
    if plan is None:
        click.echo("No plan was published (see the solver run).")
    else:
        click.echo(f"Published plan version {plan.version}: {len(plan.assignments)} assignments.")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the APScheduler jobs in this process (one per deployment; web workers run none)."""
    from scheduling.jobs import make_scheduler

    running = current_app.extensions.pop("scheduler", None)
    if running is not None:  # SCHEDULER_ENABLED started one in create_app: use only this one
        running.shutdown(wait=False)
    log_to_stderr()
    click.echo("Scheduler running; stop with Ctrl-C.")
    make_scheduler(current_app._get_current_object(), blocking=True).start()


def log_to_stderr() -> None:
    """The scheduler's log on standard error (a systemd unit's journal): what each job did
    (INFO, e.g. "expanded 12 new visits") and every warning and error. APScheduler's own
    "Running job" lines, two a minute for the housekeeping job, are left out."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
