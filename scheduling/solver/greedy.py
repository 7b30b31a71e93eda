"""A fast continuity-aware dispatcher for one chunk: the first incumbent and CP-SAT's hint.

Visits are taken in order of earliest start and appended to shift routes; each goes
to the feasible staff who is cheapest: a new face costs ``distinct_staff``, travel
costs its minutes, and contact, preferred, history and previous staff count as the
objective counts them (``objective.place_cost``). Appending keeps the check simple;
the break is placed in the first gap that holds it, and a route only grows while the
break still fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import combinations, product

from .chunks import ShiftRef, start_domain
from .model import ChunkInput
from .objective import place_cost
from .plan import Assignment
from .problem import Problem, Visit
from .routes import Item, route_ok, route_travel, schedule
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
        + place_cost(problem, v, staff)
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


def insert_missing(
    problem: Problem,
    tt: TravelTimes,
    chunk: ChunkInput,
    done: list[Assignment],
    chain_tries: int = 0,
    depths: tuple[int, ...] | None = None,
) -> list[Assignment]:
    """Repair: insert the chunk's unplaced visits into the gaps of the routes ``done`` built.

    Other stops keep their starts; each unplaced visit (earliest first) goes to the cheapest
    gap (new face ``distinct_staff``, extra travel, ``objective.place_cost``) where every
    route stays valid (``routes.route_ok``: travel, home legs, break). A single-staff visit
    that fits nowhere may eject one single-staff stop from a candidate route if that stop
    then fits elsewhere;
    with ``chain_tries`` > 0, a chain of such moves (``_Repair.chain``, at most that many
    placements tried per visit), as deep as each of ``depths`` (default CHAIN_DEPTH) in turn
    until one places it. A double visit out gets such chains too, room made on two routes.
    """
    placed = {a.visit for a in done}
    missing = [v for v in chunk.visits if v.id not in placed]
    if not missing:
        return done
    st = _Repair(problem, tt, chunk)
    for a in done:
        if not st.load(a):
            return done  # not routes of this chunk's shifts: leave them alone
    for key in st.stops:
        st.stops[key].sort(key=lambda s: (s[1], s[0]))
        # A stop taken off (LNS) can break a route: the break's gap now ends with a longer
        # leg. Such a route gets fresh starts, or the repair gives up.
        if not route_ok(tt, st.refs[key], st.stops[key]) and not st.reschedule(key):
            return done
    for v in sorted(missing, key=lambda v: (start_domain(v)[0], start_domain(v)[1], v.id)):
        best = st.choose(v, st.fits(v))
        if best is not None:
            st.apply(v, best[0][1], {k: st.last[k][best[0][1]][1] for k in best[1]})
        elif not v.pinned:
            ejected = EJECT and v.staff_required == 1 and st.eject(v)
            if not ejected and chain_tries:  # a double visit: chains make room on two routes
                any(st.chain(v, chain_tries, d) for d in depths or (CHAIN_DEPTH,))
    return list(st.out.values())


EJECT = True  # insert_missing may move one stop aside to make room
CHAIN_DEPTH = 4  # visits in an ejection chain: the one placed, and up to three moved on
FILL_DEPTHS = (4, 5, 6)  # chain depths tried in turn for a visit that is out (fills)
CHAIN_WIDTH = 2  # stops the first route may give up at once
CHAIN_MARGIN = 90  # minutes around a visit's window whose stops may be moved for it
CHAIN_DOUBLES = True  # a chain may move a double visit (both staff, common start) on
CHAIN_TRIES = 3000  # placements a chain may try for a visit that is out (fills, construction)
FLEX = True  # insertion may move other single-staff stops inside their windows


class _Repair:
    def __init__(self, problem: Problem, tt: TravelTimes, chunk: ChunkInput):
        self.problem, self.tt, self.chunk = problem, tt, chunk
        self.refs = {r.key: r for rs in chunk.candidates.values() for r in rs}
        self.stops: dict[str, list[tuple[str, int, int, str]]] = {k: [] for k in self.refs}
        self.by_visit = {v.id: v for v in chunk.visits}
        self.met = {c: set(s) for c, s in chunk.used_elsewhere.items()}
        self.count: dict[tuple[str, str], int] = {}
        self.left = dict(chunk.minutes_left)
        self.out: dict[str, Assignment] = {}
        self.keys: dict[str, list[str]] = {}  # visit id -> shift keys holding it
        self.last: dict = {}

    def load(self, a: Assignment) -> bool:
        v = self.by_visit[a.visit]
        keys = []
        for sid in a.staff:
            ref = next(
                (
                    r
                    for r in self.chunk.candidates[v.id]
                    if r.staff.id == sid and _within(r, a.start, v)
                ),
                None,
            )
            if ref is None:
                return False
            keys.append(ref.key)
        self.apply(v, a.start, None, keys)
        return True

    def _add_staff(self, v: Visit, sid: str, sign: int) -> None:
        k = (v.client, sid)
        self.count[k] = self.count.get(k, 0) + sign
        if sign > 0:
            self.met.setdefault(v.client, set()).add(sid)
        elif self.count[k] == 0 and sid not in self.chunk.used_elsewhere.get(v.client, ()):
            self.met[v.client].discard(sid)
        if sid in self.left:
            self.left[sid] -= sign * v.duration

    def apply(self, v: Visit, t: int, routes: dict | None, keys: list[str] | None = None) -> None:
        loc = self.problem.location_of(v)
        if routes is None:
            for k in keys:
                self.stops[k] = sorted(
                    self.stops[k] + [(v.id, t, t + v.duration, loc)], key=lambda s: (s[1], s[0])
                )
        else:
            keys = list(routes)
            self.stops.update(routes)
            for stops in routes.values():  # flexible insertion may move other stops
                self._sync_starts(stops)
        for k in keys:
            self._add_staff(v, self.refs[k].staff.id, +1)
        self.keys[v.id] = keys
        self.out[v.id] = Assignment(v.id, tuple(sorted(self.refs[k].staff.id for k in keys)), t)

    def remove(self, v: Visit) -> None:
        for k in self.keys.pop(v.id):
            self.stops[k] = [s for s in self.stops[k] if s[0] != v.id]
            self._add_staff(v, self.refs[k].staff.id, -1)
        del self.out[v.id]

    def fits(self, v: Visit, only: set[str] | None = None, skip: str | None = None) -> dict:
        """Per candidate shift key: {start: (extra travel, new stop list)}.

        A single-staff visit may move the route's other single-staff stops inside their
        windows (``routes.schedule``); a double visit needs a common start in two routes,
        so it goes into gaps with the other stops fixed."""
        if FLEX and v.staff_required == 1:
            self.last = self._fits_flex(v, only, skip)
            return self.last
        tt, loc = self.tt, self.problem.location_of(v)
        lo, hi = start_domain(v)
        out = {}
        for ref in self._open(v, only, skip):
            route = self.stops[ref.key]
            opts = {}
            for i in range(len(route) + 1):
                prev_end, prev_loc = (
                    (route[i - 1][2], route[i - 1][3]) if i else (ref.shift.start, ref.staff.home)
                )
                t = max(lo, prev_end + tt.minutes(prev_loc, loc))
                if i < len(route):
                    t_max = min(hi, route[i][1] - v.duration - tt.minutes(loc, route[i][3]))
                else:
                    t_max = min(hi, ref.shift.end - v.duration - tt.minutes(loc, ref.staff.home))
                for cand in {t, t_max} if t <= t_max else ():
                    new = route[:i] + [(v.id, cand, cand + v.duration, loc)] + route[i:]
                    if route_ok(tt, ref, new):
                        cost = route_travel(tt, ref, new) - route_travel(tt, ref, route)
                        if cand not in opts or cost < opts[cand][0]:
                            opts[cand] = (cost, new)
            if opts:
                out[ref.key] = opts
        self.last = out
        return out

    def _item(self, stop) -> Item:
        u = self.by_visit.get(stop[0]) or self.problem.visit_by_id[stop[0]]
        if u.staff_required > 1:  # its other route holds the same start
            return (stop[0], stop[1], stop[1], u.duration, stop[3])
        lo, hi = start_domain(u)
        return (stop[0], lo, hi, u.duration, stop[3])

    def reschedule(self, key: str) -> bool:
        """New starts for a route's stops in their order (single-staff stops move inside
        their windows, double visits stay); False when no starts fit."""
        new = schedule(self.tt, self.refs[key], [self._item(s) for s in self.stops[key]])
        if new is None:
            return False
        self.stops[key] = new
        self._sync_starts(new)
        return True

    def _sync_starts(self, stops) -> None:
        """Placed visits take the starts a re-timed route gives them."""
        for vid, start, _, _ in stops:
            a = self.out.get(vid)
            if a is not None and a.start != start:
                self.out[vid] = replace(a, start=start)

    def _open(self, v: Visit, only: set[str] | None, skip: str | None) -> list[ShiftRef]:
        """The candidate shifts of v that ``only``/``skip`` allow and whose staff have the
        minutes left."""
        return [
            ref
            for ref in self.chunk.candidates[v.id]
            if ref.key != skip
            and (only is None or ref.key in only)
            and self.left.get(ref.staff.id, v.duration) >= v.duration
        ]

    def _fits_flex(self, v: Visit, only: set[str] | None, skip: str | None) -> dict:
        tt, loc = self.tt, self.problem.location_of(v)
        lo, hi = start_domain(v)
        new_item = (v.id, lo, hi, v.duration, loc)
        out = {}
        for ref in self._open(v, only, skip):
            route = self.stops[ref.key]
            items = [self._item(s) for s in route]
            locs = [ref.staff.home] + [it[4] for it in items] + [ref.staff.home]
            opts = {}
            earliest = ref.shift.start  # a lower bound on when the stop before ends
            at = ref.staff.home
            for i in range(len(items) + 1):
                if earliest + tt.minutes(at, loc) > hi:
                    break  # later positions only start later
                if i < len(items):
                    nid, nlo, nhi, nmin, nloc = items[i]
                    fits_before = lo + v.duration + tt.minutes(loc, nloc) <= nhi
                else:
                    fits_before = True
                if fits_before:
                    new = schedule(tt, ref, items[:i] + [new_item] + items[i:])
                    if new is not None:
                        t = new[i][1]
                        # Order is kept, starts only move: travel changes at the new stop.
                        cost = (
                            tt.minutes(locs[i], loc)
                            + tt.minutes(loc, locs[i + 1])
                            - (tt.minutes(locs[i], locs[i + 1]) if items else 0)
                        )
                        if t not in opts or cost < opts[t][0]:
                            opts[t] = (cost, new)
                if i < len(items):
                    earliest = max(items[i][1], earliest + tt.minutes(at, items[i][4]))
                    earliest += items[i][3]
                    at = items[i][4]
            if opts:
                out[ref.key] = opts
        return out

    def choose(self, v: Visit, fits: dict):
        """((cost, start), shift keys) of the cheapest placement, or None."""
        client, w = self.problem.client_by_id[v.client], self.problem.weights
        pinned = {p.staff for p in v.pinned}
        met = self.met.get(v.client, set())
        known = met | self.chunk.free_staff.get(v.client, frozenset())
        best = None
        for combo in combinations(fits, v.staff_required):
            staff = {self.refs[k].staff.id for k in combo}
            if len(staff) < v.staff_required or not pinned <= staff:
                continue
            cap = client.max_distinct_staff
            if cap is not None and len(met | staff) > cap:
                continue
            fixed = w["distinct_staff"] * len(staff - known) + place_cost(self.problem, v, staff)
            for t in set.intersection(*(set(fits[k]) for k in combo)):
                cost = fixed + w["travel_minute"] * sum(fits[k][t][0] for k in combo)
                if best is None or (cost, t) < best[0]:
                    best = ((cost, t), combo)
        return best

    def chain(self, v: Visit, tries: int, depth: int = CHAIN_DEPTH) -> bool:
        """Place v through a chain of ejections: on one of its shifts, one or two stops near
        its window make room and go to other shifts, where each may push one stop on, and
        so on (``depth`` visits in all). Unpinned stops only; a double visit moved on
        needs a common gap of two other routes at once (no further pushes), so a skill
        holder held by a double visit can hand their half to anyone free then. The first
        chain that places everything is kept (a visit left out costs more than any faces).
        ``tries``: placements tried before it gives up."""
        self._tries = tries
        keys = {r.key for r in self._open(v, None, None)}
        if v.staff_required > 1:
            return self._chain_double(v, keys, depth)
        return self._chain(v, keys, depth, frozenset({v.id}), CHAIN_WIDTH)

    def _chain_double(self, v: Visit, keys: set[str], depth: int) -> bool:
        """A double visit: two of its shifts (two staff) each give up at most one stop near
        its window, v goes in at a common start, and each stop moved goes on through a
        chain (``depth`` - 1 visits each)."""
        self._tries -= 1
        if self._place(v, only=keys) is not None:
            return True
        if depth <= 1:
            return False
        saved, busy = self._snapshot(), frozenset({v.id})
        for k1, k2 in combinations(sorted(keys), 2):
            if self.refs[k1].staff.id == self.refs[k2].staff.id:
                continue
            near = [[None, *self._movable_near(k, v, busy)] for k in (k1, k2)]
            for u1, u2 in product(*near):
                group = {u.id: (u, key) for u, key in ((u1, k1), (u2, k2)) if u is not None}
                if not group:
                    continue  # both routes as they are: tried above
                if self._tries <= 0:
                    return False
                self._tries -= 1
                for u, _ in group.values():
                    self.remove(u)
                moved = busy | set(group)
                if self._place(v, only={k1, k2}) is not None and all(
                    self._chain(u, self._other_keys(u, key), depth - 1, moved, 1)
                    for u, key in group.values()
                ):
                    return True
                self._restore(saved)
        return False

    def _chain(self, v: Visit, keys: set[str], depth: int, busy: frozenset, width: int) -> bool:
        self._tries -= 1
        if self._place(v, only=keys) is not None:
            return True
        if depth <= 1 or v.staff_required > 1:
            return False  # a double visit moved on goes straight into a common gap
        saved = self._snapshot()  # a failed attempt below always comes back to this state
        for key in sorted(keys):
            near = self._movable_near(key, v, busy)
            for group in (g for k in range(1, width + 1) for g in combinations(near, k)):
                if self._tries <= 0:
                    return False
                self._tries -= 1
                for u in group:
                    self.remove(u)
                moved = busy | {u.id for u in group}
                if self._place(v, only={key}) is not None and all(
                    self._chain(u, self._other_keys(u, key), depth - 1, moved, 1) for u in group
                ):
                    return True
                self._restore(saved)
        return False

    def _movable_near(self, key: str, v: Visit, busy: frozenset) -> list[Visit]:
        """Unpinned stops of a route within CHAIN_MARGIN of v's window (double visits too
        with CHAIN_DOUBLES)."""
        lo, hi = start_domain(v)
        out = []
        for vid, start, end, _ in self.stops[key]:
            u = self.by_visit.get(vid)
            single = u is not None and u.staff_required == 1
            if u is None or vid in busy or u.pinned or not (single or CHAIN_DOUBLES):
                continue
            if end >= lo - CHAIN_MARGIN and start <= hi + v.duration + CHAIN_MARGIN:
                out.append(u)
        return out

    def _other_keys(self, u: Visit, key: str) -> set[str]:
        return {r.key for r in self._open(u, None, key)}

    def _place(self, v: Visit, only: set[str] | None = None) -> int | None:
        fits = self.fits(v, only=only)
        pick = self.choose(v, fits)
        if pick is None:
            return None
        (cost, t), keys = pick
        self.apply(v, t, {k: fits[k][t][1] for k in keys})
        return cost

    def _snapshot(self):
        return (
            dict(self.stops),
            dict(self.out),
            dict(self.keys),
            {c: set(s) for c, s in self.met.items()},
            dict(self.count),
            dict(self.left),
        )

    def _restore(self, snap) -> None:
        stops, out, keys, met, count, left = snap
        self.stops, self.out, self.keys, self.count = (
            dict(stops),
            dict(out),
            dict(keys),
            dict(count),
        )
        self.met.clear()  # in place: construct.py shares met and left between days
        self.met.update({c: set(s) for c, s in met.items()})
        self.left.clear()
        self.left.update(left)

    def eject(self, v: Visit) -> bool:
        """Place v on a candidate shift by moving one single-staff stop u to another shift."""
        lo, hi = start_domain(v)
        best = None
        for ref in self._open(v, None, None):
            for stop in list(self.stops[ref.key]):
                u = self.by_visit.get(stop[0])
                if u is None or u.staff_required != 1 or u.pinned:
                    continue
                if stop[2] < lo - 90 or stop[1] > hi + v.duration + 90:
                    continue
                old, old_keys = self.out[u.id], self.keys[u.id]
                self.remove(u)
                got = None
                fv = self.fits(v, only={ref.key})
                pv = self.choose(v, fv)
                if pv is not None:
                    tv = pv[0][1]
                    saved = self.stops[ref.key]
                    self.stops[ref.key] = fv[ref.key][tv][1]
                    self._add_staff(v, ref.staff.id, +1)
                    fu = self.fits(u, skip=ref.key)
                    pu = self.choose(u, fu)
                    if pu is not None:
                        tu = pu[0][1]
                        got = (
                            pv[0][0] + pu[0][0],
                            ref.key,
                            tv,
                            fv[ref.key][tv][1],
                            pu[1][0],
                            tu,
                            fu[pu[1][0]][tu][1],
                            u,
                        )
                    self._add_staff(v, ref.staff.id, -1)
                    self.stops[ref.key] = saved
                self.apply(u, old.start, None, old_keys)
                if got is not None and (best is None or got[0] < best[0]):
                    best = got
        if best is None:
            return False
        _, kv, tv, rv, ku, tu, ru, u = best
        self.remove(u)
        self.apply(v, tv, {kv: rv})
        self.apply(u, tu, {ku: ru})
        return True


def _within(ref: ShiftRef, start: int, v: Visit) -> bool:
    return ref.shift.start <= start and start + v.duration <= ref.shift.end
