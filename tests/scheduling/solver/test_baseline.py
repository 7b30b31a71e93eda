"""The travel-first dispatcher: hand cases, and its plans always pass the validator."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.solver.baseline import continuity_first, travel_first
from scheduling.solver.generate import generate_problem
from scheduling.solver.plan import Assignment
from scheduling.solver.problem import parse
from scheduling.solver.validate import check_plan

from .tiny import build, call, minute, person, t

DAYSHIFT = ("07:00", "15:00")


def solve(data: dict):
    problem = parse(data)
    plan = travel_first(problem)
    assert check_plan(problem, plan) == []
    return {a.visit: (a.staff, a.start) for a in plan.assignments}, plan


def test_earliest_starter_gets_the_visit():
    staff = [person("s1", ("09:00", "15:00")), person("s2", DAYSHIFT)]
    given, _ = solve(build(staff, [call("v1", "c", "08:00", "10:00")]))
    assert given["v1"] == (("s2",), minute("08:00"))


def test_ties_go_to_least_travel():
    staff = [person("s1", DAYSHIFT), person("s2", DAYSHIFT)]
    visits = [
        call("v1", "c", "08:00", "08:00"),
        call("v2", "c", "10:00", "11:00"),
        call("v3", "d", "08:00", "08:00"),
    ]
    given, _ = solve(build(staff, visits))
    who_was_at_c = given["v1"][0]
    assert given["v2"] == (who_was_at_c, minute("10:00"))


def test_simultaneous_visits_go_to_different_staff():
    staff = [person("s1", DAYSHIFT), person("s2", DAYSHIFT)]
    given, _ = solve(
        build(staff, [call("v1", "c", "08:00", "08:00"), call("v2", "d", "08:00", "08:00")])
    )
    assert {given["v1"][0], given["v2"][0]} == {("s1",), ("s2",)}


def test_double_staffed_visit_starts_together():
    staff = [person("s1", ("08:00", "15:00")), person("s2", DAYSHIFT), person("s3", DAYSHIFT)]
    given, _ = solve(build(staff, [call("v1", "c", "07:30", "09:00", staff_required=2)]))
    assert given["v1"] == (("s2", "s3"), minute("07:30"))


def test_unplaceable_visits_stay_unassigned():
    staff = [person("s1", DAYSHIFT)]
    visits = [
        call("v1", "c", "08:00", "08:00"),
        call("v2", "d", "08:10", "08:10"),
        call("v3", "c", "09:00", "10:00", skills=["insulin"]),
    ]
    given, plan = solve(build(staff, visits))
    assert set(given) == {"v1"}
    assert {u.visit for u in plan.unassigned} == {"v2", "v3"}
    assert all(u.reason and u.code for u in plan.unassigned)


def test_break_is_kept():
    shift = {
        "start": t("07:00"),
        "end": t("15:00"),
        "break": {"earliest": t("08:00"), "latest": t("09:00"), "minutes": 30},
    }
    staff = [{"id": "s1", "home": "office", "shifts": [shift]}]
    visits = [
        call("v1", "c", "07:30", "07:30", duration=30),
        call("v2", "c", "08:00", "10:00", duration=40),
    ]  # no room for the break after
    given, _ = solve(build(staff, visits))
    assert given["v2"] == (("s1",), minute("08:30"))


def test_max_minutes_is_kept():
    staff = [person("s1", DAYSHIFT, max_minutes=30), person("s2", ("10:00", "15:00"))]
    visits = [call("v1", "c", "08:00", "08:00"), call("v2", "c", "09:00", "11:00")]
    given, _ = solve(build(staff, visits))
    assert given["v2"] == (("s2",), minute("10:05"))  # 5 minutes from home


def test_pins_are_kept():
    staff = [person("s1", DAYSHIFT), person("s2", ("09:00", "15:00"))]
    visit = call("v1", "c", "08:00", "10:00", pinned=[{"staff": "s2", "start": t("09:30")}])
    given, _ = solve(build(staff, [visit]))
    assert given["v1"] == (("s2",), minute("09:30"))


def test_max_distinct_staff_is_kept():
    staff = [person("s1", ("07:00", "08:40")), person("s2", DAYSHIFT)]
    visits = [call("v1", "c", "08:00", "08:00"), call("v2", "c", "09:00", "09:00")]
    clients = [{"id": "c", "location": "c", "max_distinct_staff": 1}]
    given, plan = solve(build(staff, visits, clients))
    assert len({sid for staff_ids, _ in given.values() for sid in staff_ids}) == 1


def test_continuity_first_waits_for_the_contact_person():
    staff = [person("s1", DAYSHIFT), person("s2", ("08:30", "15:00"))]
    clients = [{"id": "c", "location": "c", "contact_staff": ["s2"]}]
    problem = parse(build(staff, [call("v1", "c", "08:00", "09:00")], clients))
    assert travel_first(problem).assignments[0].staff == ("s1",)
    plan = continuity_first(problem)
    assert check_plan(problem, plan) == []
    assert plan.assignments[0].staff == ("s2",) and plan.assignments[0].start == minute("08:35")


@pytest.mark.parametrize(("seed", "n_staff", "days"), [(0, 35, 14), (4, 20, 7)])
def test_generated_plans_are_valid(seed, n_staff, days):
    problem = parse(
        generate_problem(
            seed, n_staff=n_staff, n_clients=round(n_staff * 50 / 35), days=days, history_weeks=2
        )
    )
    for plan in (travel_first(problem), continuity_first(problem)):
        assert check_plan(problem, plan) == []
        assert len(plan.assignments) + len(plan.unassigned) == len(problem.visits)
        assert len(plan.assignments) >= 0.8 * len(problem.visits)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n_staff=st.integers(4, 12), days=st.integers(1, 3))
def test_baseline_plans_of_any_generated_team_are_valid(seed, n_staff, days):
    problem = parse(generate_problem(seed, n_staff=n_staff, n_clients=n_staff + 2, days=days))
    for plan in (travel_first(problem), continuity_first(problem)):
        assert check_plan(problem, plan) == []


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000), late=st.integers(1, 120))
def test_validator_catches_a_visit_moved_past_its_window(seed, pick, late):
    problem = parse(generate_problem(seed, n_staff=6, n_clients=8, days=1))
    plan = travel_first(problem)
    a = plan.assignments[pick % len(plan.assignments)]
    moved = Assignment(a.visit, a.staff, problem.visit_by_id[a.visit].latest_start + late)
    plan.assignments[plan.assignments.index(a)] = moved
    assert (2, "start_outside_window") in {(v.rule, v.code) for v in check_plan(problem, plan)}
