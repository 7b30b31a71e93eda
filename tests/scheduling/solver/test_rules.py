"""One hard rule per test (PROBLEM-FORMAT.md rules 1-7), where the rule binds."""

from __future__ import annotations

from scheduling.solver.solve import solve
from scheduling.solver.validate import check_plan

from .conftest import FAST, client, problem, solved, staff, visit


def staff_of(plan, vid):
    return set(plan.assignment_of(vid).staff)


def test_skills_decide_who_goes():
    p = problem(
        [staff("s1"), staff("s2", skills=["insulin"])],
        [client("c1")],
        [visit("v1", "c1", "08:00", "08:30", skills=["insulin"])],
    )
    assert staff_of(solved(p), "v1") == {"s2"}


def test_refused_staff_never_sent():
    p = problem(
        [staff("s1"), staff("s2")],
        [client("c1", refused_staff=["s1"]), client("c2")],
        [visit("v1", "c1", "08:00", "08:30"), visit("v2", "c2", "08:00", "08:30")],
    )
    plan = solved(p)
    assert "s1" not in staff_of(plan, "v1")


def test_start_inside_window():
    p = problem([staff("s1")], [client("c1")], [visit("v1", "c1", "09:10", "09:20")])
    start = solved(p).assignment_of("v1").start
    assert p.to_minute("2026-11-23T09:10") <= start <= p.to_minute("2026-11-23T09:20")


def test_travel_makes_one_person_impossible():
    # Both visits start at 08:00, 4 km apart: one person cannot do both.
    p = problem(
        [staff("s1"), staff("s2")],
        [client("c1"), client("c2")],
        [visit("v1", "c1", "08:00", "08:00"), visit("v2", "c2", "08:00", "08:05")],
        offsets={"c1": 1.0, "c2": 5.0},
    )
    plan = solved(p)
    assert not plan.unassigned
    assert staff_of(plan, "v1") != staff_of(plan, "v2")


def test_travel_leaves_visit_unassigned_with_one_staff():
    p = problem(
        [staff("s1")],
        [client("c1"), client("c2")],
        [visit("v1", "c1", "08:00", "08:00"), visit("v2", "c2", "08:20", "08:30")],
        offsets={"c1": 1.0, "c2": 5.0},
    )
    plan = solved(p)
    assert len(plan.unassigned) == 1
    assert plan.unassigned[0].code == "capacity"
    assert "skills" not in plan.unassigned[0].data  # anyone could do it: no skill to name


def test_visits_only_inside_shifts():
    p = problem(
        [staff("s1", shifts=[("07:00", "10:00")]), staff("s2", shifts=[("14:00", "22:00")])],
        [client("c1")],
        [visit("v1", "c1", "15:00", "16:00")],
    )
    assert staff_of(solved(p), "v1") == {"s2"}


def test_break_forces_a_gap():
    visits = [
        visit(
            f"v{i}",
            "c1",
            f"{11 + i // 2}:{30 * (i % 2):02d}",
            f"{11 + i // 2}:{30 * (i % 2):02d}",
            duration=30,
        )
        for i in range(4)
    ]
    p = problem([staff("s1", brk=("11:00", "13:00", 30))], [client("c1")], visits)
    plan = solved(p)
    # One person, two hours of back-to-back care and a 30-minute break: one visit gives way.
    assert len(plan.assignments) == 3
    assert [u.code for u in plan.unassigned] == ["capacity"]


def test_max_minutes_caps():
    visits = [visit(f"v{i}", "c1", f"{8 + i}:00", f"{8 + i}:00") for i in range(4)]
    p = problem([staff("s1", max_minutes=60), staff("s2", max_minutes=60)], [client("c1")], visits)
    plan = solved(p)
    for sid in ("s1", "s2"):
        assert sum(30 for a in plan.assignments if sid in a.staff) <= 60


def test_pin_kept_even_when_costly():
    # s2 is far away in history terms; the pin still holds, start included.
    p = problem(
        [staff("s1"), staff("s2")],
        [client("c1", history={"s1": 20})],
        [
            visit(
                "v1", "c1", "08:00", "09:00", pinned=[{"staff": "s2", "start": "2026-11-23T08:40"}]
            )
        ],
    )
    plan = solved(p)
    a = plan.assignment_of("v1")
    assert a.staff == ("s2",) and a.start == p.to_minute("2026-11-23T08:40")


def test_double_visit_two_staff_same_start():
    p = problem(
        [staff("s1"), staff("s2"), staff("s3")],
        [client("c1")],
        [visit("v1", "c1", "08:00", "09:00", staff_required=2, duration=40)],
    )
    a = solved(p).assignment_of("v1")
    assert len(set(a.staff)) == 2


def test_max_distinct_staff_cap():
    # Three simultaneous-ish visits at two clients force many faces unless capped.
    visits = [visit(f"v{i}", "c1", f"{8 + 2 * i}:00", f"{8 + 2 * i}:00") for i in range(3)]
    shifts = [("07:00", "09:00"), ("09:30", "11:00"), ("11:30", "13:00")]
    staff_list = [staff(f"s{i}", shifts=[shifts[i]]) for i in range(3)]
    staff_list.append(staff("s9", shifts=[("07:00", "15:00")]))
    p = problem(
        staff_list,
        [client("c1", max_distinct_staff=1, history={"s0": 5, "s1": 5, "s2": 5})],
        visits,
    )
    plan = solved(p)
    assert len({s for a in plan.assignments for s in a.staff}) <= 1


def test_no_skilled_staff_is_reported():
    p = problem(
        [staff("s1")], [client("c1")], [visit("v1", "c1", "07:00", "08:00", skills=["insulin"])]
    )
    plan = solved(p)
    (u,) = plan.unassigned
    assert u.code == "no_skilled_staff_on_shift"
    assert u.data == {"skills": ["insulin"], "day": "2026-11-23", "window": "07:00-08:00"}
    assert "insulin" in u.reason


def test_busy_skilled_staff_are_named_with_their_skill():
    # One nurse with insulin, two insulin visits at 08:00 sharp in two homes: one is left
    # out, and its reason says it is the insulin holders who are busy (not staff in general).
    p = problem(
        [staff("s1", skills=["insulin"]), staff("s2")],
        [client("c1"), client("c2")],
        [
            visit("v1", "c1", "08:00", "08:00", skills=["insulin"]),
            visit("v2", "c2", "08:00", "08:00", skills=["insulin"]),
        ],
    )
    (u,) = solved(p).unassigned
    assert u.code == "capacity"
    assert u.data["skills"] == ["insulin"] and u.data["count"] == 1 and u.data["staff"] == ["s1"]
    assert "the 1 staff with skill insulin on shift 2026-11-23 08:00-08:00" in u.reason


def test_no_staff_on_shift_is_reported():
    p = problem(
        [staff("s1", shifts=[("07:00", "12:00")])],
        [client("c1")],
        [visit("v1", "c1", "19:00", "20:00")],
    )
    assert solved(p).unassigned[0].code == "no_staff_on_shift"


def test_refusal_is_reported():
    p = problem(
        [staff("s1")], [client("c1", refused_staff=["s1"])], [visit("v1", "c1", "08:00", "09:00")]
    )
    assert solved(p).unassigned[0].code == "refused_by_client"


def test_contradictory_pins_are_reported_not_raised():
    pin = [{"staff": "s1", "start": "2026-11-23T08:00"}]
    p = problem(
        [staff("s1"), staff("s2")],
        [client("c1"), client("c2")],
        [
            visit("v1", "c1", "08:00", "08:00", pinned=pin),
            visit("v2", "c2", "08:00", "08:00", pinned=pin),
        ],
    )
    plan = solve(p, **FAST)
    # The only complaints left are the pins themselves (rule 6), reported as unassigned.
    assert {v.rule for v in check_plan(p, plan)} <= {6}
    assert plan.status == "INFEASIBLE"
    assert {u.code for u in plan.unassigned} == {"pin_conflict"}


def test_double_visit_with_one_skilled_on_shift_says_it_needs_two():
    # Two on shift, one with lift: a lift visit for two cannot be held, and the reason says
    # one has the skill and two are needed (it said nobody had it).
    p = problem(
        [staff("s1", skills=["lift"]), staff("s2")],
        [client("c1")],
        [visit("v1", "c1", "07:00", "08:00", skills=["lift"], staff_required=2)],
    )
    (u,) = solved(p).unassigned
    assert u.code == "no_skilled_staff_on_shift"
    assert u.data == {
        "skills": ["lift"], "day": "2026-11-23", "window": "07:00-08:00", "count": 1, "needed": 2
    }  # fmt: skip
    assert u.reason == (
        "only 1 staff with skill lift on shift 2026-11-23 07:00-08:00; the visit needs 2"
    )


def test_double_visit_with_one_on_shift_says_it_needs_two():
    p = problem(
        [staff("s1")], [client("c1")], [visit("v1", "c1", "07:00", "08:00", staff_required=2)]
    )
    (u,) = solved(p).unassigned
    assert u.code == "no_staff_on_shift" and u.data["count"] == 1 and u.data["needed"] == 2
    assert u.reason == "only 1 staff on shift 2026-11-23 07:00-08:00; the visit needs 2"
