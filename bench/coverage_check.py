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
from collections import defaultdict
from pathlib import Path

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver.bench import MAIN, SEED, instance  # noqa: E402
from scheduling.solver.chunks import DAY, candidate_shifts  # noqa: E402
from scheduling.solver.model import ChunkInput, build_model  # noqa: E402
from scheduling.solver.plan import Assignment  # noqa: E402
from scheduling.solver.problem import Problem  # noqa: E402
from scheduling.solver.routing import add_hint  # noqa: E402
from scheduling.solver.solve import solve  # noqa: E402
from scheduling.solver.travel import TravelTimes  # noqa: E402
from scheduling.solver.validate import check_plan  # noqa: E402


def _context(problem: Problem, others: list[Assignment]) -> tuple[dict, dict]:
    """(client -> staff met on other days, capped staff -> visit minutes left)."""
    met: dict[str, set[str]] = defaultdict(set)
    used: dict[str, int] = defaultdict(int)
    for a in others:
        v = problem.visit_by_id[a.visit]
        met[v.client].update(a.staff)
        for sid in a.staff:
            used[sid] += v.duration
    left = {s.id: s.max_minutes - used[s.id] for s in problem.staff if s.max_minutes is not None}
    return {c: frozenset(ids) for c, ids in met.items()}, left


def check_day(
    problem: Problem, plan_assignments: list[Assignment], day: int, after: int, seconds: float
) -> tuple[int, int, int, str]:
    """(visits of the day, placed by the plan, placed here, CP-SAT status)."""
    base = day * DAY
    visits = [v for v in problem.visits if v.earliest_start // DAY == day]
    ids = {v.id for v in visits}
    mine = [a for a in plan_assignments if a.visit in ids]
    others = [a for a in plan_assignments if a.visit not in ids]
    met, left = _context(problem, others)
    chunk = ChunkInput(visits, {v.id: candidate_shifts(problem, v) for v in visits}, met, {}, left)
    m = build_model(problem, TravelTimes(problem), chunk)
    by_visit = {a.visit: a for a in mine}
    for v in visits:
        a = by_visit.get(v.id)
        if a is not None and a.start + v.duration <= base + after:
            m.cp.add(m.performed[v.id] == 1)
            m.cp.add(m.start[v.id] == a.start)
            for sid in a.staff:
                m.cp.add(m.assign[v.id, sid] == 1)
    m.cp.maximize(sum(m.performed.values()))
    add_hint(m, mine)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = os.cpu_count() or 1
    status = solver.solve(m.cp)
    placed = round(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0
    return len(visits), len(mine), placed, solver.status_name(status)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=MAIN[0])
    ap.add_argument("--staff", type=int, default=MAIN[1])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--time-limit", type=float, default=60.0, help="the solver's limit")
    ap.add_argument("--seconds", type=float, default=90.0, help="CP-SAT per day")
    ap.add_argument("--after", default="16:00", help="re-route visits ending after this")
    args = ap.parse_args(argv)
    hours, minutes = (int(x) for x in args.after.split(":"))
    problem = instance(args.days, args.staff, args.seed)
    plan = solve(problem, time_limit_s=args.time_limit, seed=0)
    assert not check_plan(problem, plan), "the solver's plan must be valid"
    out_days = sorted({problem.visit_by_id[u.visit].earliest_start // DAY for u in plan.unassigned})
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
