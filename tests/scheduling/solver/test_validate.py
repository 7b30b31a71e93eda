"""The validator: one hand-made tiny problem, a passing plan and a failing plan per rule."""

from __future__ import annotations

import copy

import pytest

from scheduling.solver.problem import parse
from scheduling.solver.validate import check_plan, score_plan

from .tiny import VALID, base_problem, client_of, make_plan, staff_of, t, visit_of


def run(problem_edit=None, plan_edit=None, unassigned=()):
    data = base_problem()
    if problem_edit:
        problem_edit(data)
    rows = dict(VALID)
    for v in unassigned:
        rows.pop(v)
    rows.update(plan_edit or {})
    return check_plan(parse(data), make_plan(rows, unassigned))


def codes(violations) -> set[tuple[int, str]]:
    return {(v.rule, v.code) for v in violations}


def test_valid_plan_has_no_violations():
    assert run() == []


# -- each rule: a failing case ----------------------------------------------------------


def _refuse_s1(d):
    client_of(d, "cB")["refused_staff"] = ["s1"]


def _shift_start(sid, hhmm):
    return lambda d: staff_of(d, sid)["shifts"][0].update(start=t(hhmm))


def _shift_end(sid, hhmm):
    return lambda d: staff_of(d, sid)["shifts"][0].update(end=t(hhmm))


def _break(sid, earliest, latest, minutes):
    return lambda d: staff_of(d, sid)["shifts"][0].update(
        {"break": {"earliest": t(earliest), "latest": t(latest), "minutes": minutes}}
    )


def _s3_lift(d):
    staff_of(d, "s3")["skills"] = ["lift"]


def _max_minutes(d):
    staff_of(d, "s1")["max_minutes"] = 60


def _pin(vid, sid, start=None):
    def edit(d):
        visit_of(d, vid)["pinned"] = [{"staff": sid, **({"start": t(start)} if start else {})}]

    return edit


def _max_distinct(n):
    return lambda d: client_of(d, "cA").update(max_distinct_staff=n)


@pytest.mark.parametrize(
    ("problem_edit", "plan_edit", "expected"),
    [
        (None, {"v3": (("s1",), "13:00")}, (1, "wrong_staff_count")),
        (None, {"v3": (("s1", "s1"), "13:00")}, (1, "wrong_staff_count")),
        (None, {"v1": (("s1",), "08:00"), "v2": (("s2",), "08:40")}, (1, "missing_skill")),
        (_refuse_s1, None, (1, "refused_staff")),
        (None, {"v1": (("s1",), "07:55")}, (2, "start_outside_window")),
        (None, {"v2": (("s1",), "10:01")}, (2, "start_outside_window")),
        (None, {"v2": (("s1",), "08:34")}, (3, "no_travel_time")),
        (None, {"v1": (("s1",), "08:15")}, (3, "no_travel_time")),  # overlapping visits
        (_shift_start("s1", "07:55"), None, (3, "no_time_from_home")),
        (_shift_end("s1", "13:25"), None, (3, "no_time_to_home")),
        (_s3_lift, {"v3": (("s1", "s3"), "13:00")}, (3, "outside_shift")),
        (_break("s1", "08:00", "08:50", 30), None, (4, "no_break")),
        (_break("s1", "07:00", "08:00", 55), None, (4, "no_break")),  # home leg eats it
        (_break("s1", "09:00", "09:35", 30), None, (4, "no_break")),  # overlap 25 < 30
        (_max_minutes, None, (5, "max_minutes")),
        (_pin("v1", "s2"), None, (6, "pin_dropped")),
        (_pin("v1", "s1", "08:10"), None, (6, "pin_moved")),
        (_max_distinct(1), None, (7, "max_distinct_staff")),
    ],
)
def test_each_rule_fails(problem_edit, plan_edit, expected):
    assert codes(run(problem_edit, plan_edit)) == {expected}


# -- each rule: a passing edge case -------------------------------------------------------


@pytest.mark.parametrize(
    ("problem_edit", "plan_edit"),
    [
        (None, {"v2": (("s1",), "08:35")}),  # travel exactly fits
        (None, {"v1": (("s1",), "09:00"), "v2": (("s1",), "09:35")}),  # latest start
        (_shift_start("s1", "07:50"), None),  # home leg exactly fits
        (_shift_end("s1", "13:30"), None),
        (_break("s1", "07:00", "08:00", 50), None),  # 60-min gap less 10 min travel
        (_break("s1", "09:00", "09:40", 30), None),
        (_break("s1", "13:20", "15:30", 120), None),  # after the last visit, home leg counted
        (lambda d: staff_of(d, "s1").update(max_minutes=80), None),
        (_pin("v1", "s1", "08:00"), None),
        (_pin("v3", "s2"), None),
        (_max_distinct(2), None),
    ],
)
def test_each_rule_passes(problem_edit, plan_edit):
    assert run(problem_edit, plan_edit) == []


def test_break_window_ending_at_home_time_fails_by_one_minute():
    assert codes(run(_break("s1", "13:20", "15:30", 121))) == {(4, "no_break")}


def test_empty_shift_keeps_its_break():
    data = base_problem()
    staff_of(data, "s3")["shifts"][0]["break"] = {
        "earliest": t("17:00"),
        "latest": t("19:00"),
        "minutes": 30,
    }
    assert check_plan(parse(data), make_plan(VALID)) == []


# -- structure: every visit exactly once, unknown ids ----------------------------------


def test_missing_visit():
    data = base_problem()
    rows = {k: v for k, v in VALID.items() if k != "v2"}
    assert codes(check_plan(parse(data), make_plan(rows))) == {(0, "visit_missing")}


def test_visit_both_assigned_and_unassigned():
    plan = make_plan(VALID, unassigned=("v1",))
    assert codes(check_plan(parse(base_problem()), plan)) == {(0, "visit_repeated")}


def test_unassigned_visit_is_fine_unless_pinned():
    assert run(unassigned=("v3",)) == []
    assert codes(run(_pin("v3", "s2"), unassigned=("v3",))) == {(6, "pin_dropped")}


@pytest.mark.parametrize(
    ("plan_edit", "expected"),
    [
        ({"v9": (("s1",), "20:00")}, {(0, "unknown_visit")}),
        ({"v3": (("s1", "s9"), "13:00")}, {(0, "unknown_staff")}),
    ],
)
def test_unknown_ids(plan_edit, expected):
    violations = run(plan_edit=plan_edit)
    assert codes(violations) == expected
    assert all(v.message for v in violations)


def test_violation_names_visit_and_staff():
    (violation,) = run(plan_edit={"v1": (("s1",), "08:00"), "v2": (("s2",), "08:40")})
    assert (violation.visit, violation.staff) == ("v2", "s2")
    assert "insulin" in violation.message


# -- the objective --------------------------------------------------------------------------


def test_score_of_the_valid_plan_by_hand():
    score = score_plan(parse(base_problem()), make_plan(VALID))
    assert score["counts"] == {
        "unassigned": 0,
        "distinct_staff": 3,  # cA: s1, s2; cB: s1
        "contact_missing": 1,  # v2: contact s2 absent
        "history_missing": 2,  # v2 by s1 at cB, v3's s2 at cA
        "preferred_missing": 1,  # v2
        "travel_minute": 50,  # s1: 10 + 5 + 5 + 10; s2: 10 + 10
        "changed_from_previous": 1,  # v1 was s2
    }
    assert score["objective"] == 3000 + 100 + 40 + 10 + 50 + 50
    assert score["terms"]["distinct_staff"] == 3000


def test_score_with_an_unassigned_double_visit():
    data = base_problem()
    data["weights"] = {"travel_minute": 2}
    plan = make_plan({k: v for k, v in VALID.items() if k != "v3"}, unassigned=("v3",))
    score = score_plan(parse(data), plan)
    assert score["counts"]["unassigned"] == 2
    assert score["counts"]["contact_missing"] == 2  # v2, and v3 where nobody takes part
    assert score["counts"]["history_missing"] == 1
    assert score["counts"]["distinct_staff"] == 2
    assert score["counts"]["travel_minute"] == 25  # s1: office-A-B-office
    assert score["terms"]["travel_minute"] == 50
    assert score["objective"] == sum(score["terms"].values())


def test_score_counts_previous_staff_not_kept():
    data = base_problem()
    visit_of(data, "v3")["previous"] = {"staff": ["s1", "s3"]}
    assert score_plan(parse(data), make_plan(VALID))["counts"]["changed_from_previous"] == 2
    data = copy.deepcopy(data)
    visit_of(data, "v3")["previous"] = {"staff": ["s2", "s1"]}
    assert score_plan(parse(data), make_plan(VALID))["counts"]["changed_from_previous"] == 1


@pytest.mark.parametrize(
    ("problem_edit", "plan_edit", "data"),
    [
        (None, {"v2": (("s1",), "08:34")}, {"needs": 5, "has": 4, "from": "v1", "to": "v2"}),
        (
            _break("s1", "08:00", "08:50", 30),
            None,
            {"minutes": 30, "earliest": t("08:00"), "latest": t("08:50")},
        ),
        (_max_minutes, None, {"minutes": 80, "max_minutes": 60}),
        (_max_distinct(1), None, {"client": "cA", "count": 2, "max_distinct_staff": 1}),
    ],
)
def test_violations_carry_their_figures(problem_edit, plan_edit, data):
    (violation,) = run(problem_edit, plan_edit)
    assert violation.data == data
