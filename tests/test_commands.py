"""flask create-user, as the README's first production step runs it."""

import sqlalchemy as sa

from teams.models import User


def create_user(app, *args, password="Styr-2026-kaffe"):
    runner = app.test_cli_runner()
    return runner.invoke(args=["create-user", *args], input=f"{password}\n{password}\n")


def test_create_user_makes_the_first_administrator(app, db):
    result = create_user(app, "admin", "--role", "admin")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "admin"))
    assert user.role == "admin" and user.active and user.check_password("Styr-2026-kaffe")


def test_create_user_refuses_a_taken_username_in_words(app, db):
    """Run twice (a retried install step): it printed an IntegrityError traceback, with the
    new password's hash in it, instead of saying that the user exists."""
    assert create_user(app, "admin").exit_code == 0
    result = create_user(app, "admin", password="Annat-2026-te")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert "Traceback" not in result.output and "scrypt" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_create_user_refuses_what_the_user_form_refuses(app, db):
    """A username the admin page would refuse (too short, too long for the column: a
    database error on PostgreSQL) or a common password is refused before anything is saved."""
    assert create_user(app, "ab").exit_code == 1
    assert create_user(app, "x" * 81).exit_code == 1
    assert create_user(app, "admin2", password="sommar2026").exit_code == 1
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_flask_scheduler_logs_what_its_jobs_did(app, db, monkeypatch):
    """The jobs report at INFO ("expanded 12 new visits", "follow-up snapshots: 3 new"), but
    `flask scheduler` set up no logging, so its output said only "Scheduler running" and an
    operator could not see whether the nightly work ran. Its log now has them (and job
    errors); APScheduler's every-minute "Running job" lines stay out."""
    import logging

    from scheduling import jobs

    class OneRound:
        def __init__(self, app, blocking):
            self.app = app

        def start(self):
            jobs.expand_job(self.app)
            logging.getLogger("apscheduler.executors.default").info("Running job noise")

    monkeypatch.setattr(jobs, "make_scheduler", OneRound)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        result = app.test_cli_runner().invoke(args=["scheduler"])
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    assert result.exit_code == 0, result.output
    assert "expanded 0 new visits" in result.stderr
    assert "Running job noise" not in result.stderr
