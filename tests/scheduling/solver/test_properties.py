"""Property tests: on small random problems every plan is valid, complete, and keeps pins."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.solver.solve import solve
from scheduling.solver.validate import check_plan

from .conftest import FAST, client, problem, staff, visit

SKILLS = ("insulin", "lift")


@st.composite
def small_problems(draw):
    n_staff = draw(st.integers(1, 4))
    n_clients = draw(st.integers(1, 4))
    team = []
    for i in range(n_staff):
        a = draw(st.sampled_from(["07:00", "08:00", "10:00"]))
        b = draw(st.sampled_from(["12:00", "15:00", "17:00"]))
        brk = draw(st.sampled_from([None, ("11:00", "13:00", 30)]))
        team.append(
            staff(
                f"s{i}",
                shifts=[(a, b)],
                brk=brk,
                skills=draw(st.lists(st.sampled_from(SKILLS), unique=True)),
                max_minutes=draw(st.sampled_from([None, 60, 240])),
            )
        )
    clients = [
        client(
            f"c{j}",
            refused_staff=draw(st.lists(st.sampled_from([s["id"] for s in team]), max_size=1)),
            max_distinct_staff=draw(st.sampled_from([None, 1, 2])),
        )
        for j in range(n_clients)
    ]
    visits, pinned_any = [], False
    for k in range(draw(st.integers(1, 12))):
        hour = draw(st.integers(7, 16))
        width = draw(st.sampled_from([0, 15, 60]))
        v = visit(
            f"v{k}",
            f"c{draw(st.integers(0, n_clients - 1))}",
            f"{hour:02d}:00",
            f"{hour:02d}:{width if width < 60 else 59:02d}",
            duration=draw(st.sampled_from([15, 30, 45])),
            staff_required=draw(st.sampled_from([1, 1, 1, 2])),
            skills=draw(st.lists(st.sampled_from(SKILLS), max_size=1)),
        )
        if not pinned_any and draw(st.booleans()):
            v["pinned"] = [{"staff": draw(st.sampled_from([s["id"] for s in team]))}]
            pinned_any = True
        visits.append(v)
    offsets = {c["id"]: draw(st.floats(0.2, 4.0)) for c in clients}
    return problem(team, clients, visits, offsets=offsets)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_every_plan_is_valid_and_keeps_pins(p):
    plan = solve(p, **{**FAST, "time_limit_s": 1})
    seen = [a.visit for a in plan.assignments] + [u.visit for u in plan.unassigned]
    assert sorted(seen) == sorted(v.id for v in p.visits)
    # A pin that cannot hold (refused, unskilled, off shift...) leaves its visit unassigned
    # with status INFEASIBLE; that is the only complaint allowed.
    conflicts = {u.visit for u in plan.unassigned if p.visit_by_id[u.visit].pinned}
    for violation in check_plan(p, plan):
        assert violation.rule == 6 and violation.visit in conflicts
    assert (plan.status == "INFEASIBLE") == bool(conflicts)
    assert plan.bound <= plan.objective
    for a in plan.assignments:
        for pin in p.visit_by_id[a.visit].pinned:
            assert pin.staff in a.staff
