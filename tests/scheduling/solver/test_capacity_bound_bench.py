"""``bench/capacity_bound.py``: a lower bound on faces with the roster's time shared."""

from __future__ import annotations

import dataclasses

from scheduling.solver.bench import instance
from scheduling.solver.lowerbound import client_lower_bounds
from scheduling.solver.metrics import distinct_staff_per_client
from scheduling.solver.problem import Pin

from .conftest import bench_script, one_hour_each_day, solved

capacity_bound = bench_script("capacity_bound")


def test_two_clients_who_both_want_the_one_staff_member_on_both_days_need_three_faces():
    # Alone, each client is covered by s1 (floor 1 + 1); s1's hour holds one of them a day,
    # so one client keeps s1 and the other meets s2 and s3.
    p = one_hour_each_day(["c1", "c2"])
    out = capacity_bound.bound(p, seconds=30, integer_seconds=10, dive_seconds=10)
    assert out["floor"] == 2
    assert out["faces"] == 3 and out["integer"] == 3 and out["dive"] == 3 and out["converged"]
    assert sorted(map(tuple, out["pools"].values())) == [("s1",), ("s2", "s3")]
    plan = solved(p)
    assert not plan.unassigned
    assert sum(distinct_staff_per_client(p, plan).values()) == 3


def test_max_minutes_counts_against_the_staff_member_who_covers_every_day():
    p = one_hour_each_day(["c1"], s1_max_minutes=60)
    out = capacity_bound.bound(p, seconds=30, integer_seconds=10, dive_seconds=10)
    assert out["floor"] == 1
    assert out["faces"] == 2 and out["integer"] == 2 and out["dive"] == 2
    assert out["pools"]["c1"] in (["s1", "s3"], ["s1", "s2"], ["s2", "s3"])
    unlimited = capacity_bound.bound(one_hour_each_day(["c1"]), seconds=30)
    assert unlimited["faces"] == 1


def test_the_bound_lies_between_the_floor_and_a_complete_plan_on_a_generated_team():
    p = instance(7, 8, seed=1)
    plan = solved(p, time_limit_s=10)
    assert not plan.unassigned  # the bound speaks of complete plans
    faces = sum(distinct_staff_per_client(p, plan).values())
    out = capacity_bound.bound(p, seconds=60)
    assert out["converged"] and out["left_out"] == 0
    assert sum(client_lower_bounds(p).values()) == out["floor"] <= out["faces"] <= faces
    assert out["lp"] >= out["bound"] - 1e-6  # the LP over the columns found is not below it


def test_a_pin_counts_and_a_pin_no_shift_can_keep_leaves_no_complete_plan():
    p = one_hour_each_day(["c1"])
    first = p.visits[0]  # day 1, when s1 and s2 work

    def pinned_to(sid: str):
        held = dataclasses.replace(first, pinned=(Pin(sid, None),))
        return dataclasses.replace(p, visits=(held, *p.visits[1:]))

    assert capacity_bound.bound(pinned_to("s2"), seconds=10)["faces"] == 2
    assert capacity_bound.bound(pinned_to("s3"), seconds=10)["faces"] is None  # s3: day 2
