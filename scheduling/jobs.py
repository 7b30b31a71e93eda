"""Background work: solver runs in their own process, and the APScheduler jobs.

A solver run is a `SolverRun` row. The web request creates it (`start_run`, with the
problem already built), commits, and calls `launch`; a separate process (spawned, so it
shares nothing with the web worker) runs `run_solver`, which writes progress and the
result to the row through its own database session. Pages poll the row; a request never
waits on the solver. Jobs take ids, not ORM objects, and commit once per unit of work.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import Flask, current_app

import audit
from extensions import db
from scheduling import plans
from scheduling.models import Plan, SolverRun
from scheduling.problem_builder import build_problem
from scheduling.published import lock_team
from teams.models import Team, User
from timeutil import utcnow

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 1.0  # write progress (and look for a cancel) at most this often
STALE_GRACE_S = 120  # a run silent this long past its time limit has died
JOB_MODULES = ("followup.jobs", "formtokens")  # each has register(scheduler, app)


# -- the web side ------------------------------------------------------------------------


def active_run(team_id: int) -> SolverRun | None:
    query = sa.select(SolverRun).where(
        SolverRun.team_id == team_id, SolverRun.state.in_(("queued", "running"))
    )
    return db.session.scalars(query.order_by(SolverRun.id.desc())).first()


def start_run(
    team: Team,
    start: date,
    days: int,
    user: User | None,
    time_limit_s: int,
    replan_from: Plan | None = None,
) -> SolverRun:
    """A queued run with its problem built now (one run at a time per team: an active one
    is returned instead). Flushed; the caller commits and then calls `launch`.

    The team's row lock (held to the caller's commit) makes a second request at the same
    moment wait, then find this run, instead of starting a second one beside it."""
    lock_team(team.id)
    running = active_run(team.id)
    if running is not None:
        return running
    run = SolverRun(
        team_id=team.id,
        mode="replan" if replan_from is not None else "propose",
        state="queued",
        horizon_start=start,
        days=days,
        time_limit_s=time_limit_s,
        based_on_id=replan_from.id if replan_from else None,
        problem=build_problem(team, start, days, replan_from=replan_from),
        progress={},
        created_by_id=user.id if user else None,
        updated_at=utcnow(),
    )
    db.session.add(run)
    db.session.flush()
    audit.log("solver.start", run, team_id=team.id, mode=run.mode, start=start, days=days)
    return run


def launch(app: Flask, run_id: int) -> multiprocessing.Process:
    """Start the solver for a committed run in a separate, spawned process."""
    ctx = multiprocessing.get_context("spawn")
    process = ctx.Process(
        target=child_main,
        args=(run_id, app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SOLVER_WORKERS")),
        name=f"solver-run-{run_id}",
    )
    process.start()
    # Reap it when it ends: a finished run must not linger as a zombie in the web worker
    # until that worker happens to start the next one.
    threading.Thread(target=process.join, name=f"reap-solver-run-{run_id}", daemon=True).start()
    return process


def cancel_run(run: SolverRun) -> None:
    """Ask a running solver to stop (it looks at the flag about once a second)."""
    if run.active:
        run.cancel_requested = True
        if run.state == "queued":
            _finish(run, "cancelled")
        audit.log("solver.cancel", run, team_id=run.team_id)
    db.session.flush()


def expire_stale_runs() -> int:
    """Runs whose process died (silent well past their time limit) are marked failed."""
    now = utcnow()
    count = 0
    for run in db.session.scalars(
        sa.select(SolverRun).where(SolverRun.state.in_(("queued", "running")))
    ):
        last = run.updated_at or run.created_at
        if (now - last).total_seconds() > run.time_limit_s + STALE_GRACE_S:
            _fail(run, "timeout", "no sign of life from the solver process")
            count += 1
    db.session.flush()
    return count


# -- the solver process ----------------------------------------------------------------------


def child_main(run_id: int, database_uri: str, workers: int | None = None) -> None:
    """Entry point of the spawned process: its own app, engine and session."""
    from app import create_app
    from config import config_from_env

    base = config_from_env()
    config = type("SolverProcessConfig", (base,), {"SQLALCHEMY_DATABASE_URI": database_uri,
                                                  "SCHEDULER_ENABLED": False})  # fmt: skip
    app = create_app(config)
    with app.app_context():
        run_solver(run_id, workers=workers)
        db.session.remove()
        db.engine.dispose()


def run_solver(
    run_id: int, workers: int | None = None, echo: Callable[[dict], None] | None = None
) -> SolverRun:
    """Solve a run's problem, validate the plan and store it as a draft version.

    Every outcome is written to the run: done (with plan_id), cancelled, or failed with an
    error code (invalid_problem, invalid_plan, plan_changed, crashed). Existing plans are
    never touched unless a valid new draft is stored. `echo` also gets the solver's progress
    events (CLI). Commits (it is a job)."""
    from scheduling.solver.plan import to_json
    from scheduling.solver.problem import ProblemError, parse
    from scheduling.solver.solve import solve
    from scheduling.solver.validate import check_plan

    run = db.session.get(SolverRun, run_id)
    if run is None or run.state != "queued":
        return run
    run.state, run.started_at, run.updated_at = "running", utcnow(), utcnow()
    db.session.commit()
    try:
        problem = parse(run.problem)
    except ProblemError as exc:
        return _fail_commit(run, "invalid_problem", str(exc))
    reporter = _Reporter(run, echo)
    try:
        solved = solve(
            problem,
            time_limit_s=run.time_limit_s,
            workers=workers,
            progress=reporter.progress,
            should_stop=reporter.should_stop,
        )
    except Exception as exc:  # the solver crashed: the run fails, plans stay as they were
        log.exception("solver run %s crashed", run_id)
        db.session.rollback()
        return _fail_commit(db.session.get(SolverRun, run_id), "crashed", repr(exc))
    db.session.refresh(run)
    if run.cancel_requested:
        _finish(run, "cancelled")
        db.session.commit()
        return run
    violations = check_plan(problem, solved)
    if violations:
        detail = "; ".join(f"rule {v.rule} {v.code}: {v.message}" for v in violations[:5])
        return _fail_commit(run, "invalid_plan", detail)
    lock_team(run.team_id)  # no publish between this check and the draft's record of it
    if plan_changed_since(run):
        return _fail_commit(run, "plan_changed", "a hand edit or a publish came first")
    team = db.session.get(Team, run.team_id)
    user = db.session.get(User, run.created_by_id) if run.created_by_id else None
    based_on = db.session.get(Plan, run.based_on_id) if run.based_on_id else None
    plan_json = to_json(solved, problem)
    try:
        plan = plans.store_solver_plan(team, run.problem, plan_json, user=user, based_on=based_on)
        run.plan_id = plan.id
        run.progress = {**(run.progress or {}), **_summary(plan_json), "fraction": 1.0}
        _finish(run, "done")
        db.session.commit()
    except Exception as exc:  # e.g. a version number taken meanwhile: nothing is stored
        log.exception("solver run %s: storing the plan failed", run_id)
        db.session.rollback()
        return _fail_commit(db.session.get(SolverRun, run_id), "crashed", repr(exc))
    return run


# Audit actions that change what a team's plan says (a solver result must not hide them).
PLAN_EDIT_ACTIONS = ("plan.claim", "plan.give", "plan.swap", "plan.move", "plan.draft",
                     "plan.publish")  # fmt: skip


def plan_changed_since(run: SolverRun) -> bool:
    """True if the team's plan was edited or published after the run's problem was built.
    The result would then be a newer version without that edit, so it is not stored (the
    audit log's ids give the order, whatever the clocks of the two processes say)."""
    started = db.session.scalar(
        sa.select(sa.func.min(audit.AuditEvent.id)).where(
            audit.AuditEvent.action == "solver.start",
            audit.AuditEvent.object_type == "SolverRun",
            audit.AuditEvent.object_id == run.id,
        )
    )
    if started is None:
        return False
    later = sa.select(audit.AuditEvent.id).where(
        audit.AuditEvent.team_id == run.team_id,
        audit.AuditEvent.id > started,
        audit.AuditEvent.action.in_(PLAN_EDIT_ACTIONS),
    )
    return db.session.scalar(later.limit(1)) is not None


def _summary(plan_json: dict) -> dict:
    metrics = plan_json.get("metrics") or {}
    return {
        "objective": plan_json.get("objective"),
        "continuity": metrics.get("continuity"),
        "elapsed_s": plan_json.get("solve_seconds"),
        "unassigned": len(plan_json.get("unassigned") or []),
    }


class _Reporter:
    """The solver's progress and should_stop callbacks, writing to the run row at most once
    a second. The solver may call them from its own threads, where there is no app context,
    so they use the engine directly, each write a small transaction of its own."""

    def __init__(self, run: SolverRun, echo: Callable[[dict], None] | None = None):
        self.run_id, self.echo = run.id, echo
        self.engine = db.engine
        self.lock = threading.Lock()
        self.last = 0.0
        self.stop = False
        self.best: float | None = None
        self.started = time.monotonic()

    def progress(self, event: dict) -> None:
        if self.echo is not None:
            self.echo(event)
        with self.lock:
            # The incumbent's continuity: it rises while the first pass places more visits,
            # then falls as the search improves the plan.
            if event.get("continuity") is not None:
                self.best = event["continuity"]
            if time.monotonic() - self.last >= PROGRESS_EVERY_S or event.get("fraction", 0) >= 1:
                self._write(event)

    def should_stop(self) -> bool:
        with self.lock:
            if not self.stop and time.monotonic() - self.last >= PROGRESS_EVERY_S:
                self._write({})
            return self.stop

    def _write(self, event: dict) -> None:
        self.last = time.monotonic()
        table = SolverRun.__table__
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(table.c.progress, table.c.cancel_requested).where(
                    table.c.id == self.run_id
                )
            ).one()
            data = dict(row.progress or {})
            keys = ("elapsed_s", "objective", "phase", "fraction")
            data.update({k: event[k] for k in keys if k in event})
            # Some solver phases send no event for many seconds; the page's clock (and bar)
            # must still move, so the time comes from this process's clock as well.
            clock = round(time.monotonic() - self.started, 2)
            data["elapsed_s"] = max(data.get("elapsed_s") or 0, clock)
            if self.best is not None:
                data["continuity"] = self.best
            conn.execute(
                table.update()
                .where(table.c.id == self.run_id)
                .values(progress=data, updated_at=utcnow())
            )
        self.stop = bool(row.cancel_requested)


def _finish(run: SolverRun, state: str) -> None:
    run.state = state
    run.finished_at = run.updated_at = utcnow()


def _fail(run: SolverRun, code: str, detail: str) -> None:
    run.error_code, run.error_detail = code, detail[:2000]
    _finish(run, "failed")
    log.warning("solver run %s failed: %s %s", run.id, code, detail)


def _fail_commit(run: SolverRun, code: str, detail: str) -> SolverRun:
    _fail(run, code, detail)
    db.session.commit()
    return run


def solve_and_publish(
    team: Team, start: date, days: int, time_limit_s: int, echo=None
) -> Plan | None:
    """Solve in this process and publish the result (flask seed-demo). Commits."""
    run = start_run(team, start, days, None, time_limit_s)
    db.session.commit()
    run = run_solver(run.id, echo=echo)
    if run.state != "done":
        return None
    plan = plans.publish_plan(run.plan, None)
    db.session.commit()
    return plan


# -- APScheduler -------------------------------------------------------------------------------


def expand_job(app: Flask) -> None:
    """Keep the coming four weeks of visits expanded for every team."""
    from scheduling.expand import expand_upcoming

    with app.app_context():
        created = expand_upcoming()
        db.session.commit()
        log.info("expanded %s new visits", created)


def housekeeping_job(app: Flask) -> None:
    with app.app_context():
        expire_stale_runs()
        db.session.commit()


def make_scheduler(app: Flask, blocking: bool = False):
    """The one scheduler of a deployment, with the expansion and housekeeping jobs."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        timezone="Europe/Stockholm"
    )
    now = datetime.now(ZoneInfo("Europe/Stockholm"))
    scheduler.add_job(expand_job, "cron", hour=2, args=[app], id="expand_visits", next_run_time=now)
    scheduler.add_job(housekeeping_job, "interval", minutes=1, args=[app], id="solver_housekeeping")
    for module in JOB_MODULES:  # other packages add their timed jobs to the same scheduler
        importlib.import_module(module).register(scheduler, app)
    return scheduler


def start_scheduler(app: Flask):
    """Start the background scheduler in this process, only when SCHEDULER_ENABLED and only
    under `flask run` (development). Never in a WSGI server such as gunicorn, which would
    start one per worker, nor in other CLI commands: `flask scheduler` runs the one."""
    if not app.config.get("SCHEDULER_ENABLED"):
        return None
    command = click.get_current_context(silent=True)
    if command is None or command.info_name != "run":
        if command is None:
            log.warning("SCHEDULER_ENABLED is for `flask run`; run `flask scheduler` instead")
        return None
    scheduler = make_scheduler(app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    return scheduler


def time_limit_s() -> int:
    return int(current_app.config.get("SOLVER_TIME_LIMIT_S", 60))
