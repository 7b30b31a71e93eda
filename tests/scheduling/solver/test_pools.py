"""The aggregate pool model (``pools.choose_pools``): its energetic checks, the hourly grid
the solver's pool phase uses and the tighter per-visit windows of ``bench/relaxation.py``."""

from __future__ import annotations

from scheduling.solver.chunks import candidate_shifts
from scheduling.solver.pools import choose_pools
from scheduling.solver.routing import Budget
from scheduling.solver.travel import TravelTimes

from .conftest import client, problem, staff, visit


def _pools(spans: bool) -> dict[str, set[str]]:
    # Two 45-minute visits that must both lie in 08:10-09:05: one person cannot do both.
    # No hourly window holds that span whole, so only the per-visit windows see it.
    p = problem(
        [staff("s1"), staff("s2")],
        [client("c1")],
        [
            visit("v1", "c1", "08:10", "08:20", duration=45),
            visit("v2", "c1", "08:10", "08:20", duration=45),
        ],
    )
    cands = {v.id: candidate_shifts(p, v) for v in p.visits}
    result = choose_pools(
        p, TravelTimes(p), list(p.visits), cands, Budget(5, 1), allowance=0, spans=spans
    )
    assert result.status == "OPTIMAL"
    assert len(result.given) == 2  # both visits are given to someone
    return result.pools


def test_per_visit_windows_split_visits_no_one_can_do_both():
    assert _pools(spans=True) == {"c1": {"s1", "s2"}}


def test_the_hourly_grid_is_looser():
    assert len(_pools(spans=False)["c1"]) == 1
