"""The travel-first dispatcher: the baseline the benchmarks compare the solver with.

Visits are taken in order of earliest start. Each goes to whoever can start it earliest
from where they are (ties: least travel), on a shift that can hold it, skilled, not
refused and within ``max_minutes``. Breaks are kept: a visit is placed only if the
shift's break is already behind, taken in the gap before it, or still fits after it.
``continuity_first`` is the same dispatcher preferring staff the client already knows.
Routes only grow at their end, so a plan is valid by construction; visits nobody can
reach in time stay unassigned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations

from .plan import Assignment, Plan, Unassigned
from .problem import Problem, Shift, Staff, Visit
from .travel import TravelTimes


@dataclass
class _Route:
    """Where one staff member's shift stands while the dispatcher fills it."""

    staff: Staff
    shift: Shift
    place: str | None  # current location (home at the start)
    free: int  # minute the staff member is free again
    break_done: bool


@dataclass(frozen=True)
class _Option:
    route: _Route
    start: int
    travel: int
    break_taken: bool


class Dispatcher:
    """Chronological earliest-start dispatcher over one problem."""

    def __init__(self, problem: Problem, continuity_first: bool = False):
        self.p = problem
        self.continuity_first = continuity_first
        self.tt = TravelTimes(problem)
        self.routes: dict[tuple[str, int], _Route] = {}
        self.minutes = {s.id: 0 for s in problem.staff}
        self.met: dict[str, set[str]] = {}

    def _route(self, staff: Staff, shift: Shift) -> _Route:
        key = (staff.id, shift.start)
        if key not in self.routes:
            self.routes[key] = _Route(staff, shift, staff.home, shift.start, shift.break_ is None)
        return self.routes[key]

    def _fits(self, r: _Route, v: Visit, start: int, to_home: int) -> bool:
        return start <= v.latest_start and start + v.duration + to_home <= r.shift.end

    def _gap_is_break(self, r: _Route, start: int, travel: int) -> bool:
        b = r.shift.break_
        overlap = min(start, b.latest) - max(r.free, b.earliest)
        return start - r.free - travel >= b.minutes and overlap >= b.minutes

    def _break_after(self, r: _Route, end: int, to_home: int) -> bool:
        b = r.shift.break_
        begin = max(end, b.earliest)
        return begin + b.minutes <= b.latest and begin + b.minutes + to_home <= r.shift.end

    def option(self, r: _Route, v: Visit, not_before: int = 0) -> _Option | None:
        """The earliest start at or after ``not_before`` this route can give ``v``."""
        place = self.p.location_of(v)
        travel = self.tt.minutes(r.place, place)
        to_home = self.tt.minutes(place, r.staff.home)
        start = max(v.earliest_start, not_before, r.free + travel)
        if r.break_done:
            return _Option(r, start, travel, False) if self._fits(r, v, start, to_home) else None
        if self._fits(r, v, start, to_home):
            if self._gap_is_break(r, start, travel):
                return _Option(r, start, travel, True)
            if self._break_after(r, start + v.duration, to_home):
                return _Option(r, start, travel, False)
        b = r.shift.break_
        if max(r.free, b.earliest) + b.minutes > b.latest:
            return None
        late = max(start, r.free + travel + b.minutes, max(r.free, b.earliest) + b.minutes)
        return _Option(r, late, travel, True) if self._fits(r, v, late, to_home) else None

    def candidates(self, v: Visit) -> list[_Option]:
        """One best option per eligible staff member with minutes left."""
        out = []
        for staff in self.p.eligible_staff(v):
            if staff.max_minutes is not None and self.minutes[staff.id] + v.duration > (
                staff.max_minutes
            ):
                continue
            options = [
                self.option(self._route(staff, sh), v) for sh in self.p.fitting_shifts(staff, v)
            ]
            options = [o for o in options if o is not None]
            if options:
                out.append(min(options, key=lambda o: (o.start, o.travel)))
        return sorted(out, key=lambda o: (o.start, o.travel, o.route.staff.id))

    def _at(self, group: tuple[_Option, ...], v: Visit, at: int | None) -> list[_Option] | None:
        """The group re-timed to start together at ``at`` (default: its latest start)."""
        at = max(o.start for o in group) if at is None else at
        timed = [self.option(o.route, v, at) for o in group]
        return timed if all(o is not None and o.start == at for o in timed) else None

    def _allowed_faces(self, v: Visit, group: tuple[_Option, ...]) -> bool:
        client = self.p.client_by_id[v.client]
        if client.max_distinct_staff is None:
            return True
        met = self.met.setdefault(client.id, set())
        return len(met | {o.route.staff.id for o in group}) <= client.max_distinct_staff

    def _new_faces(self, v: Visit, group: list[_Option]) -> int:
        """Staff of ``group`` the client has not met yet (0 unless continuity comes first)."""
        if not self.continuity_first:
            return 0
        client = self.p.client_by_id[v.client]
        known = self.met.get(client.id, set()) | set(client.contact_staff)
        return sum(o.route.staff.id not in known for o in group)

    def choose(self, v: Visit) -> list[_Option] | None:
        """The staff for ``v`` (pinned staff kept): the earliest starters, starting together."""
        options = self.candidates(v)
        pinned = {pin.staff for pin in v.pinned}
        pin_start = next((pin.start for pin in v.pinned if pin.start is not None), None)
        best = None
        for group in combinations(options, v.staff_required):
            if not pinned <= {o.route.staff.id for o in group} or not self._allowed_faces(v, group):
                continue
            timed = self._at(group, v, pin_start)
            if timed is not None:
                key = (self._new_faces(v, timed), timed[0].start, sum(o.travel for o in timed))
                if best is None or key < best[0]:
                    best = (key, timed)
        return None if best is None else best[1]

    def place(self, v: Visit, chosen: list[_Option]) -> Assignment:
        """Commit the chosen options and return the assignment."""
        for o in chosen:
            r = o.route
            r.place, r.free = self.p.location_of(v), o.start + v.duration
            r.break_done = r.break_done or o.break_taken
            self.minutes[r.staff.id] += v.duration
            self.met.setdefault(v.client, set()).add(r.staff.id)
        return Assignment(v.id, tuple(o.route.staff.id for o in chosen), chosen[0].start)


def dispatch(problem: Problem, continuity_first: bool = False) -> Plan:
    """Visits in order of earliest start, each to the best group the dispatcher finds."""
    began = time.perf_counter()
    d = Dispatcher(problem, continuity_first)
    name = "continuity-first" if continuity_first else "travel-first"
    assignments, unassigned = [], []
    for v in sorted(problem.visits, key=lambda v: (v.earliest_start, v.latest_start, v.id)):
        chosen = d.choose(v)
        if chosen is None:
            reason = f"no staff could reach visit {v.id} in time ({name} baseline)"
            unassigned.append(Unassigned(v.id, reason, "not_placed", {"visit": v.id}))
        else:
            assignments.append(d.place(v, chosen))
    elapsed = time.perf_counter() - began
    return Plan(problem.name, "FEASIBLE", assignments, unassigned, solve_seconds=elapsed)


def travel_first(problem: Problem) -> Plan:
    """The travel-first baseline: whoever can start earliest (ties: least travel)."""
    return dispatch(problem)


def continuity_first(problem: Problem) -> Plan:
    """The continuity-first greedy: staff the client already met (or its contact staff)
    first, then the earliest start, then the least travel."""
    return dispatch(problem, continuity_first=True)
