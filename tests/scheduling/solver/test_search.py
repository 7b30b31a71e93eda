"""Search bookkeeping the LNS relies on: accepting a worse plan only within the slack,
and handing back the best plan seen."""

from __future__ import annotations

import time

from scheduling.solver.chunks import candidate_shifts, chunk_day
from scheduling.solver.objective import weighted
from scheduling.solver.plan import Assignment
from scheduling.solver.search import Search
from scheduling.solver.travel import TravelTimes

from .conftest import client, problem, staff, visit


def _search() -> Search:
    p = problem(
        [staff("s1"), staff("s2")],
        [client("c1")],
        [visit("v1", "c1", "08:00", "09:00"), visit("v2", "c1", "10:00", "11:00")],
    )
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    days = {vid: chunk_day(p.visit_by_id[vid], refs) for vid, refs in cands.items()}
    s = Search(p, TravelTimes(p), cands, days, 5, 1, 0, True, None, None, time.perf_counter())
    s.incumbent = {
        "v1": Assignment("v1", ("s1",), cands["v1"][0].shift.start + 60),
        "v2": Assignment("v2", ("s1",), cands["v2"][0].shift.start + 180),
    }
    s.objective = weighted(p, s.counts())
    return s


def _worse(s: Search) -> dict[str, Assignment]:
    """A second face for the client: v2 goes to s2."""
    before = dict(s.incumbent)
    s.incumbent["v2"] = Assignment("v2", ("s2",), s.incumbent["v2"].start)
    return before


def test_a_worse_plan_is_refused_without_slack():
    s = _search()
    good = dict(s.incumbent)
    assert not s.accept(_worse(s))
    assert s.incumbent == good


def test_slack_keeps_a_worse_plan_and_the_best_comes_back():
    s = _search()
    good, value = dict(s.incumbent), s.objective
    s.keep_best()
    _worse(s)
    cost = weighted(s.problem, s.counts()) - value  # a face, and more travel
    assert cost >= s.problem.weights["distinct_staff"]
    s.incumbent = dict(good)
    assert not s.accept(_worse(s), slack=cost - 1)
    assert s.incumbent == good
    assert s.accept(_worse(s), slack=cost)
    assert s.objective > value and s.incumbent["v2"].staff == ("s2",)
    s.restore_best()
    assert s.incumbent == good and s.objective == value and s.best is None
