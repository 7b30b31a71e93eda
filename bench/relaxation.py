"""How few faces per client the bench instance allows once routes are left out.

The aggregate pool model of ``scheduling/solver/pools.py`` with the objective cut to
unplaced visits and faces: every visit is given to staff shifts, and each shift's load is
held under its time by energetic checks only (every window between two visits' bounds;
``--grid``: the hourly grid the solver's pool phase uses, a much looser model), with
``--allowance`` travel minutes charged per visit. With ``--allowance 0`` it is a relaxation
of routing (every valid plan's assignment satisfies it), so the faces it reaches show what
the capacity of the roster allows before travel and the order of stops are counted. It
prints the best solution CP-SAT finds in ``--seconds`` (an upper bound on the relaxation's
optimum, not a lower bound on plans) next to the continuity floor of ``lowerbound.py``.

    .venv/bin/python bench/relaxation.py --seconds 600 --allowance 0
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver.bench import instance_arguments, instance_of  # noqa: E402
from scheduling.solver.chunks import candidate_shifts  # noqa: E402
from scheduling.solver.lowerbound import lower_bound_mean  # noqa: E402
from scheduling.solver.pools import choose_pools  # noqa: E402
from scheduling.solver.routing import Budget  # noqa: E402
from scheduling.solver.travel import TravelTimes  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    instance_arguments(ap)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--allowance", type=int, default=0, help="travel minutes per visit")
    ap.add_argument("--grid", action="store_true", help="the solver's hourly checks only")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    problem = instance_of(args)
    weights = {key: 0 for key in problem.weights}
    weights.update(
        unassigned=problem.weights["unassigned"], distinct_staff=problem.weights["distinct_staff"]
    )
    problem = dataclasses.replace(problem, weights=weights)
    candidates = {v.id: candidate_shifts(problem, v) for v in problem.visits}
    visits = [v for v in problem.visits if candidates[v.id]]
    result = choose_pools(
        problem,
        TravelTimes(problem),
        visits,
        candidates,
        Budget(args.seconds, args.workers),
        allowance=args.allowance,
        spans=not args.grid,
    )
    faces: dict[str, set[str]] = {}
    for vid, refs in result.given.items():
        faces.setdefault(problem.visit_by_id[vid].client, set()).update(r.staff.id for r in refs)
    lb = lower_bound_mean(problem)
    mean = sum(map(len, faces.values())) / len(faces) if faces else 0.0
    print(
        f"{args.days} d x {args.staff} staff x {len(problem.visits)} visits, "
        f"{'grid' if args.grid else 'spans'}, allowance {args.allowance} min, "
        f"{args.seconds:.0f} s: {result.status}, "
        f"{len(result.given)}/{len(visits)} visits given, "
        f"{mean:.2f} staff/client = {mean / lb:.3f} x LB ({lb:.2f})"
    )


if __name__ == "__main__":
    main()
