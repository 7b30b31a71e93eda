"""Plan metrics: distinct staff, continuity, coverage, travel (home legs), workload."""

from __future__ import annotations

import pytest

from scheduling.solver import metrics
from scheduling.solver.plan import Assignment, Plan, Unassigned
from scheduling.solver.problem import parse

from .tiny import VALID, base_problem, build, call, make_plan, minute, person, staff_of


@pytest.fixture
def tiny():
    return parse(base_problem())


def test_distinct_staff_and_continuity(tiny):
    plan = make_plan(VALID)
    assert metrics.distinct_staff_per_client(tiny, plan) == {"cA": 2, "cB": 1}
    assert metrics.continuity_mean(tiny, plan) == 1.5


def test_clients_without_assigned_visits_are_left_out_of_the_mean(tiny):
    rows = {k: v for k, v in VALID.items() if k != "v2"}
    plan = make_plan(rows, unassigned=("v2",))
    assert metrics.distinct_staff_per_client(tiny, plan)["cB"] == 0
    assert metrics.continuity_mean(tiny, plan) == 2.0
    assert metrics.coverage(tiny, plan) == pytest.approx(2 / 3)
    assert metrics.continuity_mean(tiny, make_plan({}, ("v1", "v2", "v3"))) == 0.0


def test_travel_walks_each_shift_with_home_legs(tiny):
    assert metrics.travel_minutes(tiny, make_plan(VALID)) == 30 + 20


def test_no_home_means_no_home_legs():
    data = base_problem()
    del staff_of(data, "s1")["home"]
    assert metrics.travel_minutes(parse(data), make_plan(VALID)) == 10 + 20  # A-B-A, s2 home


def test_two_shifts_in_a_day_each_go_home():
    staff = [person("s1", ("07:00", "10:00"), ("16:00", "20:00"))]
    problem = parse(
        build(staff, [call("v1", "c", "08:00", "08:00"), call("v2", "c", "17:00", "17:00")])
    )
    plan = Plan(
        "x",
        "FEASIBLE",
        [Assignment("v1", ("s1",), minute("08:00")), Assignment("v2", ("s1",), minute("17:00"))],
        [],
    )
    assert [len(r.assignments) for r in metrics.routes(problem, plan)] == [1, 1]
    assert metrics.travel_minutes(problem, plan) == 4 * 5


def test_routes_are_in_start_order_and_mark_visits_outside_shifts(tiny):
    rows = dict(VALID)
    rows["v3"] = (("s1", "s3"), "13:00")  # s3 works 14-22
    routes = metrics.routes(tiny, make_plan(rows))
    s1 = next(r for r in routes if r.staff == "s1")
    assert [a.visit for a in s1.assignments] == ["v1", "v2", "v3"]
    outside = [r for r in routes if r.shift is None]
    assert [(r.staff, [a.visit for a in r.assignments]) for r in outside] == [("s3", ["v3"])]


def test_visit_minutes_per_staff_and_summary(tiny):
    plan = make_plan(VALID)
    assert metrics.visit_minutes_per_staff(tiny, plan) == {"s1": 80, "s2": 20, "s3": 0}
    assert metrics.summary(tiny, plan) == {
        "coverage": 1.0,
        "continuity_mean": 1.5,
        "travel_minutes": 50,
        "visit_minutes": 100,
        "unassigned_visits": 0,
    }


def test_unknown_ids_are_ignored(tiny):
    plan = make_plan(VALID)
    plan.assignments.append(Assignment("v9", ("s1",), 0))
    plan.unassigned.append(Unassigned("v8", "x"))
    assert metrics.coverage(tiny, plan) == 1.0
    assert metrics.travel_minutes(tiny, plan) == 50
