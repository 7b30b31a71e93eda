"""How continuity and coverage move with the roster's slack.

The generator adds shifts until visits take at most ``roster.PEAK_LOAD`` of the on-shift
minutes in every care window (0.6 by default). This runs ``python -m scheduling bench``'s
main measurement on the same team (seed, staff, clients, days) rostered with each load
given, so the solver, the floor and both baselines see the same roster.

    .venv/bin/python bench/slack.py 0.6 0.5 0.4
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import bench, roster  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("loads", type=float, nargs="+", help="PEAK_LOAD values")
    ap.add_argument("--seed", type=int, default=bench.SEED)
    ap.add_argument("--time-limit", type=float, default=bench.MAIN_LIMIT_S)
    args = ap.parse_args(argv)
    print(bench.table_head(("peak load", "shift hours")))
    default = roster.PEAK_LOAD
    try:
        for load in args.loads:
            roster.PEAK_LOAD = load
            problem = bench.instance(*bench.MAIN, args.seed)
            hours = sum(sh.end - sh.start for s in problem.staff for sh in s.shifts) / 60
            row = bench.measure(problem, f"peak {load}", args.time_limit, None)
            print(bench.table_row(row, (load, f"{hours:.0f}")), flush=True)
    finally:
        roster.PEAK_LOAD = default


if __name__ == "__main__":
    main()
