"""Could the days on which the solver leaves visits out be complete?

Solves the bench instance (60 s, as ``python -m scheduling bench`` does), then for each day
with a visit out lets CP-SAT re-route every visit of that day that ends after ``--after``
(default 16:00) on any shift that holds it, with coverage as the only objective. The
day's earlier visits are held at their staff and start, and ``max_minutes`` and
``max_distinct_staff`` count the rest of the plan, so a complete day found here is part of
a valid plan. Hinted with the solver's own day it runs ``--seconds`` per day.

A day it completes shows that the visits the plan leaves out on that day are the search's
shortfall, not the instance's; a day it does not complete proves nothing (CP-SAT's bound
on these circuits stays loose).

    .venv/bin/python bench/coverage_check.py --seconds 60
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver.bench import instance_arguments, instance_of  # noqa: E402
from scheduling.solver.chunks import DAY, candidate_shifts, chunk_day, hold  # noqa: E402
from scheduling.solver.model import ChunkInput, build_model, fixed_context  # noqa: E402
from scheduling.solver.plan import Assignment  # noqa: E402
from scheduling.solver.problem import Problem  # noqa: E402
from scheduling.solver.routing import add_hint  # noqa: E402
from scheduling.solver.solve import solve  # noqa: E402
from scheduling.solver.travel import TravelTimes  # noqa: E402
from scheduling.solver.validate import check_plan  # noqa: E402


def check_day(
    problem: Problem, plan_assignments: list[Assignment], day: int, after: int, seconds: float
) -> tuple[int, int, int, str]:
    """(visits of the day, placed by the plan, placed here, CP-SAT status)."""
    cands = {v.id: candidate_shifts(problem, v) for v in problem.visits}
    ids = {v.id for v in problem.visits if chunk_day(v, cands[v.id]) == day}
    mine = {a.visit: a for a in plan_assignments if a.visit in ids}
    met, left = fixed_context(problem, [a for a in plan_assignments if a.visit not in ids])
    visits, held = [], []
    for v in problem.visits:
        if v.id not in ids:
            continue
        a = mine.get(v.id)
        kept = None
        if a is not None and a.start + v.duration <= day * DAY + after:
            kept = hold(v, a.staff, a.start, cands[v.id])
        if kept is not None:
            v, cands[v.id] = kept
            held.append(v.id)
        visits.append(v)
    chunk = ChunkInput(visits, {v.id: cands[v.id] for v in visits}, met, {}, left)
    m = build_model(problem, TravelTimes(problem), chunk)
    for vid in held:  # a pin holds its staff and start; held visits stay in the plan too
        m.cp.add(m.performed[vid] == 1)
    m.cp.maximize(sum(m.performed.values()))
    add_hint(m, list(mine.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = os.cpu_count() or 1
    status = solver.solve(m.cp)
    placed = round(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0
    return len(visits), len(mine), placed, solver.status_name(status)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    instance_arguments(ap)
    ap.add_argument("--time-limit", type=float, default=60.0, help="the solver's limit")
    ap.add_argument("--seconds", type=float, default=90.0, help="CP-SAT per day")
    ap.add_argument("--after", default="16:00", help="re-route visits ending after this")
    args = ap.parse_args(argv)
    hours, minutes = (int(x) for x in args.after.split(":"))
    problem = instance_of(args)
    plan = solve(problem, time_limit_s=args.time_limit, seed=0)
    assert not check_plan(problem, plan), "the solver's plan must be valid"
    out_days = sorted(
        {
            chunk_day(v, candidate_shifts(problem, v))
            for v in (problem.visit_by_id[u.visit] for u in plan.unassigned)
        }
    )
    print(f"solver: {len(plan.unassigned)} of {len(problem.visits)} visits out, days {out_days}")
    print("| day | visits | placed by the solver | placed here | CP-SAT | time |")
    print("|---|---|---|---|---|---|")
    for day in out_days:
        began = time.perf_counter()
        total, before, placed, status = check_day(
            problem, list(plan.assignments), day, hours * 60 + minutes, args.seconds
        )
        took = time.perf_counter() - began
        print(f"| {day} | {total} | {before} | {placed} | {status} | {took:.0f} s |", flush=True)


if __name__ == "__main__":
    main()
