"""The second search on the second core (portfolio.py): it runs, the better plan is kept,
and a child that fails or a cancelled run never costs the parent's plan."""

from __future__ import annotations

import sys
import time

import pytest

from scheduling.solver import lns, portfolio
from scheduling.solver.generate import generate_team, team_to_problem
from scheduling.solver.objective import weighted
from scheduling.solver.problem import parse
from scheduling.solver.validate import score_plan

from .conftest import solved

LIMIT = 6  # seconds: the child needs about one to start
REAL_ADOPT = portfolio._adopt  # the ``adopted`` fixture wraps it


@pytest.fixture
def week(monkeypatch):
    """A generated week of 12 staff; the horizon and recover moves off (their CP-SAT
    models would take both workers on a team this small) and a second search worth
    starting with a few seconds left."""
    monkeypatch.setattr(lns, "HORIZON_ARCS", 0)
    monkeypatch.setattr(lns, "RECOVER_VISITS", 0)
    monkeypatch.setattr(portfolio, "MIN_LEFT_S", 2.0)
    return parse(team_to_problem(generate_team(3, 12, 16, days=7)))


@pytest.fixture
def adopted(monkeypatch) -> list[tuple]:
    """Each ``_adopt`` call: (the parent's objective, the child's result), then the real one."""
    calls: list[tuple] = []
    real = portfolio._adopt

    def spy(search, other):
        calls.append((search.objective, other, dict(search.incumbent), search))
        real(search, other)

    monkeypatch.setattr(portfolio, "_adopt", spy)
    return calls


def wall(p, **kw):
    return solved(p, time_limit_s=LIMIT, workers=2, deterministic=False, **kw)


def test_the_child_sends_a_whole_plan_and_the_better_one_is_kept(week, adopted):
    plan = wall(week)  # solved(): every visit once, the validator finds nothing
    assert len(adopted) == 1
    parent_objective, other, _, search = adopted[0]
    assert other is not None, "the second search sent no plan"
    child_objective, child_incumbent = other
    # The child's plan is a plan of this problem whose objective is what it says.
    assert set(child_incumbent) <= {v.id for v in week.visits}
    search.incumbent = dict(child_incumbent)
    assert weighted(week, search.counts()) == child_objective
    # The plan returned is the better of the two, and its objective is the validator's.
    assert plan.objective == min(parent_objective, child_objective)
    assert plan.objective == score_plan(week, plan)["objective"]
    kept = "child" if child_objective < parent_objective else "parent"
    assert plan.metrics["second_search"] == kept


def test_only_a_better_child_plan_is_adopted(week, adopted):
    wall(week)
    parent_objective, _, parent_incumbent, search = adopted[0]
    worse = dict(parent_incumbent)
    for vid in sorted(worse)[:2]:
        del worse[vid]  # two visits left out
    # A child plan that costs more is not taken, whatever objective it claims.
    search.incumbent, search.objective = dict(parent_incumbent), parent_objective
    REAL_ADOPT(search, (0, worse))
    assert search.incumbent == parent_incumbent and search.objective == parent_objective
    # The other way round it is, with its objective recounted.
    search.incumbent = dict(worse)
    search.objective = weighted(week, search.counts())
    REAL_ADOPT(search, (10**9, dict(parent_incumbent)))
    assert search.incumbent == parent_incumbent and search.objective == parent_objective


def test_a_child_that_fails_leaves_the_parents_plan(week, adopted, monkeypatch):
    monkeypatch.setattr(portfolio, "COMMAND", (sys.executable, "-c", "import sys; sys.exit(3)"))
    began = time.perf_counter()
    plan = wall(week)
    assert adopted[0][1] is None
    assert plan.metrics["second_search"] == "missing"
    assert plan.objective == adopted[0][0]  # the parent's own plan
    assert time.perf_counter() - began < LIMIT + portfolio.GRACE_S


def test_a_cancelled_run_does_not_wait_for_the_child(week, adopted, monkeypatch):
    children = []
    real = portfolio._Child.__init__

    def track(self, payload):
        real(self, payload)
        children.append(self.process)

    monkeypatch.setattr(portfolio._Child, "__init__", track)
    calls = {"n": 0}

    def stop_soon() -> bool:  # cancelled once the LNS has begun
        calls["n"] += 1
        return bool(children)

    began = time.perf_counter()
    plan = wall(week, should_stop=stop_soon)
    assert len(plan.assignments) + len(plan.unassigned) == len(week.visits)
    assert children and children[0].poll() is not None  # the child is gone
    assert adopted[0][1] is None  # its plan was not awaited
    assert time.perf_counter() - began < LIMIT


def test_repeatable_and_one_worker_runs_stay_one_process(week, adopted):
    plans = [
        solved(week, time_limit_s=3, workers=1, deterministic=True),
        solved(week, time_limit_s=3, workers=1, deterministic=False),
        solved(week, time_limit_s=3, workers=2, deterministic=True),
    ]
    assert adopted == [] and all(p.metrics["second_search"] is None for p in plans)


def test_problems_with_recover_moves_stay_one_process(week, adopted, monkeypatch):
    # At most RECOVER_VISITS visits: the recover moves' CP-SAT windows take both workers.
    monkeypatch.setattr(lns, "RECOVER_VISITS", len(week.visits))
    assert wall(week).metrics["second_search"] is None
    assert adopted == []
