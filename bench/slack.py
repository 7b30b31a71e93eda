"""How continuity and coverage move with the roster's slack.

The generator adds shifts until visits take at most ``roster.PEAK_LOAD`` of the on-shift
minutes in every care window (0.6 by default). This runs ``python -m scheduling bench``'s
main measurement on the same team (seed, staff, clients, days) rostered with each load
given, so the solver, the floor and both baselines see the same roster.

    .venv/bin/python bench/slack.py 0.6 0.5 0.4
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import bench, roster  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    def vary(load: float, seed: int):
        default, roster.PEAK_LOAD = roster.PEAK_LOAD, load
        try:
            problem = bench.instance(*bench.MAIN, seed)
        finally:
            roster.PEAK_LOAD = default
        hours = sum(sh.end - sh.start for s in problem.staff for sh in s.shifts) / 60
        return problem, (load, f"{hours:.0f}")

    bench.variants(argv, __doc__.splitlines()[0], ("peak load", "shift hours"), vary)


if __name__ == "__main__":
    main()
