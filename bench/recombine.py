"""Route recombination: the best plan CP-SAT can assemble from the routes of several plans.

The main instance is solved once per search seed (repeatable: 1 worker, deterministic
time). Every route of every plan, a shift with its visits and their starts, becomes a
column; with ``--relabel`` each is also offered to every other staff member with the
skills, no refusal and a shift that drives it (home legs and break re-checked). CP-SAT
then picks at most one column per shift so that each visit is held once (a double visit
by two columns with the same start) under ``max_minutes`` and ``max_distinct_staff``,
for the plan's own objective (faces, contact, preferred, history, travel; the columns'
travel is exact since each keeps its starts). The best input plan is the hint, so the
result is never worse, and the model's bound says how far any mix of these routes goes.

    .venv/bin/python bench/recombine.py --seeds 0 1 2 3 4 5 6 7 --relabel
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import metrics  # noqa: E402
from scheduling.solver.bench import instance_arguments, instance_of  # noqa: E402
from scheduling.solver.chunks import ShiftRef  # noqa: E402
from scheduling.solver.lowerbound import client_lower_bounds  # noqa: E402
from scheduling.solver.objective import place_counts  # noqa: E402
from scheduling.solver.plan import Assignment, Plan, Unassigned  # noqa: E402
from scheduling.solver.problem import Problem  # noqa: E402
from scheduling.solver.routes import Stop, route_ok, route_travel  # noqa: E402
from scheduling.solver.solve import solve  # noqa: E402
from scheduling.solver.travel import TravelTimes  # noqa: E402
from scheduling.solver.validate import check_plan, score_plan  # noqa: E402


@dataclass(frozen=True)
class Column:
    staff: str
    shift: int  # index into the staff member's shifts
    stops: tuple[tuple[str, int], ...]  # (visit id, start), sorted


def _stops(problem: Problem, col: Column) -> list[Stop]:
    by_id = problem.visit_by_id
    stops = [(v, t, t + by_id[v].duration, problem.location_of(by_id[v])) for v, t in col.stops]
    return sorted(stops, key=lambda s: (s[1], s[0]))


def _cost(problem: Problem, tt: TravelTimes, col: Column) -> int:
    """The column's own terms: its travel (home legs included) and its history places (a
    per-staff count, so a double visit's two columns each carry their own share)."""
    ref = ShiftRef(problem.staff_by_id[col.staff], col.shift)
    by_id, staff = problem.visit_by_id, {col.staff}
    unknown = sum(place_counts(problem, by_id[v], staff)["history_missing"] for v, _ in col.stops)
    w = problem.weights
    return w["travel_minute"] * route_travel(tt, ref, _stops(problem, col)) + (
        w["history_missing"] * unknown
    )


def columns(problem: Problem, plans: list[Plan]) -> list[list[Column]]:
    """The routes of each plan as columns (non-empty shifts only)."""
    out = []
    for plan in plans:
        cols = []
        for r in metrics.routes(problem, plan):
            if r.shift is None or not r.assignments:
                continue
            index = problem.staff_by_id[r.staff].shifts.index(r.shift)
            cols.append(
                Column(r.staff, index, tuple(sorted((a.visit, a.start) for a in r.assignments)))
            )
        out.append(cols)
    return out


def relabelled(problem: Problem, tt: TravelTimes, col: Column) -> list[Column]:
    """The same stops on every other staff member's shift that can drive them."""
    stops = _stops(problem, col)
    first, last = stops[0][1], stops[-1][2]
    visits = [problem.visit_by_id[v] for v, _ in col.stops]
    out = []
    for s in problem.staff:
        if not all(problem.can_serve(s, v) for v in visits):
            continue
        for i in problem.holding_shifts(s, first, first, last - first):  # the whole route
            if (s.id, i) != (col.staff, col.shift) and route_ok(tt, ShiftRef(s, i), stops):
                out.append(Column(s.id, i, col.stops))
    return out


def recombine(
    problem: Problem, plans: list[Plan], seconds: float, workers: int = 2, relabel: bool = False
) -> tuple[Plan, int]:
    """The best plan of the plans' columns CP-SAT finds in ``seconds``, and its bound."""
    if any(v.pinned or v.previous is not None for v in problem.visits):
        raise ValueError("recombination does not model pins or previous plans")
    tt = TravelTimes(problem)
    scores = [score_plan(problem, p)["objective"] for p in plans]
    per_plan = columns(problem, plans)
    best = set(per_plan[scores.index(min(scores))])
    cols = list(dict.fromkeys(c for cs in per_plan for c in cs))
    if relabel:
        cols = list(dict.fromkeys(cols + [r for c in cols for r in relabelled(problem, tt, c)]))

    w, clients = problem.weights, problem.client_by_id
    m = cp_model.CpModel()
    hint: dict[cp_model.IntVar, int] = {}

    def var(value: bool) -> cp_model.IntVar:
        b = m.new_bool_var("")
        hint[b] = int(value)
        return b

    x = [var(c in best) for c in cols]
    terms = [_cost(problem, tt, c) * x[j] for j, c in enumerate(cols)]
    by_shift, by_visit, minutes = defaultdict(list), defaultdict(list), defaultdict(list)
    faces: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, c in enumerate(cols):
        by_shift[c.staff, c.shift].append(x[j])
        for v, t in c.stops:
            visit = problem.visit_by_id[v]
            by_visit[v].append((j, t))
            minutes[c.staff].append(visit.duration * x[j])
            faces[visit.client, c.staff].append(j)
    for group in by_shift.values():
        m.add_at_most_one(group)
    for s in problem.staff:
        if s.max_minutes is not None:
            m.add(sum(minutes[s.id]) <= s.max_minutes)

    held = {v: t for c in best for v, t in c.stops}
    held_by: dict[str, set[str]] = defaultdict(set)
    for c in best:
        for v, _ in c.stops:
            held_by[v].add(c.staff)
    for v in problem.visits:
        out = var(v.id not in held)
        terms.append(w["unassigned"] * v.staff_required * out)
        starts = defaultdict(list)
        for j, t in by_visit[v.id]:
            starts[t].append(x[j])
        chosen = [var(held.get(v.id) == t) for t in starts]
        for z, group in zip(chosen, starts.values(), strict=True):
            m.add(sum(group) == v.staff_required * z)  # every staff member at one start
        m.add(sum(chosen) + out == 1)
        client = clients[v.client]
        for key, wanted in (
            ("contact_missing", client.contact_staff),
            ("preferred_missing", client.preferred_staff),
        ):
            if key == "preferred_missing" and not wanted:
                continue
            missing = var(held_by[v.id].isdisjoint(wanted))
            m.add(missing + sum(x[j] for j, _ in by_visit[v.id] if cols[j].staff in wanted) >= 1)
            terms.append(w[key] * missing)

    met: dict[str, list] = defaultdict(list)
    for (cid, _staff), js in faces.items():
        y = var(any(cols[j] in best for j in js))
        for j in set(js):
            m.add_implication(x[j], y)
        terms.append(w["distinct_staff"] * y)
        met[cid].append(y)
    for c in problem.clients:
        if c.max_distinct_staff is not None:
            m.add(sum(met[c.id]) <= c.max_distinct_staff)

    m.minimize(sum(terms))
    for b, value in hint.items():
        m.add_hint(b, value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"no solution in {seconds} s: {solver.status_name(status)}")
    staff_of: dict[str, list[str]] = defaultdict(list)
    start_of: dict[str, int] = {}
    for j, c in enumerate(cols):
        if solver.value(x[j]):
            for v, t in c.stops:
                staff_of[v].append(c.staff)
                if start_of.setdefault(v, t) != t:
                    raise AssertionError(f"visit {v}: its staff come at different starts")
    assignments = [Assignment(v, tuple(sorted(ss)), start_of[v]) for v, ss in staff_of.items()]
    out = [
        Unassigned(v.id, "no mix of the columns holds it")
        for v in problem.visits
        if v.id not in staff_of
    ]
    # OPTIMAL would only mean: over these columns
    return Plan(plans[0].problem, "FEASIBLE", assignments, out), round(solver.best_objective_bound)


def _row(problem: Problem, floor: int, name: str, plan: Plan, note: str = "") -> str:
    score = score_plan(problem, plan)
    faces = score["counts"]["distinct_staff"]
    valid = "valid" if not check_plan(problem, plan) else "INVALID"
    return (
        f"| {name} | {score['objective']:,} | {faces} | {faces / floor:.3f} "
        f"| {score['counts']['travel_minute']:,} | {valid} | {note} |"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1], help="search seeds")
    ap.add_argument("--time-limit", type=float, default=40.0, help="per solve (repeatable)")
    ap.add_argument("--seconds", type=float, default=120.0, help="for the recombination")
    ap.add_argument("--relabel", action="store_true")
    instance_arguments(ap)
    args = ap.parse_args(argv)
    problem = instance_of(args)
    floor = sum(client_lower_bounds(problem).values())
    print(
        f"floor {floor} faces\n\n| plan | objective | faces | faces ÷ floor | travel min "
        "| check | note |\n|---|---|---|---|---|---|---|"
    )
    plans = []
    for seed in args.seeds:
        plan = solve(problem, args.time_limit, workers=1, seed=seed, deterministic=True)
        plans.append(plan)
        print(_row(problem, floor, f"seed {seed}", plan), flush=True)
    plan, bound = recombine(problem, plans, args.seconds, relabel=args.relabel)
    how = "routes relabelled too" if args.relabel else "routes as they are"
    print(_row(problem, floor, "recombined", plan, f"{how}; bound {bound:,}"))


if __name__ == "__main__":
    main()
