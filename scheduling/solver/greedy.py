"""A fast continuity-aware dispatcher for one chunk: the first incumbent and CP-SAT's hint.

Visits are taken in order of earliest start and appended to shift routes; each goes
to the feasible staff who is cheapest: a new face costs ``distinct_staff``, travel
costs its minutes. Appending keeps the check simple; the break is placed in the
first gap that holds it, and a route only grows while the break still fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from .chunks import ShiftRef, start_domain
from .model import ChunkInput
from .plan import Assignment
from .problem import Problem, Visit
from .travel import TravelTimes


@dataclass
class _Route:
    ref: ShiftRef
    free_at: int
    at: str | None
    break_done: bool
    stops: list[str] = field(default_factory=list)


def _earliest(tt: TravelTimes, r: _Route, v: Visit, loc: str) -> int | None:
    """Earliest start of v appended to route r (taking the break first if it must)."""
    lo = start_domain(v)[0]
    travel = tt.minutes(r.at, loc)
    start = max(lo, r.free_at + travel)
    if _earliest_at(tt, r, v, loc, start) is not None:
        return start
    brk = r.ref.shift.break_
    if brk is None or brk.minutes == 0 or r.break_done:
        return None
    later = max(lo, max(r.free_at, brk.earliest) + brk.minutes + travel)
    return _earliest_at(tt, r, v, loc, later)


def _break_between(tt: TravelTimes, r: _Route, start: int, loc: str) -> bool:
    brk = r.ref.shift.break_
    begin = max(r.free_at, brk.earliest)
    return (
        begin + brk.minutes <= brk.latest and begin + brk.minutes + tt.minutes(r.at, loc) <= start
    )


def _break_after(tt: TravelTimes, ref: ShiftRef, end: int, loc: str) -> bool:
    brk = ref.shift.break_
    begin = max(end, brk.earliest)
    return (
        begin + brk.minutes <= brk.latest
        and begin + brk.minutes + tt.minutes(loc, ref.staff.home) <= ref.shift.end
    )


def dispatch(
    problem: Problem, tt: TravelTimes, chunk: ChunkInput, slack: int | None = None
) -> list[Assignment]:
    """Append each visit, in order of earliest start, to the cheapest feasible routes.

    ``slack`` limits the choice to options starting at most that many minutes after the
    earliest possible start (0 is the travel-first rule): it keeps staff free for later
    visits, so covers more on crowded days, at some cost in faces.
    """
    routes = {
        r.key: _Route(r, r.shift.start, r.staff.home, False)
        for refs in chunk.candidates.values()
        for r in refs
    }
    met = {c: set(s) for c, s in chunk.used_elsewhere.items()}
    left = dict(chunk.minutes_left)
    out = []
    for v in sorted(chunk.visits, key=lambda v: (start_domain(v)[0], start_domain(v)[1], v.id)):
        best = _best(problem, tt, chunk, routes, met, left, v, slack)
        if best is None:
            continue
        start, chosen = best
        _commit(tt, problem, routes, met, left, v, start, chosen)
        out.append(Assignment(v.id, tuple(sorted(routes[k].ref.staff.id for k in chosen)), start))
    return out


def _best(problem, tt, chunk, routes, met, left, v, slack=None):
    """(start, shift keys) of the chosen option: cheapest among those starting within
    ``slack`` minutes of the earliest possible start (None: cheapest of all)."""
    loc = problem.location_of(v)
    options = []
    for ref in chunk.candidates[v.id]:
        if left.get(ref.staff.id, v.duration) < v.duration:
            continue
        t = _earliest(tt, routes[ref.key], v, loc)
        if t is not None:
            options.append((ref, t))
    found = [
        opt
        for combo in combinations(options, v.staff_required)
        if (opt := _option(problem, tt, chunk, routes, met, v, loc, combo)) is not None
    ]
    if not found:
        return None
    if slack is not None:
        soonest = min(start for start, _, _ in found)
        found = [f for f in found if f[0] <= soonest + slack]
    start, _, keys = min(found, key=lambda f: (f[1], f[0]))
    return start, keys


def _option(problem, tt, chunk, routes, met, v, loc, combo):
    """(start, cost, shift keys) of giving v to the staff of ``combo``, or None."""
    client, w = problem.client_by_id[v.client], problem.weights
    staff = {ref.staff.id for ref, _ in combo}
    if len(staff) < v.staff_required or not {p.staff for p in v.pinned} <= staff:
        return None
    start = max(t for _, t in combo)
    if any(_earliest_at(tt, routes[ref.key], v, loc, start) is None for ref, _ in combo):
        return None
    cap = client.max_distinct_staff
    if cap is not None and len(met.get(v.client, set()) | staff) > cap:
        return None
    faces = met.get(v.client, set()) | chunk.free_staff.get(v.client, frozenset())
    cost = (
        w["distinct_staff"] * len(staff - faces)
        + sum(
            w["travel_minute"] * tt.minutes(routes[r.key].at, loc) + (start - t) // 10
            for r, t in combo
        )
        + sum(w["history_missing"] for s in staff if not client.history.get(s))
    )
    return start, cost, [r.key for r, _ in combo]


def _earliest_at(tt, r: _Route, v: Visit, loc: str, start: int) -> int | None:
    """The route can take v at exactly ``start`` (a double visit's common start)."""
    lo, hi = start_domain(v)
    if start > hi or start < r.free_at + tt.minutes(r.at, loc):
        return None
    brk = r.ref.shift.break_
    end = start + v.duration
    if end + tt.minutes(loc, r.ref.staff.home) > r.ref.shift.end:
        return None
    if (
        brk is not None
        and brk.minutes > 0
        and not r.break_done
        and not _break_between(tt, r, start, loc)
        and not _break_after(tt, r.ref, end, loc)
    ):
        return None
    return start


def _commit(tt, problem, routes, met, left, v, start, chosen) -> None:
    loc = problem.location_of(v)
    for key in chosen:
        r = routes[key]
        brk = r.ref.shift.break_
        if brk is not None and brk.minutes > 0 and not r.break_done:
            r.break_done = _break_between(tt, r, start, loc)
        r.free_at, r.at = start + v.duration, loc
        r.stops.append(v.id)
        met.setdefault(v.client, set()).add(r.ref.staff.id)
        if r.ref.staff.id in left:
            left[r.ref.staff.id] -= v.duration
