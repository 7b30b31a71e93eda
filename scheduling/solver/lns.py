"""Phase 4: large-neighbourhood search over the incumbent until the time limit.

Three moves, in turn:
- *day*: re-route one day with every other day fixed; the chunk objective is the exact
  marginal cost, and the incumbent is the hint, so the result is never worse.
- *greedy day*: re-dispatch one day with the faces of all other days known (the
  first pass only knew the days before it).
- *face*: take a client's least-used staff member away from that client on every
  day and re-route those days; kept only if the whole plan improves (one fewer face
  usually pays for some extra travel).
"""

from __future__ import annotations

import random
from collections import Counter

from .search import Search

ROUND_SHARE = 0.04  # of the time limit per day re-route (at least MIN_ROUND seconds)
MIN_ROUND = 0.3


def improve(search: Search) -> None:
    """Run day and face moves until time runs out or the caller stops."""
    search.phase = "improve"
    rng = random.Random(search.seed)
    days = sorted(search.by_day)
    if not days:
        return
    start_used, round_no = search.used(), 0
    while not search.stopped():
        if round_no % 3 == 0 or search.small:
            day_move(search, rng.choice(days))
        elif round_no % 3 == 1:
            greedy_day_move(search, rng.choice(days))
        else:
            face_move(search, rng)
        round_no += 1
        total = max(search.limit - start_used, 1e-9)
        search.report(0.6 + 0.4 * (search.used() - start_used) / total)
        if search.proven:
            break


def _round_seconds(search: Search) -> float:
    return max(MIN_ROUND, search.limit * ROUND_SHARE)


def day_move(search: Search, day: int) -> bool:
    """Re-route one day; keep the result when the plan is no worse."""
    missing = {v.id for v in search.by_day[day] if v.id not in search.incumbent}
    chunk = search.chunk_input(day, missing)
    before = dict(search.incumbent)
    result = search.route_day(day, chunk, _round_seconds(search), "improve")
    if result is None:
        return False
    search.install(day, result)
    if len(search.by_day) == 1 and search.small:
        search.proven = result.status == "OPTIMAL"
    return search.accept(before)


def greedy_day_move(search: Search, day: int) -> bool:
    """Re-dispatch one day greedily, now knowing the faces of every other day."""
    before = dict(search.incumbent)
    search.seed_day(day)
    return search.accept(before)


def face_move(search: Search, rng: random.Random) -> bool:
    """Remove one staff member from one client across the horizon, re-routing their days."""
    pick = _pick_face(search, rng)
    if pick is None:
        return False
    client_id, staff_id = pick
    before = dict(search.incumbent)
    days = sorted(
        {
            search.days[vid]
            for vid, a in search.incumbent.items()
            if staff_id in a.staff and search.problem.visit_by_id[vid].client == client_id
        }
    )
    for day in days:
        # Greedy re-dispatch (not CP-SAT): cheap enough for many moves per second.
        search.seed_day(day, exclude={(client_id, staff_id)})
    return search.accept(before)


def _pick_face(search: Search, rng: random.Random) -> tuple[str, str] | None:
    """A (client, staff) pair with few shared visits, from a client meeting several staff."""
    visits_with: dict[str, Counter] = {}
    for vid, a in search.incumbent.items():
        cid = search.problem.visit_by_id[vid].client
        visits_with.setdefault(cid, Counter()).update(a.staff)
    crowded = [c for c, n in visits_with.items() if len(n) > 1]
    if not crowded:
        return None
    weights = [len(visits_with[c]) ** 2 for c in crowded]
    client = rng.choices(crowded, weights)[0]
    least = min(visits_with[client].items(), key=lambda x: (x[1], rng.random()))
    return client, least[0]
