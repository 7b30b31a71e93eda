"""``bench/coverage_check.py``: re-routing the late part of a day, the early part held."""

from __future__ import annotations

from scheduling.solver.plan import Assignment

from .conftest import bench_script, client, problem, staff, visit

coverage_check = bench_script("coverage_check")


def _problem():
    # One person, 07:00-15:00. v1 (early) and v2, v3 (late, 60 minutes each) must share
    # her shift; v2 and v3 both fit only when v2 comes first.
    return problem(
        [staff("s1")],
        [client("c1"), client("c2")],
        [
            visit("v1", "c1", "08:00", "09:00"),
            visit("v2", "c2", "12:00", "12:30", duration=60),
            visit("v3", "c1", "12:30", "13:50", duration=60),
        ],
    )


def _at(hhmm: str) -> int:
    """Minute of the horizon on its first day."""
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def test_a_late_visit_left_out_is_placed_again():
    p = _problem()
    # The plan has v3 too late for v2 to come after it and before it: v2 is out.
    plan = [Assignment("v1", ("s1",), _at("08:00")), Assignment("v3", ("s1",), _at("12:30"))]
    total, before, placed, status = coverage_check.check_day(p, plan, 0, 11 * 60, 10)
    assert (total, before, placed, status) == (3, 2, 3, "OPTIMAL")


def test_visits_before_the_cut_are_held():
    p = _problem()
    # The same plan with the cut at 15:00: every placed visit ends before it, so v3 is
    # held at 12:30 and v2 stays out.
    plan = [Assignment("v1", ("s1",), _at("08:00")), Assignment("v3", ("s1",), _at("12:30"))]
    total, before, placed, _ = coverage_check.check_day(p, plan, 0, 15 * 60, 10)
    assert (total, before, placed) == (3, 2, 2)
