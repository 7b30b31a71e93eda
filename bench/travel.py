"""How continuity moves with the travel between homes.

The bench's main instance with every travel time scaled: the speed is divided by each
factor given (0.5 halves the minutes; 0 leaves one minute between two different places,
the format's ``minimum_minutes`` set to 0 and the speed made huge). Staff, shifts, visits
and the continuity floor stay the same (the floor ignores travel), so the ratio to the
floor shows how much of the gap to it travel makes: travel eats the minutes around the
care peaks that would let a client's few staff take all its visits.

    .venv/bin/python bench/travel.py 1 0.5 0
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import bench  # noqa: E402
from scheduling.solver.problem import Problem  # noqa: E402
from scheduling.solver.travel import TravelTimes  # noqa: E402

NO_TRAVEL_KMH = 1e9  # with minimum_minutes 0: one minute between two different places


def scaled(problem: Problem, factor: float) -> Problem:
    """The problem with its travel minutes scaled by ``factor`` (0: one minute)."""
    travel = problem.travel
    if factor <= 0:
        travel = dataclasses.replace(travel, speed_kmh=NO_TRAVEL_KMH, minimum_minutes=0)
    else:
        travel = dataclasses.replace(travel, speed_kmh=travel.speed_kmh / factor)
    return dataclasses.replace(problem, travel=travel)


def mean_leg(problem: Problem) -> float:
    """Mean travel minutes between two different client homes."""
    tt = TravelTimes(problem)
    homes = sorted({problem.location_of(v) for v in problem.visits})
    return statistics.mean(tt.minutes(a, b) for a in homes for b in homes if a != b)


def main(argv: list[str] | None = None) -> None:
    def vary(factor: float, seed: int):
        problem = scaled(bench.instance(*bench.MAIN, seed), factor)
        return problem, (factor, f"{mean_leg(problem):.1f}")

    bench.variants(
        argv, __doc__.splitlines()[0], ("travel factor", "mean minutes between homes"), vary
    )


if __name__ == "__main__":
    main()
