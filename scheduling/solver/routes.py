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


Item = tuple[str, int, int, int, str]  # visit id, earliest start, latest start, minutes, location


def schedule(tt: TravelTimes, ref: ShiftRef, items: list[Item]) -> list[Stop] | None:
    """Earliest starts for visits taken in this order by this shift, or None.

    Each stop starts as early as its window and the stop before allow (rule 3: travel,
    home legs); the break goes in the first gap where the whole route still fits (rule 4:
    idle from the end of the stop before, then travel). Used by insertion: unlike a gap
    search with fixed starts, the stops around the new one may move inside their windows.
    """
    shift, home = ref.shift, ref.staff.home
    brk = shift.break_
    need_break = brk is not None and brk.minutes > 0 and bool(items)
    # Without the break first: (free from, at) before each gap; None once a window is missed.
    states = []
    free, at = shift.start, home
    stops: list[Stop] = []
    for vid, lo, hi, minutes, loc in items:
        states.append((free, at))
        start = max(lo, free + tt.minutes(at, loc))
        if start > hi:
            return None  # the break could only make it later
        stops.append((vid, start, start + minutes, loc))
        free, at = start + minutes, loc
    states.append((free, at))
    if free + tt.minutes(at, home) > shift.end:
        return None
    if not need_break:
        return stops
    for gap, (free, at) in enumerate(states):
        begin = max(free, brk.earliest)
        if begin + brk.minutes > brk.latest:
            return None  # later gaps free up even later
        out = _forward(tt, ref, items, gap, begin + brk.minutes, at, stops)
        if out is not None:
            return out
    return None


def _forward(tt, ref, items, gap, free, at, before) -> list[Stop] | None:
    """The stops from ``gap`` on, after a break that ends at ``free``; None if one misses."""
    out = before[:gap]
    for j in range(gap, len(items)):
        vid, lo, hi, minutes, loc = items[j]
        start = max(lo, free + tt.minutes(at, loc))
        if start > hi:
            return None
        if start == before[j][1]:  # no later than without the break: the rest is unchanged
            return out + before[j:]
        out.append((vid, start, start + minutes, loc))
        free, at = start + minutes, loc
    return out if free + tt.minutes(at, ref.staff.home) <= ref.shift.end else None
