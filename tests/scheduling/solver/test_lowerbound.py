"""The per-client continuity floor on hand cases, and against real plans."""

from __future__ import annotations

import pytest

from scheduling.solver import metrics
from scheduling.solver.baseline import travel_first
from scheduling.solver.generate import generate_problem
from scheduling.solver.lowerbound import client_lower_bounds, lower_bound_mean, min_cover
from scheduling.solver.problem import parse

from .tiny import build, call, person

MORNING, EVENING = ("07:00", "12:00"), ("16:00", "22:00")
TWO_VISITS = [call("v1", "c", "08:00", "09:00"), call("v2", "c", "18:00", "19:00")]


def bound(staff, visits, clients=None) -> int:
    return client_lower_bounds(parse(build(staff, visits, clients)))["c"]


def test_visits_in_two_shifts_nobody_works_both_need_two():
    assert bound([person("s1", MORNING), person("s2", EVENING)], TWO_VISITS) == 2


def test_one_person_working_both_shifts_is_enough():
    staff = [person("s1", MORNING), person("s2", EVENING), person("s3", MORNING, EVENING)]
    assert bound(staff, TWO_VISITS) == 1


def test_refusal_removes_the_one_who_could_do_both():
    staff = [person("s1", MORNING), person("s2", EVENING), person("s3", MORNING, EVENING)]
    clients = [{"id": "c", "location": "c", "refused_staff": ["s3"]}]
    assert bound(staff, TWO_VISITS, clients) == 2


def test_double_staffed_visit_needs_two():
    staff = [person(f"s{i}", MORNING) for i in range(3)]
    assert bound(staff, [call("v1", "c", "08:00", "09:00", staff_required=2)]) == 2


@pytest.mark.parametrize(("extra_skills", "expected"), [((), 2), (("insulin", "lift"), 1)])
def test_skills_split_across_staff(extra_skills, expected):
    staff = [
        person("s1", MORNING, skills=("insulin",)),
        person("s2", MORNING, skills=("lift",)),
        person("s3", MORNING, skills=extra_skills),
    ]
    visits = [
        call("v1", "c", "08:00", "09:00", skills=["insulin"]),
        call("v2", "c", "10:00", "11:00", skills=["lift"]),
    ]
    assert bound(staff, visits) == expected


def test_uncoverable_visits_are_left_out():
    staff = [person("s1", MORNING)]
    assert bound(staff, [call("v1", "c", "18:00", "19:00")]) == 0
    assert bound(staff, [call("v1", "c", "08:00", "09:00", staff_required=2)]) == 0


def test_min_cover_table():
    assert min_cover({}) == 0
    assert min_cover({frozenset("ab"): 1, frozenset("bc"): 1}) == 1
    assert min_cover({frozenset("ab"): 1, frozenset("cd"): 1}) == 2
    assert min_cover({frozenset("abc"): 2, frozenset("cd"): 1}) == 2


def test_mean_counts_clients_with_visits_only():
    problem = parse(
        build(
            [person("s1", MORNING), person("s2", EVENING)],
            TWO_VISITS + [call("v3", "d", "08:00", "09:00")],
            [
                {"id": "c", "location": "c"},
                {"id": "d", "location": "d"},
                {"id": "e", "location": "e"},
            ],
        )
    )
    bounds = client_lower_bounds(problem)
    assert bounds == {"c": 2, "d": 1, "e": 0}
    assert lower_bound_mean(problem, bounds) == 1.5


def test_no_plan_beats_the_bound():
    problem = parse(generate_problem(1, n_staff=12, n_clients=17, days=7))
    bounds = client_lower_bounds(problem)
    plan = travel_first(problem)
    served = metrics.staff_by_client(problem, plan)
    unplaced = {problem.visit_by_id[u.visit].client for u in plan.unassigned}
    for cid, staff in served.items():
        if cid not in unplaced:
            assert len(staff) >= bounds[cid]


def test_a_near_cover_drops_one_face_and_keeps_the_most_used():
    from scheduling.solver.lowerbound import near_cover

    # Four visits: A or N can take the first two, B or N the last two; C only the last.
    rows = {frozenset("AN"): 1, frozenset("BN"): 1, frozenset("BCN"): 1}
    uses = {"A": 5, "B": 3, "C": 1}
    assert near_cover(rows, uses, "C") == {"A", "B"}  # C dropped, the two most used kept
    assert near_cover(rows, uses, "B") == {"A", "N"}  # N comes in for B (and C)
    assert near_cover(rows, {"A": 5, "N": 1}, "A") == {"N"}  # N alone covers all
    # Without A the first row needs N and the second B: two, not one fewer than two.
    assert near_cover({frozenset("AN"): 1, frozenset("B"): 1}, {"A": 1, "B": 1}, "A") is None
    assert near_cover({frozenset("A"): 1}, uses, "A") is None  # no one else can
