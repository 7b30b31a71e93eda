"""How many different staff fixed runs (turer) would need on the bench's roster.

A run is a round of clients that one staff member takes each day in one block of the day.
If every client kept to one run per block, it would meet exactly the staff who take its
runs. This script asks the roster alone how few that can be: it gives each of ``R`` runs
one staff member on shift in the block on every day (at most one run per staff member and
day), with the fewest different staff per run summed over the runs (CP-SAT). Staff on
shift beyond ``R`` on a day are left free (floaters, whose visits this does not count).

No visits, routes or travel enter: the figure is what fixed runs could give at best on
this roster, read against the continuity floor and the solver's plans in
``scheduling/solver/MEASURED.md`` ("Left to do").

    .venv/bin/python bench/rounds.py            # every block, R = the fewest on shift
    .venv/bin/python bench/rounds.py --runs-less 3 --time-limit 120
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import bench  # noqa: E402
from scheduling.solver.chunks import DAY  # noqa: E402
from scheduling.solver.lowerbound import min_cover  # noqa: E402
from scheduling.solver.problem import Problem  # noqa: E402

# Blocks of the day (minutes of the day) a staff member's shift must span to take a run:
# the morning peak (day and early shifts) and the dinner and evening visits (evening shifts).
BLOCKS = {"morning": (7 * 60 + 30, 9 * 60 + 30), "evening": (17 * 60, 21 * 60)}


@dataclass(frozen=True)
class Runs:
    staff: list[dict[int, str]]  # per run: day -> the staff member who takes it
    faces: int  # different staff summed over the runs
    bound: int  # a lower bound on ``faces``: CP-SAT's, or ``floor`` per run
    floor: int  # what one run alone needs (``run_floor``)
    optimal: bool


def on_shift(problem: Problem, span: tuple[int, int]) -> dict[int, list[str]]:
    """Per day of the horizon: the staff whose shift spans ``span`` (minutes of the day)."""
    out: dict[int, list[str]] = {d: [] for d in range(problem.days)}
    for s in problem.staff:
        for sh in s.shifts:
            day = sh.start // DAY
            if sh.start - day * DAY <= span[0] and sh.end - day * DAY >= span[1]:
                out[day].append(s.id)
    return out


def run_floor(on: dict[int, list[str]]) -> int:
    """Fewest staff who between them are on shift every day: what one run alone needs (the
    continuity floor of a client with one visit a day in the block)."""
    return min_cover({frozenset(ids): 1 for ids in on.values()})


def fewest_faces(
    on: dict[int, list[str]], runs: int, time_limit_s: float = 30, workers: int = 2
) -> Runs:
    """``runs`` runs, each taken every day by one staff member on shift, with the fewest
    different staff per run (summed). Days with fewer than ``runs`` on shift: infeasible,
    so ``runs`` must be at most the fewest on shift."""
    m = cp_model.CpModel()
    staff = sorted({sid for ids in on.values() for sid in ids})
    took = {(r, sid): m.NewBoolVar(f"u{r}_{sid}") for r in range(runs) for sid in staff}
    x = {}
    for day, ids in on.items():
        for r in range(runs):
            for sid in ids:
                x[r, day, sid] = m.NewBoolVar(f"x{r}_{day}_{sid}")
                m.AddImplication(x[r, day, sid], took[r, sid])
            m.AddExactlyOne(x[r, day, sid] for sid in ids)
        for sid in ids:
            m.AddAtMostOne(x[r, day, sid] for r in range(runs))
    # The runs are interchangeable: where a day has exactly one staff member per run,
    # run r takes the r-th of them.
    full = next((day for day, ids in sorted(on.items()) if len(ids) == runs), None)
    if full is not None:
        for r, sid in enumerate(sorted(on[full])):
            m.Add(x[r, full, sid] == 1)
    floor = run_floor(on)
    for r in range(runs):
        m.Add(sum(took[r, sid] for sid in staff) >= floor)
    m.Minimize(sum(took.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise ValueError(f"no runs found ({solver.StatusName(status)})")
    taken = [
        {day: sid for day, ids in on.items() for sid in ids if solver.Value(x[r, day, sid])}
        for r in range(runs)
    ]
    return Runs(
        staff=taken,
        faces=round(solver.ObjectiveValue()),
        bound=max(round(solver.BestObjectiveBound()), floor * runs),
        optimal=status == cp_model.OPTIMAL,
        floor=floor,
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=bench.SEED)
    ap.add_argument("--time-limit", type=float, default=30.0, help="seconds per model")
    ap.add_argument(
        "--runs-less", type=int, nargs="*", default=[0], help="runs = fewest on shift less these"
    )
    args = ap.parse_args(argv)
    problem = bench.instance(*bench.MAIN, args.seed)
    print(
        "| block | staff on shift per day | one run alone | runs | different staff per run "
        "| bound | proven |"
    )
    print("|---|---|---|---|---|---|---|")
    for block, span in BLOCKS.items():
        on = on_shift(problem, span)
        counts = [len(ids) for ids in on.values()]
        for less in args.runs_less:
            runs = min(counts) - less
            got = fewest_faces(on, runs, args.time_limit)
            print(
                f"| {block} | {min(counts)}-{max(counts)} | {got.floor} | {runs} "
                f"| {got.faces / runs:.2f} "
                f"| {got.bound / runs:.2f} | {'yes' if got.optimal else 'no'} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
