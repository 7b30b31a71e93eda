"""Phase 4: large-neighbourhood search over the incumbent until the time limit.

Moves (``CYCLE`` says which run, in turn):
- *swap* (default): take a client's staff member (the less used, the likelier) off all
  its visits and re-insert them into the routes of staff the client already meets
  (``greedy.insert_missing``: where no gap holds a visit, other clients' stops make room
  through an ejection chain of at most SWAP_TRIES placements); kept only if the plan
  improves. Milliseconds each, so thousands per solve; pairs that failed are not
  retried until something improves. Once every pair has failed first *cover* moves,
  then a few *kicks*: swaps kept though they cost up to KICK_FACES faces, then swaps
  again; the best plan seen is returned (``Search.keep_best``). The kicks also come when
  the best plan has stalled (``_stall``: less than STALL_GAIN gained over a tenth of the
  time limit), since on 1,500 visits every pair never fails at once.
- *fill* (first, every FILL_EVERY swap rounds, and when the swaps ran dry): every visit
  still out goes in through a chain of ejections (``greedy._Repair.chain``: one or two
  stops near its window leave one of its shifts for others, each of which may push one
  stop on), on a day where every visit may go to any eligible shift; kept if the plan
  improves. Milliseconds per visit.
- *merge* and *polish* (after a round of swaps without gain, MERGES and POLISH of
  them): a merge replaces two of a client's least-used staff by one newcomer who can take
  all their visits; a polish takes one visit out and puts it into the cheapest place
  among the routes of its client's staff (less travel, same faces). Kept if the plan
  improves.
- *rescue* (once, at RESCUE_AT of the time, when the client-first construction was the
  start): a day still short of visits takes the filled greedy start's routes of that day,
  or a fresh greedy dispatch, when the whole plan gains (``Search.rescue_days``).
- *cover*: for a visit still out, CP-SAT re-routes the window of its day around it
  (every visit within COVER_MARGIN minutes of its window may move, all else is held;
  ``Search.window_input``); kept only if the plan improves. Each visit out is tried once.
- *recover* (problems of at most RECOVER_VISITS visits, between RECOVER_AT and
  RECOVER_UNTIL of the time): a client above its floor goes onto a cover with one face
  fewer (``lowerbound.near_cover``), CP-SAT re-routing the window of each day where its
  staff change with the visits around free among their own clients' staff; kept only if
  the plan improves. Several clients' visits move on several days at once, which the
  greedy re-insertion of swaps and merges does not do.
- *horizon* (small teams, once): at HORIZON_AT of the time, CP-SAT gets the rest of the
  time on the whole horizon at once, every visit on any eligible shift, the best plan as
  hint (``Search.horizon_input``); kept if the plan improves. The other moves change one
  client or one day at a time; on a team of ~8 staff over a week CP-SAT then still finds
  plans with fewer faces (MEASURED.md). Only where the model is small (HORIZON_ARCS) and
  CP-SAT has two workers or more (HORIZON_WORKERS).
- *day*: re-route one day with every other day fixed; the chunk objective is the exact
  marginal cost, and the incumbent is the hint, so the result is never worse.
- *greedy day*: re-dispatch one day with the faces of all other days known (the
  first pass only knew the days before it).
- *face*: take a client's least-used staff member away from that client on every
  day and greedily re-dispatch those days; kept only if the whole plan improves.

Measured on 1,500 visits / 14 days: swaps alone beat day + greedy + face moves (and the
CP-SAT first pass) by ~0.8 faces per client at the same coverage and travel.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections import Counter

from .chunks import start_domain
from .greedy import FILL_DEPTHS
from .lowerbound import _cover_rows, near_cover
from .routing import solve_chunk
from .search import Search

ROUND_SHARE = 0.04  # of the time limit per day re-route (at least MIN_ROUND seconds)
MIN_ROUND = 0.3
# Moves of one LNS cycle, in turn: "swap", "day" (CP-SAT), "greedy", "face".
CYCLE = ("swap",)
STATS: Counter = Counter()
SWAPS = 20  # swap moves per LNS round (each a few milliseconds)
KICKS = 10  # swaps accepted up to KICK_FACES worse once the swaps ran dry (keep the best)
KICK_FACES = 3
# The kicks also come when the best plan gained less than STALL_GAIN over the last STALL
# of the time limit: on 1,500 visits the swaps never run dry (each small travel gain frees
# every pair again) while the faces stopped moving after ~60 % of the time.
STALL, STALL_GAIN = 0.1, 1000
# The horizon move: for models of at most HORIZON_ARCS arcs (a team of ~10 staff over a
# week or two; the bench's instances have 130,000 and more), at HORIZON_AT of the time,
# and with HORIZON_WORKERS or more: with one worker CP-SAT has none for its own
# neighbourhoods, and gained no more than the LNS's second half (MEASURED.md).
HORIZON_ARCS, HORIZON_AT, HORIZON_WORKERS = 20000, 0.5, 2
SWAP_TICK = 0.01  # deterministic seconds charged per swap in repeatable runs
FILL = True  # ejection chains for the visits still out (fill_move)
FILL_EVERY = 50  # swap rounds between fills while visits are out (the swaps move room)
SWAP_TRIES = 300  # placements a chain may try per visit a swap re-inserts (0: one ejection)
# Placements a fill's chain may try per visit out, at each depth (greedy.CHAIN_TRIES, the
# construction's, is a tenth): with 80 staff, 2 insulin visits at dinner stayed out at 3,000.
FILL_TRIES = 30000
FILL_TICK = 0.05  # deterministic seconds charged per day filled in repeatable runs
COVER = True  # once the swaps ran dry, CP-SAT windows around the visits still out
COVER_SHARE = 0.07  # of the time limit per window (4 s at 60 s)
COVER_MARGIN = 120  # minutes around the visit's window whose visits may move
POLISH = 20  # visits moved within their client's staff for less travel, after such a round
MERGES = 10  # merge moves after a round of swaps without gain
CONTACTS = 5  # contact moves after a round of swaps and merges without gain
# Recover moves (a client onto a cover with one face fewer, CP-SAT windows on each day its
# staff change) from RECOVER_AT to RECOVER_UNTIL of the time, on problems of at most
# RECOVER_VISITS visits; each window gets RECOVER_SHARE of the time limit (2 s at 60 s).
# On 1,500 visits the windows at the peaks do not converge in that time (MEASURED.md).
RECOVER_AT, RECOVER_UNTIL, RECOVER_VISITS, RECOVER_SHARE = 0.5, 0.7, 1000, 0.035
RESCUE_AT = 0.7  # share of the time limit after which days still short take the greedy's routes
QUICK = True  # face moves try only two greedy variants per day (5x more moves)


def improve(search: Search) -> None:
    """Run day and face moves until time runs out or the caller stops."""
    search.phase = "improve"
    rng = random.Random(search.seed)
    days = sorted(search.by_day)
    if not days:
        return
    start_used, round_no = search.used(), 0
    if FILL:
        STATS["fill", fill_move(search)] += 1
    if KICKS:
        search.keep_best()
    mark = (search.used(), search.objective)
    while not search.stopped():
        mark = _stall(search, mark)
        if _horizon_due(search):
            STATS["horizon", horizon_move(search, start_used)] += 1
            _report(search, start_used)
            if search.proven:
                break
            continue
        if search.rescue is not None and search.used() >= RESCUE_AT * search.limit:
            search.rescue_days()
        if _settled(search):
            break  # every day optimal given the others, and the horizon move tried or barred
        move = "day" if search.small else CYCLE[round_no % len(CYCLE)]
        if _recover_due(search):
            move = "recover"
            ok = recover_move(search)
            if ok is None:
                search.recover_done = True
        elif move == "day":
            day = rng.choice(days)
            ok = day not in search.settled and day_move(search, day)
        elif move == "greedy":
            ok = greedy_day_move(search, rng.choice(days))
        elif move == "swap":
            ok = any(swap_move(search, rng) for _ in range(SWAPS))
            if not ok and MERGES:
                ok = any(merge_move(search, rng) for _ in range(MERGES))
            if not ok and CONTACTS:
                ok = any(contact_move(search, rng) for _ in range(CONTACTS))
            if not ok and POLISH:  # all of them: each moves one visit
                ok = any([polish_move(search, rng) for _ in range(POLISH)])
            dry = not ok and search.kicks == KICKS  # the swaps just ran dry
            if FILL and (dry or round_no % FILL_EVERY == FILL_EVERY - 1):
                filled = fill_move(search)
                STATS["fill", filled] += 1
                ok = ok or filled
            if not ok and COVER and dry:
                while not search.stopped() and (done := cover_move(search)) is not None:
                    STATS["cover", done] += 1
                    ok = ok or done
                    _report(search, start_used)  # a window takes seconds: keep callers posted
        else:
            ok = face_move(search, rng)
        STATS[move, bool(ok)] += 1
        round_no += 1
        _report(search, start_used)
        if search.proven:
            break
    search.restore_best()


def _stall(search: Search, mark: tuple[float, int]) -> tuple[float, int]:
    """Every STALL of the time limit: arm the kicks when the best plan gained less than
    STALL_GAIN since ``mark`` (budget used, best objective then); the next mark."""
    if search.used() - mark[0] < STALL * search.limit:
        return mark
    best = search.best[0] if search.best is not None else search.objective
    if search.best is not None and not search.kicks and mark[1] - best < STALL_GAIN:
        search.kicks = KICKS
        STATS["stall"] += 1
    return search.used(), best


def _horizon_due(search: Search) -> bool:
    """The horizon move's turn: not yet tried, at least HORIZON_WORKERS, a small model, and
    HORIZON_AT of the time used (the LNS first: its fills and cover windows place the
    visits still out, which CP-SAT from a hint rarely does), or sooner once no day move
    can gain (``_settled``)."""
    return horizon_open(search) and (search.used() >= HORIZON_AT * search.limit or _settled(search))


def _settled(search: Search) -> bool:
    """A small problem whose every day CP-SAT proved optimal with the others as they are:
    no day move can gain (``Search.settled``)."""
    return search.small and len(search.settled) == len(search.by_day)


def horizon_open(search: Search) -> bool:
    """The horizon move may still run: not tried, enough workers, a small model."""
    if search.horizon_tried or not HORIZON_ARCS or search.workers < HORIZON_WORKERS:
        return False
    return search.horizon_arcs <= HORIZON_ARCS


def _recover_due(search: Search) -> bool:
    """The recover moves' turn: a problem of at most RECOVER_VISITS visits, between
    RECOVER_AT and RECOVER_UNTIL of the time, moves left to try."""
    return (
        not search.recover_done
        and not search.small
        and len(search.candidates) <= RECOVER_VISITS
        and RECOVER_AT * search.limit <= search.used() < RECOVER_UNTIL * search.limit
    )


def recover_move(search: Search) -> bool | None:
    """Move one client onto a cover with one face fewer: ``lowerbound.near_cover`` keeps
    its most-used staff and drops one of its two least used (a newcomer may come in for
    them), then CP-SAT re-routes the window of every day where the client's staff change,
    the client's visits there only on the cover's shifts (``Search.window_input``: the
    visits around them may move among their own clients' staff). Kept only if the plan
    improves. Swaps and merges re-insert greedily, so they miss a cover that needs other
    clients' visits re-ordered on several days at once; this finds some (MEASURED.md). The
    client with the fewest days to re-route goes first; each (client, staff dropped,
    faces) is tried once. None when nothing is left to try."""
    pick = _pick_recover(search)
    if pick is None:
        return None
    cid, drop, uses, visits = pick
    search.recovered.add((cid, drop, frozenset(uses)))
    rows = _cover_rows(search.problem, cid, search.candidates)
    cover = near_cover(rows, uses, drop, deterministic=search.deterministic)
    if cover is None:
        return False
    before = dict(search.incumbent)
    changed = {vid for vid in visits if not set(search.incumbent[vid].staff) <= cover}
    for day in sorted({search.days[vid] for vid in changed}):
        focus = {vid for vid in visits if search.days[vid] == day}
        chunk = search.window_input(day, focus, COVER_MARGIN)
        for vid in focus:
            chunk.candidates[vid] = [r for r in chunk.candidates[vid] if r.staff.id in cover]
        seconds = search.limit * RECOVER_SHARE
        result = search.route_day(day, chunk, seconds, "recover", presolve=True)
        if result is None or not focus <= {a.visit for a in result.assignments}:
            search.incumbent = before
            return False
        search.install(day, result)
    if search.accept(before):
        search.tried.clear()  # the swaps may find room again
        return True
    return False


def _pick_recover(search: Search) -> tuple[str, str, Counter, list[str]] | None:
    """(client, staff to drop, its uses, its placed visits) not yet tried: a client above
    its floor (``Search.floors``), one of its two least-used staff; the client with visits
    on the fewest days first (each day may be a CP-SAT window)."""
    best, best_key = None, None
    for cid, uses in search.uses().items():
        if len(uses) <= search.floors.get(cid, 1):
            continue
        visits = _held(search, cid, set(uses))
        n_days = len({search.days[vid] for vid in visits})
        for drop in sorted(uses, key=lambda sid: (uses[sid], sid))[:2]:
            key = (n_days, cid, uses[drop], drop)
            if (cid, drop, frozenset(uses)) not in search.recovered and (
                best_key is None or key < best_key
            ):
                best, best_key = (cid, drop, uses, visits), key
    return best


def horizon_move(search: Search, start_used: float) -> bool:
    """CP-SAT on the whole horizon for the rest of the time, the best plan as hint; True
    when the plan improved. An optimal result ends the search (``search.proven``)."""
    search.horizon_tried = True
    search.restore_best()  # the hint is the best plan, not where the kicks wandered
    if KICKS:
        search.keep_best()
    search.phase = "horizon"
    before = dict(search.incumbent)
    began, used, left = time.perf_counter(), search.used(), max(search.left(), 1e-9)

    def progress() -> None:  # CP-SAT holds the rest of the time: move the bar by the clock
        _report(search, start_used, used + min(left, time.perf_counter() - began))

    budget = dataclasses.replace(search.budget(left), on_progress=progress)
    result = solve_chunk(search.problem, search.tt, search.horizon_input(), budget, True)
    search.charge("horizon", result.seconds if result else budget.seconds)
    if result is None:
        return False
    search.install_all(result)
    improved = search.accept(before)
    if result.status == "OPTIMAL" and search.incumbent is not before:
        search.proven = True  # the model is the whole problem with its own objective
    return improved


def _report(search: Search, start_used: float, used: float | None = None) -> None:
    """Progress: the LNS fills the last 40 % of the bar, by the time it has used (``used``:
    where a CP-SAT call holding the rest of the time has got to)."""
    total = max(search.limit - start_used, 1e-9)
    now = search.used() if used is None else used
    search.report(0.6 + 0.4 * (now - start_used) / total)


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
    improved = search.accept(before)
    if search.small:
        if search.incumbent != before:
            search.settled.clear()  # the other days' optimum may have moved
        if result.status == "OPTIMAL":
            search.settled.add(day)
    return improved


def fill_move(search: Search) -> bool:
    """Place the visits still out through ejection chains, day by day (every visit of
    such a day may go to any eligible shift); True when the plan improved."""
    if search.filled == search.objective or not search.out():
        return False  # nothing out, or nothing changed since the last fill (same chains)
    began, before = time.perf_counter(), dict(search.incumbent)
    filled = search.repair_out(FILL_TRIES, FILL_DEPTHS, search.stopped, whole_day=True)
    spent = time.perf_counter() - began
    search.charge("fill", FILL_TICK * filled if search.deterministic else spent)
    ok = search.accept(before)
    search.filled = search.objective
    return ok


def cover_move(search: Search) -> bool | None:
    """Re-route the window of a day around the earliest visit still out that has not been
    tried; True when the plan improved, None when no visit is left to try."""
    todo = [v for v in search.candidates if v not in search.incumbent and v not in search.covered]
    if not todo:
        return None
    by_id = search.problem.visit_by_id
    vid = min(todo, key=lambda v: (search.days[v], start_domain(by_id[v]), v))
    search.covered.add(vid)
    day = search.days[vid]
    before = dict(search.incumbent)
    chunk = search.window_input(day, {vid}, COVER_MARGIN)
    result = search.route_day(day, chunk, search.limit * COVER_SHARE, "cover", presolve=True)
    if result is None:
        return False
    search.install(day, result)
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
    exclude = {(client_id, staff_id)}
    days = sorted({search.days[vid] for vid in _held(search, client_id, {staff_id})})
    for day in days:
        # Greedy re-dispatch (not CP-SAT): cheap enough for many moves per second.
        search.seed_day(day, exclude=exclude, quick=QUICK)
    return search.accept(before)


def _held(search: Search, client_id: str, staff: set[str]) -> list[str]:
    """The client's placed visits that any of ``staff`` holds."""
    by_id = search.problem.visit_by_id
    return [
        vid
        for vid, a in search.incumbent.items()
        if by_id[vid].client == client_id and staff & set(a.staff)
    ]


def _pick_face(search: Search, rng: random.Random) -> tuple[str, str] | None:
    """A (client, staff) pair with few shared visits, from a client meeting several staff."""
    visits_with = search.uses()
    crowded = [c for c, n in visits_with.items() if len(n) > 1]
    if not crowded:
        return None
    weights = [len(visits_with[c]) ** 2 for c in crowded]
    client = rng.choices(crowded, weights)[0]
    least = min(visits_with[client].items(), key=lambda x: (x[1], rng.random()))
    return client, least[0]


def swap_move(search: Search, rng: random.Random) -> bool:
    """Take a client's least-used staff member off all its visits and re-insert those
    visits into gaps of the routes of staff the client already meets (other stops
    unchanged; ``greedy.insert_missing``). Kept only if the plan improves."""
    return _timed(search, "swap", _swap, rng)


def _timed(search: Search, phase: str, move, rng: random.Random) -> bool:
    """Run a move, charging its time (repeatable runs: a fixed notional SWAP_TICK, no
    CP-SAT clock here)."""
    began = time.perf_counter()
    try:
        return move(search, rng)
    finally:
        spent = time.perf_counter() - began
        search.charge(phase, SWAP_TICK if search.deterministic else spent)


def _swap(search: Search, rng: random.Random) -> bool:
    pick = _pick_swap(search, rng)
    if pick is None:
        return False
    client_id, staff_id = pick
    before = dict(search.incumbent)
    moved = _held(search, client_id, {staff_id})
    if not _reinsert(search, client_id, search.met(client_id) - {staff_id}, moved):
        search.incumbent = before  # a visit found no place again (or a route no new starts)
    elif search.accept(before, _slack(search)):
        search.kicks = max(0, search.kicks - 1)
        search.tried.clear()
        return True
    search.tried.add(pick)
    return False


def _slack(search: Search) -> int:
    """How much worse than the best plan a swap may leave it: after the swaps ran dry
    (every pair tried), a few kicks of up to KICK_FACES new faces; else nothing."""
    if search.best is None or not search.kicks:
        return 0
    return KICK_FACES * search.problem.weights.get("distinct_staff", 0)


def _pick_swap(search: Search, rng: random.Random) -> tuple[str, str] | None:
    """A (client, staff) pair not tried since the last improvement: a client with many
    faces (weight faces squared), then one of its staff, the less used the likelier."""
    pairs, weights = [], []
    for cid, n in search.uses().items():
        if len(n) < 2:
            continue
        for sid, k in n.items():
            if (cid, sid) not in search.tried:
                pairs.append((cid, sid))
                weights.append(len(n) ** 2 / k)
    if not pairs:
        search.tried.clear()
        search.kicks = KICKS if search.best is not None else 0
        return None
    return rng.choices(pairs, weights)[0]


def merge_move(search: Search, rng: random.Random) -> bool:
    """Replace two of a client's least-used staff by one it does not meet yet, who can
    take their visits: those visits go into the routes of the client's other staff and
    the newcomer (chains make room); kept only if the plan improves (one face fewer).
    Swaps only shrink a client's staff; this move changes who they are."""
    return _timed(search, "merge", _merge, rng)


def _merge(search: Search, rng: random.Random) -> bool:
    uses = search.uses()
    crowded = [c for c, n in uses.items() if len(n) >= 3]
    if not crowded:
        return False
    cid = rng.choices(crowded, [len(uses[c]) ** 2 for c in crowded])[0]
    least = sorted(uses[cid], key=lambda sid: (uses[cid][sid], rng.random()))
    pair = set(least[:2])
    moved = _held(search, cid, pair)
    able = Counter(sid for vid in moved for sid in {r.staff.id for r in search.candidates[vid]})
    newcomers = sorted(sid for sid, n in able.items() if sid not in uses[cid] and n == len(moved))
    if not newcomers:
        return False
    return _reassign(search, cid, (set(uses[cid]) - pair) | {rng.choice(newcomers)}, moved)


def contact_move(search: Search, rng: random.Random) -> bool:
    """Give a client's contact person the client's visits they could hold and do not:
    those visits go back into the routes of the client's staff and the contact (chains
    make room; insertion prefers the contact by ``objective.place_cost``); kept only if
    the plan improves. Swaps and merges never bring a contact in who is not yet a face."""
    return _timed(search, "contact", _contact, rng)


def _contact(search: Search, rng: random.Random) -> bool:
    problem = search.problem
    could: dict[tuple[str, str], list[str]] = {}  # (client, contact) -> visits they could take
    for vid, a in search.incumbent.items():
        client = problem.client_by_id[problem.visit_by_id[vid].client]
        for k in client.contact_staff:
            if k not in a.staff and any(r.staff.id == k for r in search.candidates[vid]):
                could.setdefault((client.id, k), []).append(vid)
    pairs = sorted(p for p in could if ("contact", *p) not in search.tried)
    if not pairs:
        return False
    cid, k = rng.choices(pairs, [len(could[p]) for p in pairs])[0]
    search.tried.add(("contact", cid, k))
    return _reassign(search, cid, search.met(cid) | {k}, could[cid, k])


def _reassign(search: Search, client_id: str, keep: set[str], moved: list[str]) -> bool:
    """``_reinsert``, kept only if every visit went in and the plan improves (failed
    swaps and contact moves may then be tried again)."""
    before = dict(search.incumbent)
    if not _reinsert(search, client_id, keep, moved):
        search.incumbent = before
        return False
    if search.accept(before):
        search.tried.clear()
        return True
    return False


def _reinsert(search: Search, client_id: str, keep: set[str], moved: list[str]) -> bool:
    """Take the client's visits ``moved`` out and put them into the routes of its staff
    ``keep`` (chains of up to SWAP_TRIES placements make room); True when all went in."""
    exclude = {(client_id, s.id) for s in search.problem.staff if s.id not in keep}
    for vid in moved:
        del search.incumbent[vid]
    for day in sorted({search.days[vid] for vid in moved}):
        search.repair_day(day, set(), SWAP_TRIES, exclude=exclude)
    return all(vid in search.incumbent for vid in moved)


def polish_move(search: Search, rng: random.Random) -> bool:
    """Take one visit out and put it back into the cheapest place among the routes of the
    staff its client already meets: less travel at the same faces; kept if the plan
    improves."""
    return _timed(search, "polish", _polish, rng)


def _polish(search: Search, rng: random.Random) -> bool:
    if not search.incumbent:
        return False
    vid = rng.choice(sorted(search.incumbent))
    cid = search.problem.visit_by_id[vid].client
    before = dict(search.incumbent)
    if not _reinsert(search, cid, search.met(cid), [vid]):
        search.incumbent = before
        return False
    return search.accept(before)
