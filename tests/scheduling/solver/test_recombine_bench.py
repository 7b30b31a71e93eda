"""``bench/recombine.py``: the best plan CP-SAT assembles from the routes of several plans."""

from __future__ import annotations

from scheduling.solver.metrics import distinct_staff_per_client
from scheduling.solver.plan import Assignment, Plan
from scheduling.solver.validate import score_plan

from .conftest import TWO_DAYS, assert_valid, at, bench_script, client, problem, staff, visit

recombine_bench = bench_script("recombine")


def _two_days(required: int = 1, team: int = 2):
    """c1 at 08:00 on both days; ``team`` staff (s1, s2, ...) work both days."""
    visits = [
        visit(f"v{i}", "c1", "08:00", "08:30", day=d, staff_required=required)
        for i, d in enumerate(TWO_DAYS)
    ]
    crew = [staff(f"s{k}", days=TWO_DAYS) for k in range(1, team + 1)]
    return problem(crew, [client("c1")], visits, days=2)


def _plan(p, *placed: tuple[str, tuple[str, ...], str]) -> Plan:
    """A hand-made plan: (visit, staff, "day index HH:MM") per visit."""
    out = []
    for vid, who, when in placed:
        day, hhmm = when.split()
        out.append(Assignment(vid, who, p.to_minute(at(hhmm, TWO_DAYS[int(day)]))))
    return Plan(p.name, "FEASIBLE", out, [])


def _faces(p, plan) -> int:
    return distinct_staff_per_client(p, plan)["c1"]


def test_the_mix_of_two_plans_keeps_one_face_where_each_plan_has_two():
    p = _two_days()
    a = _plan(p, ("v0", ("s1",), "0 08:00"), ("v1", ("s2",), "1 08:00"))
    b = _plan(p, ("v0", ("s2",), "0 08:10"), ("v1", ("s1",), "1 08:10"))
    plan, bound = recombine_bench.recombine(p, [a, b], seconds=5, workers=1)
    assert_valid(p, plan)
    assert _faces(p, a) == _faces(p, b) == 2 and _faces(p, plan) == 1
    objective = score_plan(p, plan)["objective"]
    assert objective < min(score_plan(p, x)["objective"] for x in (a, b))
    assert bound == objective  # two columns per day: solved to optimality


def test_relabelling_moves_a_route_to_a_staff_member_with_a_free_shift():
    p = _two_days()
    a = _plan(p, ("v0", ("s1",), "0 08:00"), ("v1", ("s2",), "1 08:00"))
    as_is, _ = recombine_bench.recombine(p, [a], seconds=5, workers=1)
    moved, _ = recombine_bench.recombine(p, [a], seconds=5, workers=1, relabel=True)
    assert_valid(p, as_is)
    assert_valid(p, moved)
    assert _faces(p, as_is) == 2 and _faces(p, moved) == 1


def test_both_staff_of_a_double_visit_come_from_routes_with_the_same_start():
    p = _two_days(required=2, team=3)
    a = _plan(p, ("v0", ("s1", "s2"), "0 08:00"), ("v1", ("s1", "s3"), "1 08:00"))
    b = _plan(p, ("v0", ("s1", "s3"), "0 08:10"), ("v1", ("s2", "s3"), "1 08:20"))
    plan, _ = recombine_bench.recombine(p, [a, b], seconds=5, workers=1)
    assert_valid(p, plan)
    # only b's first day with a's second keeps two faces; s1 of a with s3 of b on the
    # first day would be the same two faces at two different starts
    got = {x.visit: (x.staff, x.start) for x in plan.assignments}
    assert got == {
        "v0": (("s1", "s3"), p.to_minute(at("08:10", TWO_DAYS[0]))),
        "v1": (("s1", "s3"), p.to_minute(at("08:00", TWO_DAYS[1]))),
    }


def test_a_visit_no_route_holds_is_listed_out_not_dropped():
    p = _two_days()
    a = _plan(p, ("v0", ("s1",), "0 08:00"))
    plan, _ = recombine_bench.recombine(p, [a], seconds=5, workers=1)
    assert_valid(p, plan)
    assert [u.visit for u in plan.unassigned] == ["v1"] and plan.status == "FEASIBLE"


def test_the_table_has_each_seed_and_the_recombined_plan_no_worse_than_the_best(capsys):
    recombine_bench.main(
        ["--seeds", "0", "1", "--time-limit", "1", "--seconds", "5", "--days", "2", "--staff", "4"]
    )
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [r.split(" | ")[0] for r in rows[1:]] == ["| seed 0", "| seed 1", "| recombined"]
    assert all(" | valid | " in r for r in rows[1:])
    objective = [int(r.split(" | ")[1].replace(",", "")) for r in rows[1:]]
    assert objective[2] <= min(objective[:2])
