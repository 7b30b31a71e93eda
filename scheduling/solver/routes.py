"""Routes read back from assignments: per shift, the visits in start order.

Used to seed CP-SAT hints (arcs, break placement), to total the travel of a plan,
and as the solver's own last check that every route it returns is feasible.
"""

from __future__ import annotations

from collections import defaultdict

from .chunks import ShiftRef, shift_of
from .plan import Assignment
from .problem import Problem
from .travel import TravelTimes

Stop = tuple[str, int, int, str]  # visit id, start, end, location id


def routes_of(problem: Problem, assignments: list[Assignment]) -> dict[ShiftRef, list[Stop]]:
    """Shift -> its stops in start order (stops outside every shift are left out)."""
    out: dict[ShiftRef, list[Stop]] = defaultdict(list)
    for a in assignments:
        visit = problem.visit_by_id[a.visit]
        loc = problem.location_of(visit)
        for sid in a.staff:
            ref = shift_of(problem, sid, a.start, visit.duration)
            if ref is not None:
                out[ref].append((a.visit, a.start, a.start + visit.duration, loc))
    for stops in out.values():
        stops.sort(key=lambda s: (s[1], s[0]))
    return dict(out)


def legs(ref: ShiftRef, stops: list[Stop]) -> list[tuple[int, int, str | None, str | None]]:
    """(free from, free until, from location, to location) for each gap, home legs included."""
    sh, home = ref.shift, ref.staff.home
    froms = [(sh.start, home)] + [(s[2], s[3]) for s in stops]
    tos = [(s[1], s[3]) for s in stops] + [(sh.end, home)]
    return [(a, b, la, lb) for (a, la), (b, lb) in zip(froms, tos, strict=True)]


def break_slot(tt: TravelTimes, ref: ShiftRef, stops: list[Stop]) -> tuple[int, int] | None:
    """(gap index, break start) of the first gap that holds the break, or None (rule 4)."""
    brk = ref.shift.break_
    if brk is None or not stops:
        return None
    for i, (free_from, free_until, la, lb) in enumerate(legs(ref, stops)):
        begin = max(free_from, brk.earliest)
        idle_end = begin + brk.minutes
        if idle_end <= brk.latest and idle_end + tt.minutes(la, lb) <= free_until:
            return i, begin
    return None


def route_ok(tt: TravelTimes, ref: ShiftRef, stops: list[Stop]) -> bool:
    """Travel between consecutive stops and home legs fit (rule 3), and the break fits (4)."""
    if any(
        free_from + tt.minutes(la, lb) > free_until
        for free_from, free_until, la, lb in legs(ref, stops)
    ):
        return False
    brk = ref.shift.break_
    return brk is None or brk.minutes == 0 or not stops or break_slot(tt, ref, stops) is not None


def route_travel(tt: TravelTimes, ref: ShiftRef, stops: list[Stop]) -> int:
    """Travel minutes of one shift's route, home legs included (0 for an empty route)."""
    if not stops:
        return 0
    return sum(tt.minutes(la, lb) for _, _, la, lb in legs(ref, stops))
