"""A client-first construction: each client in turn gets the fewest staff whose routes
still have gaps for all its visits, and its visits go into those gaps.

The day-by-day dispatcher (``greedy.dispatch``) meets the visits in time order, so each
visit goes to whoever is free then and a client's faces pile up over the days. Here the
clients that are hardest to keep to few faces (most visits, double staffing) choose first,
while the routes are still open: a set cover (``lowerbound.cheapest_cover``) over the
staff that have a gap for each visit, ties to contact staff and the less loaded, then each
visit into the cheapest gap of a chosen staff member (``greedy._Repair``: exact travel,
home legs, break, double visits at a common start). A visit the chosen staff cannot take
after all goes to the cheapest other gap; one that fits nowhere stays out for the repair
of the search (``greedy.insert_missing``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from .chunks import start_domain
from .greedy import _Repair
from .lowerbound import cheapest_cover
from .model import ChunkInput
from .plan import Assignment
from .problem import Problem, Visit
from .travel import TravelTimes

# CP-SAT seconds per client's cover: 0.01-0.09 s to optimality with 20-40 staff; with 80
# staff 14 of 113 clients ran into a 0.5 s limit without a proof (7 of 11 s).
COVER_S = 0.15


def construct(
    problem: Problem,
    tt: TravelTimes,
    by_day: dict[int, list[Visit]],
    candidates: dict,
    stopped: Callable[[], bool] = lambda: False,
    deterministic: bool = False,
    area: int = 0,
) -> dict[str, Assignment]:
    """Visit id -> assignment for the visits that found a gap (the rest are left out; all
    of a client's once ``stopped()`` says time is up). ``deterministic``: each client's
    cover gets COVER_S of CP-SAT's deterministic time, not wall time (repeatable runs).
    ``area`` > 0: a cover's ties also go to staff whose clients so far live near this
    client (``area`` per minute of mean travel), so each staff member's clients cluster
    and routes keep room."""
    left = {s.id: s.max_minutes for s in problem.staff if s.max_minutes is not None}
    met: dict[str, set[str]] = defaultdict(set)
    states: dict[int, _Repair] = {}
    day_of: dict[str, int] = {}
    for day, visits in by_day.items():
        chunk = ChunkInput(visits, {v.id: candidates[v.id] for v in visits}, {}, {}, left)
        st = _Repair(problem, tt, chunk)
        st.left = left  # max_minutes is a horizon rule: one budget shared by every day
        st.met = met  # faces across the horizon
        states[day] = st
        day_of.update({v.id: day for v in visits})
    load: dict[str, int] = defaultdict(int)
    by_client: dict[str, list[Visit]] = defaultdict(list)
    for visits in by_day.values():
        for v in visits:
            by_client[v.client].append(v)
    order = sorted(by_client, key=lambda c: _order(by_client[c]) + (c,))
    homes: dict[str, list[str]] = defaultdict(list)  # staff id -> homes of its clients so far
    for cid in order:
        if stopped():
            break
        visits = sorted(by_client[cid], key=lambda v: (start_domain(v)[0], v.id))
        near = _nearness(problem, tt, cid, homes, area) if area else {}
        chosen = _cover(problem, states, day_of, visits, load, deterministic, near)
        for sid in chosen:
            homes[sid].append(problem.client_by_id[cid].location)
        for v in visits:
            st = states[day_of[v.id]]
            fits = st.fits(v)
            best = st.choose(v, {k: f for k, f in fits.items() if st.refs[k].staff.id in chosen})
            if best is None:
                best = st.choose(v, fits)
            if best is None:
                continue
            (_, t), keys = best
            st.apply(v, t, {k: fits[k][t][1] for k in keys})
            for k in keys:
                load[st.refs[k].staff.id] += v.duration
    out: dict[str, Assignment] = {}
    for st in states.values():
        out.update(st.out)
    return out


def _order(visits: list[Visit]) -> tuple:
    """Clients with the most skilled visits choose first, then those with the most visits
    (measured against heaviest, tightest-window and lightest first: most placed, fewest
    faces)."""
    return (-sum(1 for v in visits if v.skills), -len(visits))


def _nearness(problem, tt, cid: str, homes: dict[str, list[str]], area: int) -> dict[str, int]:
    """Staff id -> ``area`` x mean minutes from the client's home to the homes of the
    clients that staff member was chosen for so far (none yet: 0)."""
    home = problem.client_by_id[cid].location
    return {
        sid: area * sum(tt.minutes(home, loc) for loc in locs) // len(locs)
        for sid, locs in homes.items()
    }


def _cover(problem, states, day_of, visits, load, deterministic, near) -> set[str]:
    """The fewest staff with a gap for each of the client's visits (ties: contact staff,
    then the less loaded and the nearer, ``_nearness``)."""
    rows: dict[frozenset[str], int] = {}
    for v in visits:
        st = states[day_of[v.id]]
        able = frozenset(st.refs[k].staff.id for k in st.fits(v))
        if len(able) >= v.staff_required:
            rows[able] = max(rows.get(able, 0), v.staff_required)
    client = problem.client_by_id[visits[0].client]
    cost = {s.id: load[s.id] // 60 + near.get(s.id, 0) for s in problem.staff}
    for sid in client.contact_staff:
        cost[sid] = cost.get(sid, 0) - 5
    return cheapest_cover(rows, cost, COVER_S, deterministic) or set()
