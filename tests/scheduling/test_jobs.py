"""Solver runs: a draft plan appears and validates; cancel and failure leave plans intact."""

import os
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from scheduling import jobs
from scheduling.models import Plan, SolverRun
from scheduling.plans import plan_json
from scheduling.solver import solve as solve_module
from scheduling.solver.plan import Assignment
from scheduling.solver.plan import Plan as SolverPlan
from scheduling.solver.problem import parse
from scheduling.solver.validate import check_plan
from tests.concurrency import at_once
from tests.scheduling.planning_world import hand_plan, small_team

START = date(2026, 11, 23)


@pytest.fixture
def w(db):
    world = small_team(START)
    db.session.commit()
    return world


def queued(w, db, **kw) -> SolverRun:
    run = jobs.start_run(w.team, START, 3, w.lead, time_limit_s=1, **kw)
    db.session.commit()
    return run


def plan_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Plan.id)))


def test_run_stores_a_valid_draft(w, db):
    run = jobs.run_solver(queued(w, db).id, workers=1)
    assert run.state == "done" and run.error_code is None
    plan = run.plan
    assert plan.state == "draft" and plan.version == 1
    assert {a.source for a in plan.assignments} == {"solver"}
    assert run.progress["continuity"] is not None and run.progress["fraction"] == 1.0
    problem = parse(run.problem)
    stored = plan_json(plan, run.problem)
    assert stored["unassigned"] == []
    from scheduling.solver.plan import parse_plan

    assert check_plan(problem, parse_plan(stored, problem)) == []
    from audit import AuditEvent

    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "plan.propose"))
    assert event.user_id == w.lead.id and event.object_id == plan.id


def test_one_run_at_a_time_per_team(w, db):
    first = queued(w, db)
    assert queued(w, db).id == first.id


def test_cancel_while_running_stores_nothing(w, db, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_S", 0)
    run = queued(w, db)

    def fake_solve(problem, time_limit_s, workers, progress, should_stop):
        db.session.execute(
            sa.update(SolverRun).where(SolverRun.id == run.id).values(cancel_requested=True)
        )
        db.session.commit()
        for _ in range(100):
            progress({"elapsed_s": 0.1, "objective": 1, "continuity": 2.0})
            if should_stop():
                return SolverPlan(problem=problem.name, status="UNKNOWN", assignments=[],
                                  unassigned=[])  # fmt: skip
        raise AssertionError("should_stop never said stop")

    monkeypatch.setattr(solve_module, "solve", fake_solve)
    before = plan_count(db)
    run = jobs.run_solver(run.id)
    assert run.state == "cancelled" and run.plan_id is None
    assert plan_count(db) == before


def test_cancel_before_start(w, db):
    run = queued(w, db)
    jobs.cancel_run(run)
    db.session.commit()
    assert jobs.run_solver(run.id).state == "cancelled"
    assert plan_count(db) == 0


def test_crash_fails_the_run_and_keeps_the_published_plan(w, db, monkeypatch):
    published = hand_plan(w)
    db.session.commit()
    kept = sorted((a.visit_id, a.staff_id) for a in published.assignments)

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(solve_module, "solve", crash)
    run = jobs.run_solver(queued(w, db).id)
    assert run.state == "failed" and run.error_code == "crashed"
    assert plan_count(db) == 1
    db.session.expire_all()
    assert published.state == "published"
    assert sorted((a.visit_id, a.staff_id) for a in published.assignments) == kept


def test_an_invalid_plan_is_thrown_away(w, db, monkeypatch):
    def bad(problem, **kwargs):
        v = problem.visits[0]
        wrong = [Assignment(visit=v.id, staff=(problem.staff[0].id,), start=v.latest_start + 60)]
        return SolverPlan(problem=problem.name, status="FEASIBLE", assignments=wrong,
                          unassigned=[])  # fmt: skip

    monkeypatch.setattr(solve_module, "solve", bad)
    run = jobs.run_solver(queued(w, db).id)
    assert run.state == "failed" and run.error_code == "invalid_plan"
    assert plan_count(db) == 0


def test_stale_runs_are_marked_failed(w, db):
    run = queued(w, db)
    run.state = "running"
    run.updated_at = run.updated_at.replace(year=2000)
    db.session.commit()
    assert jobs.expire_stale_runs() == 1
    assert run.state == "failed" and run.error_code == "timeout"


@pytest.fixture
def file_app(tmp_path):
    """An app on a database a second process can open (a file, or the PostgreSQL server)."""
    from app import create_app
    from config import TestConfig
    from extensions import db

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'runs.db'}"
    config = type("FileConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


def test_a_real_solver_process(file_app):
    from extensions import db

    w = small_team(START)
    db.session.commit()
    run = jobs.start_run(w.team, START, 3, None, time_limit_s=1)
    db.session.commit()
    process = jobs.launch(file_app, run.id)
    # Not joined here: the launcher reaps the ended process itself (no zombie left behind).
    entry, deadline = Path(f"/proc/{process.pid}"), time.monotonic() + 60
    while entry.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not entry.exists(), "the ended solver process was not reaped"
    assert process.exitcode == 0
    db.session.expire_all()
    run = db.session.get(SolverRun, run.id)
    assert run.state == "done", run.error_detail
    assert run.plan.state == "draft" and run.plan.assignments


def test_scheduler_starts_only_when_enabled(app):
    assert jobs.start_scheduler(app) is None  # tests run no scheduler
    scheduler = jobs.make_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} >= {
        "expand_visits",
        "solver_housekeeping",
        "form-tokens-clear",
    }


def test_a_failure_while_storing_leaves_no_half_plan(w, db, monkeypatch):
    from scheduling import plans as plans_module

    def broken(*args, **kwargs):
        plans_module.new_plan(w.team, START, 3, None)  # half-made, must be rolled back
        raise RuntimeError("database went away")

    monkeypatch.setattr(plans_module, "store_solver_plan", broken)
    run = jobs.run_solver(queued(w, db).id, workers=1)
    assert run.state == "failed" and run.error_code == "crashed"
    assert plan_count(db) == 0


def test_no_scheduler_in_a_wsgi_worker_even_when_enabled(app, monkeypatch):
    """gunicorn has no CLI command: each of its workers would start one more scheduler."""
    import click

    monkeypatch.setitem(app.config, "SCHEDULER_ENABLED", True)
    assert jobs.start_scheduler(app) is None  # a web worker
    with click.Context(click.Command("seed-demo"), info_name="seed-demo"):
        assert jobs.start_scheduler(app) is None
    with click.Context(click.Command("run"), info_name="run"):  # `flask run` in development
        scheduler = jobs.start_scheduler(app)
    assert scheduler is not None and scheduler.running
    scheduler.shutdown(wait=False)


def test_progress_time_moves_while_the_solver_is_silent(w, db, monkeypatch):
    """A solver phase may send no event for many seconds: the page's "Tid 0 / 60 s" must still
    count up (it stood at the last event's time, 0, for most of a real run)."""
    now = [1000.0]
    monkeypatch.setattr(jobs, "time", SimpleNamespace(monotonic=lambda: now[0]))
    run = queued(w, db)
    seen = []

    def quiet_solve(problem, time_limit_s, workers, progress, should_stop):
        progress({"elapsed_s": 0.01, "objective": 1, "continuity": 2.0})
        for _ in range(3):
            now[0] += 5  # five seconds without an event
            should_stop()
            table = SolverRun.__table__
            with db.engine.connect() as conn:
                row = conn.execute(sa.select(table.c.progress).where(table.c.id == run.id))
                seen.append(row.scalar_one()["elapsed_s"])
        raise RuntimeError("enough")

    monkeypatch.setattr(solve_module, "solve", quiet_solve)
    jobs.run_solver(run.id)
    assert seen == [5, 10, 15]


ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
def test_two_proposals_at_the_same_moment_start_one_run(app, w, db, monkeypatch):
    """Found on gunicorn with two workers: the lead pressed "Propose plan" in two tabs at
    once and two solver runs of the same team ran side by side (two drafts, both cores).
    The second request now waits for the first one's run and is given it."""
    real_build = jobs.build_problem

    def slow_build(*args, **kwargs):  # widen the gap between the check and the insert
        import time

        time.sleep(0.5)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(jobs, "build_problem", slow_build)
    team_id, lead_id = w.team.id, w.lead.id
    db.session.remove()

    def press(wait) -> int:
        team = db.session.get(type(w.team), team_id)
        lead = db.session.get(type(w.lead), lead_id)
        wait()
        run = jobs.start_run(team, START, 3, lead, time_limit_s=1)
        db.session.commit()
        return run.id

    got = at_once(app, press, press)
    assert isinstance(got[0], int) and got[0] == got[1], got
    assert db.session.scalar(sa.select(sa.func.count(SolverRun.id))) == 1
