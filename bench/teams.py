"""How continuity moves with the team's size over the bench's 14 days.

DOMAIN.md section 4 puts a real team at 10-16 staff with 30-60 clients; the bench's main
instance has 35 staff (the issue's size for the time target). This runs ``python -m
scheduling bench``'s main measurement on generated teams of each size given, clients
scaled with the staff as in the bench (``bench.CLIENTS_PER_STAFF``), each against its own
per-client floor.

    .venv/bin/python bench/teams.py 10 12 14 16 20 35
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import bench  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    def vary(value: float, seed: int):
        problem = bench.instance(bench.MAIN[0], round(value), seed)
        return problem, (len(problem.staff), len(problem.clients))

    bench.variants(argv, __doc__.splitlines()[0], ("staff", "clients"), vary)


if __name__ == "__main__":
    main()
