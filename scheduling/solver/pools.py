"""Phase 1: choose each client's few staff (the pool) with an aggregate CP-SAT model.

No routes here: every visit is given to staff shifts, and each shift's load is held
under its time by *energetic* checks - for windows [a, b] on an hourly grid, the
visits that must happen wholly inside [a, b] (plus a travel allowance each) fit in
b - a. z[c, s] = staff s serves client c; the objective is the format's, with travel
replaced by the allowance. Routing (phase 2) then mostly uses pool staff.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .chunks import ShiftRef, start_domain
from .problem import Problem, Visit
from .routing import Budget, configure
from .travel import TravelTimes

GRID = 60  # minutes between energetic-check boundaries
SPANS = (60, 120, 180, 240)  # lengths of the checked windows, besides the whole shift


@dataclass
class PoolResult:
    pools: dict[str, set[str]]  # client id -> staff ids
    given: dict[str, list[ShiftRef]]  # visit id -> shifts the aggregate gave it
    status: str
    seconds: float


def travel_allowance(problem: Problem, tt: TravelTimes) -> int:
    """Minutes a visit typically costs in travel: median distance to the nearest other client."""
    locs = sorted({c.location for c in problem.clients})
    if len(locs) < 2:
        return 0
    nearest = [min(tt.minutes(a, b) for b in locs if b != a) for a in locs]
    return int(round(statistics.median(nearest) * 1.5))


def choose_pools(
    problem: Problem,
    tt: TravelTimes,
    visits: list[Visit],
    candidates: dict[str, list[ShiftRef]],
    budget: Budget,
    allowance: int | None = None,
    spans: bool = False,
) -> PoolResult:
    """Solve the aggregate model; on no solution, pools are every candidate staff.

    ``allowance``: travel minutes charged per visit (default ``travel_allowance``; 0 makes
    the model a relaxation of routing: every plan's assignment satisfies it). ``spans``:
    the tighter energetic checks (``_add_energy``)."""
    cp = cp_model.CpModel()
    x, perf, z = _variables(cp, visits, candidates)
    _add_rules(cp, problem, visits, candidates, x, perf, z)
    _add_energy(
        cp,
        visits,
        candidates,
        x,
        travel_allowance(problem, tt) if allowance is None else allowance,
        spans,
    )
    cp.minimize(_objective(cp, problem, visits, candidates, x, perf, z))
    solver = cp_model.CpSolver()
    configure(solver, budget)
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        pools = defaultdict(set)
        for v in visits:
            pools[v.client] |= {ref.staff.id for ref in candidates[v.id]}
        return PoolResult(dict(pools), {}, solver.status_name(status), solver.wall_time)
    pools = defaultdict(set)
    for (cid, sid), var in z.items():
        if solver.value(var):
            pools[cid].add(sid)
    given = defaultdict(list)
    for (vid, key), var in x.items():
        if solver.value(var):
            given[vid].append(next(r for r in candidates[vid] if r.key == key))
    return PoolResult(dict(pools), dict(given), solver.status_name(status), solver.wall_time)


def _variables(cp, visits, candidates):
    x, perf, z = {}, {}, {}
    for v in visits:
        perf[v.id] = cp.new_bool_var(f"performed[{v.id}]")
        for ref in candidates[v.id]:
            x[v.id, ref.key] = cp.new_bool_var(f"give[{v.id},{ref.key}]")
            if (v.client, ref.staff.id) not in z:
                z[v.client, ref.staff.id] = cp.new_bool_var(f"pool[{v.client},{ref.staff.id}]")
            cp.add_implication(x[v.id, ref.key], z[v.client, ref.staff.id])
    return x, perf, z


def _add_rules(cp, problem, visits, candidates, x, perf, z) -> None:
    """Staff count and pins (rules 1, 6), max_minutes (5), max_distinct_staff (7)."""
    minutes = defaultdict(list)
    for v in visits:
        by_staff = defaultdict(list)
        for ref in candidates[v.id]:
            by_staff[ref.staff.id].append(x[v.id, ref.key])
            minutes[ref.staff.id].append(v.duration * x[v.id, ref.key])
        for xs in by_staff.values():
            cp.add(sum(xs) <= 1)
        cp.add(sum(sum(xs) for xs in by_staff.values()) == v.staff_required * perf[v.id])
        # Implied by the above: it states the per-client cover of lowerbound.py to the LP
        # relaxation, which otherwise only sees x <= z (and takes z fractional).
        cp.add(sum(z[v.client, sid] for sid in by_staff) >= v.staff_required * perf[v.id])
        for pin in v.pinned:
            cp.add(sum(by_staff.get(pin.staff, [])) == perf[v.id])
    for sid, terms in minutes.items():
        cap = problem.staff_by_id[sid].max_minutes
        if cap is not None:
            cp.add(sum(terms) <= cap)
    per_client = defaultdict(list)
    for (cid, _), var in z.items():
        per_client[cid].append(var)
    for client in problem.clients:
        mine = per_client[client.id]
        if client.max_distinct_staff is not None and mine:
            cp.add(sum(mine) <= client.max_distinct_staff)


def _add_energy(cp, visits, candidates, x, allowance: int, spans: bool = False) -> None:
    """Each shift's visits fit its time, window by window, with a travel allowance each.

    Windows: an hourly grid, or with ``spans`` every window from one visit's earliest
    moment to another's latest end inside the shift (many more checks, a tighter model)."""
    by_shift: dict[str, list[Visit]] = defaultdict(list)
    refs: dict[str, ShiftRef] = {}
    for v in visits:
        for ref in candidates[v.id]:
            by_shift[ref.key].append(v)
            refs[ref.key] = ref
    for key, vs in by_shift.items():
        sh = refs[key].shift
        # The time a visit on this shift must lie in: its window, cut to the shift.
        span = {
            v.id: (max(start_domain(v)[0], sh.start), min(start_domain(v)[1] + v.duration, sh.end))
            for v in vs
        }
        if spans:
            windows = sorted(
                {(a, b) for a, _ in span.values() for _, b in span.values() if a < b}
                | {(sh.start, sh.end)}
            )
        else:
            windows = _windows(sh.start, sh.end)
        for a, b in windows:
            inside = [v for v in vs if a <= span[v.id][0] and span[v.id][1] <= b]
            room = b - a + allowance
            brk = sh.break_
            if brk is not None and a <= brk.earliest and brk.latest <= b:
                room -= brk.minutes
            if not inside or sum(v.duration + allowance for v in inside) <= room:
                continue  # cannot bind
            cp.add(sum((v.duration + allowance) * x[v.id, key] for v in inside) <= room)


def _windows(start: int, end: int) -> list[tuple[int, int]]:
    out = [(start, end)]
    for a in range(start, end, GRID):
        out += [(a, min(a + span, end)) for span in SPANS if a + span < end + GRID]
    return sorted(set(out))


def _objective(cp, problem: Problem, visits, candidates, x, perf, z):
    """The format's weights; travel is left to routing (allowance already in the energy)."""
    w = problem.weights
    terms = [w["distinct_staff"] * var for var in z.values()]
    for v in visits:
        client = problem.client_by_id[v.client]
        terms.append(w["unassigned"] * v.staff_required * (1 - perf[v.id]))
        mine = {ref.key: x[v.id, ref.key] for ref in candidates[v.id]}
        staff = {ref.key: ref.staff.id for ref in candidates[v.id]}
        terms += [
            w["history_missing"] * var
            for key, var in mine.items()
            if not client.history.get(staff[key])
        ]
        for wkey, wanted in (
            ("contact_missing", client.contact_staff),
            ("preferred_missing", client.preferred_staff),
        ):
            if wanted and w[wkey]:
                miss = cp.new_bool_var(f"{wkey}[{v.id}]")
                cp.add(miss >= 1 - sum(var for key, var in mine.items() if staff[key] in wanted))
                terms.append(w[wkey] * miss)
        if v.previous is not None and w["changed_from_previous"]:
            kept = [var for key, var in mine.items() if staff[key] in v.previous.staff]
            terms.append(w["changed_from_previous"] * (len(v.previous.staff) - sum(kept)))
    return sum(terms)


def cover_pools(
    problem: Problem, visits: list[Visit], candidates: dict[str, list[ShiftRef]]
) -> dict[str, set[str]]:
    """Per client, a greedy set cover of its visits by staff who could take them.

    Fast stand-in for the aggregate model: biggest cover first, then staff with history
    or contact at the client, then the least claimed so far (spreads the load).
    """
    by_client: dict[str, list[Visit]] = defaultdict(list)
    for v in visits:
        by_client[v.client].append(v)
    claimed: dict[str, int] = defaultdict(int)
    pools: dict[str, set[str]] = {}
    order = sorted(by_client, key=lambda c: -len(by_client[c]))
    for cid in order:
        client = problem.client_by_id[cid]
        can = {v.id: {r.staff.id for r in candidates[v.id]} for v in by_client[cid]}
        open_, pool = set(can), set()
        while open_:
            counts = defaultdict(int)
            for vid in open_:
                for sid in can[vid]:
                    counts[sid] += 1
            if not counts:
                break
            best = max(
                counts,
                key=lambda s: (
                    counts[s],
                    s in client.contact_staff,
                    client.history.get(s, 0),
                    -claimed[s],
                    s,
                ),
            )
            pool.add(best)
            claimed[best] += counts[best]
            open_ = {vid for vid in open_ if best not in can[vid]}
        pools[cid] = pool
    return pools
