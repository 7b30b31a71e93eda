"""Counts over a plan: the one home of continuity, coverage, travel and workload figures.

Used by the validator's score, the benchmarks, the CLI and the web app's follow-up.
Travel is walked per staff member and shift: the staff member's visits inside a shift in
start order, from ``home`` at the shift's start and back at its end (no home: no home legs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from .plan import Assignment, Plan
from .problem import Problem, Shift
from .travel import TravelTimes


@dataclass(frozen=True)
class Route:
    """One staff member's visits inside one shift (``shift`` None: outside every shift)."""

    staff: str
    shift: Shift | None
    assignments: tuple[Assignment, ...]  # in start order


def known_assignments(problem: Problem, plan: Plan) -> list[Assignment]:
    """Assignments whose visit exists in the problem (others are the validator's to report)."""
    return [a for a in plan.assignments if a.visit in problem.visit_by_id]


def containing_shift(problem: Problem, staff_id: str, a: Assignment) -> Shift | None:
    """The shift of ``staff_id`` that holds the whole assigned visit, if any."""
    end = a.start + problem.visit_by_id[a.visit].duration
    for sh in problem.staff_by_id[staff_id].shifts:
        if sh.start <= a.start and end <= sh.end:
            return sh
    return None


def routes(problem: Problem, plan: Plan) -> list[Route]:
    """Every staff member's visits grouped by shift, each group in start order."""
    groups: dict[tuple[str, int | None], list[Assignment]] = defaultdict(list)
    shift_of: dict[tuple[str, int | None], Shift | None] = {}
    for a in known_assignments(problem, plan):
        for sid in dict.fromkeys(a.staff):
            if sid not in problem.staff_by_id:
                continue
            sh = containing_shift(problem, sid, a)
            key = (sid, None if sh is None else sh.start)
            groups[key].append(a)
            shift_of[key] = sh
    order = sorted(groups, key=lambda k: (k[0], k[1] is None, k[1] or 0))
    return [
        Route(key[0], shift_of[key], tuple(sorted(groups[key], key=lambda a: (a.start, a.visit))))
        for key in order
    ]


class Leg(NamedTuple):
    """The stretch between two consecutive stops of a route (visit None: home)."""

    before: str | None  # visit id, None for the shift's start at home
    after: str | None  # visit id, None for the shift's end at home
    gap_start: int  # end of the earlier stop
    gap_end: int  # start of the later stop
    travel: int  # minutes from the one place to the other


def legs(problem: Problem, route: Route, travel: TravelTimes) -> list[Leg]:
    """The legs of a route inside a shift, from home at its start to home at its end."""
    home = problem.staff_by_id[route.staff].home
    stops = [(None, home, route.shift.start, route.shift.start)]
    for a in route.assignments:
        v = problem.visit_by_id[a.visit]
        stops.append((a.visit, problem.location_of(v), a.start, a.start + v.duration))
    stops.append((None, home, route.shift.end, route.shift.end))
    return [
        Leg(x[0], y[0], x[3], y[2], travel.minutes(x[1], y[1]))
        for x, y in zip(stops, stops[1:], strict=False)
    ]


def route_travel(problem: Problem, route: Route, travel: TravelTimes) -> int:
    """Travel minutes of one route; home legs only when the route is inside a shift."""
    if route.shift is not None:
        return sum(leg.travel for leg in legs(problem, route, travel))
    places = [problem.location_of(problem.visit_by_id[a.visit]) for a in route.assignments]
    return sum(travel.minutes(a, b) for a, b in zip(places, places[1:], strict=False))


def travel_minutes(problem: Problem, plan: Plan, travel: TravelTimes | None = None) -> int:
    """Total travel minutes of all staff (home legs included)."""
    travel = travel or TravelTimes(problem)
    return sum(route_travel(problem, r, travel) for r in routes(problem, plan))


def staff_by_client(problem: Problem, plan: Plan) -> dict[str, set[str]]:
    """Client id -> the set of staff ids on any of its assigned visits (all clients listed)."""
    out: dict[str, set[str]] = {c.id: set() for c in problem.clients}
    for a in known_assignments(problem, plan):
        out[problem.visit_by_id[a.visit].client].update(a.staff)
    return out


def distinct_staff_per_client(problem: Problem, plan: Plan) -> dict[str, int]:
    """Client id -> how many different staff visit the client in the horizon (0: no visit)."""
    return {cid: len(staff) for cid, staff in staff_by_client(problem, plan).items()}


def continuity_mean(problem: Problem, plan: Plan) -> float:
    """Mean distinct staff per client, over the clients with at least one assigned visit.

    Clients with no assigned visit are left out: they meet nobody, and counting them as 0
    would make a plan that drops visits look better.
    """
    counts = [n for n in distinct_staff_per_client(problem, plan).values() if n > 0]
    return sum(counts) / len(counts) if counts else 0.0


def assigned_visits(problem: Problem, plan: Plan) -> int:
    """How many of the problem's visits are assigned (each counted once)."""
    return len({a.visit for a in known_assignments(problem, plan)})


def coverage(problem: Problem, plan: Plan) -> float:
    """Share of the problem's visits that are assigned (1.0 for an empty problem)."""
    return assigned_visits(problem, plan) / len(problem.visits) if problem.visits else 1.0


def visit_minutes_per_staff(problem: Problem, plan: Plan) -> dict[str, int]:
    """Staff id -> minutes of visits given to them (every staff member listed)."""
    out = {s.id: 0 for s in problem.staff}
    for a in known_assignments(problem, plan):
        for sid in dict.fromkeys(a.staff):
            if sid in out:
                out[sid] += problem.visit_by_id[a.visit].duration
    return out


def summary(problem: Problem, plan: Plan) -> dict:
    """The headline figures of a plan, as stored in a plan's ``metrics``."""
    return {
        "coverage": round(coverage(problem, plan), 4),
        "continuity_mean": round(continuity_mean(problem, plan), 3),
        "travel_minutes": travel_minutes(problem, plan),
        "visit_minutes": sum(visit_minutes_per_staff(problem, plan).values()),
        "unassigned_visits": len(problem.visits) - assigned_visits(problem, plan),
    }
