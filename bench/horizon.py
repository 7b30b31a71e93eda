"""The horizon move on small teams: the same solve with it and without it.

Small generated teams (staff x clients x days; DOMAIN.md section 4 puts a real team at
10-16 staff), each solved with 2 workers in wall time (the move needs two; CP-SAT's
parallel search is not repeatable, so run it on an otherwise idle machine) once with
``lns.horizon_move`` off and once on. The move hands the second half of the time to
CP-SAT on the whole horizon where the model is small (``lns.HORIZON_ARCS``); the bench's
own instances (130,000 arcs and more) never take it.

    .venv/bin/python bench/horizon.py --seeds 0 --time-limit 60
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import lns  # noqa: E402
from scheduling.solver.generate import generate_problem  # noqa: E402
from scheduling.solver.lowerbound import client_lower_bounds  # noqa: E402
from scheduling.solver.metrics import distinct_staff_per_client  # noqa: E402
from scheduling.solver.problem import Problem, parse  # noqa: E402
from scheduling.solver.solve import solve  # noqa: E402
from scheduling.solver.validate import check_plan  # noqa: E402

# (generator seed, staff, clients, days): teams of 6-10 staff over one and two weeks.
TEAMS = ((1, 8, 11, 7), (2, 8, 11, 7), (4, 10, 14, 7), (1, 8, 11, 14), (3, 6, 9, 14))


@dataclass(frozen=True)
class Result:
    objective: int
    faces: int  # distinct staff summed over the clients
    out: int  # visits left out
    status: str
    valid: bool


@contextlib.contextmanager
def horizon(on: bool):
    """The horizon move on or off for the solves inside (the module's threshold restored)."""
    kept = lns.HORIZON_ARCS
    lns.HORIZON_ARCS = kept if on else 0
    try:
        yield
    finally:
        lns.HORIZON_ARCS = kept


def measure(problem: Problem, on: bool, seed: int, time_limit_s: float) -> Result:
    """One solve (2 workers, wall time) with the move on or off."""
    with horizon(on):
        plan = solve(problem, time_limit_s=time_limit_s, workers=2, seed=seed)
    return Result(
        round(plan.objective),
        sum(distinct_staff_per_client(problem, plan).values()),
        len(plan.unassigned),
        plan.status,
        not check_plan(problem, plan),
    )


def _cell(r: Result, floor: int) -> str:
    valid = "" if r.valid else " INVALID"
    return f"{r.objective:,} / {r.faces} ({r.faces / floor:.3f} x) / {r.out}{valid}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0], help="search seeds")
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args(argv)
    print(
        "| team (staff x clients x days, generator seed) | visits | search seed | floor "
        "| off: objective / faces (x floor) / out | on: objective / faces (x floor) / out "
        "| on ÷ off |\n|---|---|---|---|---|---|---|"
    )
    for gen, n_staff, n_clients, days in TEAMS:
        problem = parse(generate_problem(gen, n_staff=n_staff, n_clients=n_clients, days=days))
        floor = sum(client_lower_bounds(problem).values())
        for seed in args.seeds:
            off, on = (measure(problem, flag, seed, args.time_limit) for flag in (False, True))
            print(
                f"| {n_staff} x {n_clients} x {days} ({gen}) | {len(problem.visits)} | {seed} "
                f"| {floor} | {_cell(off, floor)} | {_cell(on, floor)} "
                f"| {on.objective / off.objective:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
