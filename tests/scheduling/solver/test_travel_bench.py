"""``bench/travel.py``: the bench instance with its travel minutes scaled."""

from __future__ import annotations

from scheduling.solver.travel import TravelTimes

from .conftest import bench_script, client, problem, staff, visit

travel_bench = bench_script("travel")


def _problem():
    # Two homes 3 and 6 km east of the office: 16 and 32 minutes at 15 km/h (x 1.3).
    return problem(
        [staff("s1")],
        [client("c1"), client("c2")],
        [visit("v1", "c1", "08:00", "09:00"), visit("v2", "c2", "10:00", "11:00")],
        offsets={"c1": 3.0, "c2": 6.0},
    )


def _minutes(p):
    tt = TravelTimes(p)
    return [
        tt.minutes(a, b)
        for a, b in (("office", "c1-home"), ("office", "c2-home"), ("c1-home", "c2-home"))
    ]


def test_a_factor_scales_every_travel_time_and_nothing_else():
    p = _problem()
    before = _minutes(p)
    half = travel_bench.scaled(p, 0.5)
    assert before == [16, 32, 16]
    assert _minutes(half) == [8, 16, 8]
    assert half.staff == p.staff and half.visits == p.visits and half.clients == p.clients
    assert _minutes(travel_bench.scaled(p, 1.0)) == before


def test_factor_zero_leaves_one_minute_between_two_places_and_none_at_one():
    p = travel_bench.scaled(_problem(), 0)
    assert _minutes(p) == [1, 1, 1]
    assert TravelTimes(p).minutes("c1-home", "c1-home") == 0
    assert travel_bench.mean_leg(p) == 1.0
