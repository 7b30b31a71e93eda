"""The solver's state across phases: the incumbent plan, pools, chunk inputs, timing."""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Set
from functools import cached_property
from itertools import product

from .chunks import ShiftRef, hold, start_domain
from .construct import construct
from .greedy import CHAIN_DEPTH, CHAIN_TRIES, FILL_DEPTHS, dispatch, insert_missing
from .model import ChunkInput, fixed_context
from .objective import score, weighted
from .plan import Assignment
from .pools import choose_pools, cover_pools
from .problem import Problem, Visit
from .routes import route_ok, route_travel, routes_of
from .routing import Budget, ChunkResult, solve_chunk
from .travel import TravelTimes

log = logging.getLogger(__name__)

SLACKS = (0, 10, 30, 60, None)  # greedy variants tried per day (see greedy.dispatch)
REPAIR = False  # insert unplaced visits into gaps after each greedy dispatch
# construct_pass runs while under this share of the time limit, and the construction is
# kept when it leaves at most this share of the visits out beyond the filled greedy start.
CONSTRUCT_BEFORE, CONSTRUCT_EXTRA = 0.3, 0.01
CONSTRUCT_UNTIL = 0.5  # a construction still running then stops (its rest is left out)
# Area weights of the constructions built (construct.construct's ``area``): with 0 each
# client's ties go to the less loaded staff, with 6 to staff whose other clients live near.
CONSTRUCT_AREAS = (0, 6)
# Chain depths of each construction's repair, then of the chosen one's visits still out.
CONSTRUCT_DEPTHS = (CHAIN_DEPTH,)
DEEPER_DEPTHS = tuple(d for d in FILL_DEPTHS if d > CHAIN_DEPTH)
SMALL = 40  # visits; below this every chunk uses all eligible staff, no pools


class Search:
    """Incumbent and bookkeeping shared by the phases of ``solve``."""

    def __init__(
        self,
        problem: Problem,
        tt: TravelTimes,
        candidates: dict[str, list[ShiftRef]],
        days: dict[str, int],
        time_limit_s: float,
        workers: int,
        seed: int,
        deterministic: bool,
        progress: Callable[[dict], None] | None,
        should_stop: Callable[[], bool] | None,
        began: float,
    ):
        self.problem, self.tt, self.candidates, self.days = problem, tt, candidates, days
        self.limit, self.workers, self.seed = time_limit_s, workers, seed
        self.deterministic, self.progress, self.should_stop = deterministic, progress, should_stop
        self.began = began
        self.by_day: dict[int, list[Visit]] = defaultdict(list)
        for vid, day in sorted(days.items(), key=lambda x: x[1]):
            self.by_day[day].append(problem.visit_by_id[vid])
        self.incumbent: dict[str, Assignment] = {}
        self.pools: dict[str, set[str]] = {}
        self.variant: dict[int, tuple[int | None, bool]] = {}  # day -> best greedy variant
        # Moves failed since a gain: (client, staff) swaps, ("contact", client, staff).
        self.tried: set[tuple[str, ...]] = set()
        self.covered: set[str] = set()  # visits out whose window was re-routed (lns.cover_move)
        self.filled: int | None = None  # objective at the last lns.fill_move
        self.rescue: dict[str, Assignment] | None = None  # see construct_pass
        self._travel_cache: dict[frozenset, tuple[int, frozenset]] = {}
        self.small = len(candidates) <= SMALL
        self.phase_seconds: dict[str, float] = {}
        self.spent = 0.0  # budget used so far (deterministic or wall seconds)
        self.proven = False
        self.bound: int | None = None  # a valid lower bound on the objective (solve._bound)
        self.phase = "start"
        self.objective = weighted(problem, self.counts())
        self.best: tuple[int, dict[str, Assignment]] | None = None  # see keep_best
        self.kicks = 0  # worse swaps still allowed (lns.KICKS)
        self.horizon_tried = False  # lns.horizon_move runs once
        self.floors: dict[str, int] = {}  # client -> continuity floor (solve._bound)
        # lns.recover_move: (client, staff dropped, faces) tried; True once none is left.
        self.recovered: set[tuple[str, str, frozenset[str]]] = set()
        self.recover_done = False
        # Small problems: days whose last re-route CP-SAT proved optimal with the rest of
        # the plan as it still is (lns.day_move); once all are, day moves cannot gain.
        self.settled: set[int] = set()
        # portfolio.improve: whose plan was kept ("parent", "child", or "missing" when the
        # second search sent none); None when there was no second search.
        self.second_search: str | None = None

    # -- time -------------------------------------------------------------------
    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def used(self) -> float:
        """Budget consumed: deterministic time in repeatable mode, else wall time."""
        return self.spent if self.deterministic else self.elapsed()

    def left(self) -> float:
        return self.limit - self.used()

    def stopped(self) -> bool:
        return self.left() <= 0.05 or bool(self.should_stop and self.should_stop())

    def budget(self, seconds: float) -> Budget:
        return Budget(
            max(0.05, min(seconds, self.left())),
            self.workers,
            self.seed,
            self.deterministic,
            self.should_stop,
        )

    def charge(self, phase: str, seconds: float) -> None:
        self.spent += seconds
        self.phase_seconds[phase] = round(self.phase_seconds.get(phase, 0.0) + seconds, 3)

    # -- progress -----------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return score(self.problem, self.tt, list(self.incumbent.values()), self.travel())

    def travel(self) -> int | None:
        """Travel minutes of the incumbent, day by day, each day's routes cached (a move
        changes a few days). None when a shift holds visits of two days (then the whole
        plan is routed at once)."""
        total, seen = 0, set()
        for _day, visits in self.by_day.items():
            key = frozenset(self.incumbent[v.id] for v in visits if v.id in self.incumbent)
            cached = self._travel_cache.get(key)
            if cached is None:
                routes = routes_of(self.problem, list(key))
                cached = (
                    sum(route_travel(self.tt, ref, stops) for ref, stops in routes.items()),
                    frozenset(routes),
                )
                if len(self._travel_cache) > 20000:
                    self._travel_cache.clear()
                self._travel_cache[key] = cached
            if seen & cached[1]:
                return None
            seen |= cached[1]
            total += cached[0]
        return total

    def report(self, fraction: float) -> None:
        """Tell the caller where the search is (the web app shows it)."""
        if self.progress is None:
            return
        clients = self.clients_met()
        self.progress(
            {
                "elapsed_s": round(self.elapsed(), 2),
                "objective": self.best[0] if self.best else self.objective,
                "bound": self.bound,
                "phase": self.phase,
                "fraction": min(1.0, fraction),
                "continuity": (sum(map(len, clients.values())) / len(clients)) if clients else None,
            }
        )

    # -- phase 2 ---------------------------------------------------------------------
    def choose_pools(self, share: float) -> None:
        """Pick each client's pool (skipped on small problems: everyone is a candidate)."""
        self.phase = "pools"
        self.report(0.0)
        if self.small or not self.candidates:
            return
        visits = [self.problem.visit_by_id[vid] for vid in self.candidates]
        if share <= 0:
            self.pools = cover_pools(self.problem, visits, self.candidates)
            return
        result = choose_pools(
            self.problem, self.tt, visits, self.candidates, self.budget(self.limit * share)
        )
        self.pools = result.pools
        self.charge("pools", result.seconds)
        log.info("pools %s in %.1fs", result.status, result.seconds)

    # -- chunk inputs ------------------------------------------------------------------
    def others(self, day: int) -> list[Assignment]:
        return [a for vid, a in self.incumbent.items() if self.days[vid] != day]

    def chunk_input(
        self,
        day: int,
        wide: set[str],
        free: bool = False,
        exclude: set[tuple[str, str]] = frozenset(),
    ) -> ChunkInput:
        """The routing input of a day with every other day fixed at the incumbent."""
        elsewhere, left = fixed_context(self.problem, self.others(day))
        visits = self.by_day[day]
        cands = {
            v.id: self.allowed(
                v, elsewhere.get(v.client, frozenset()), v.id in wide or self.small, exclude
            )
            for v in visits
        }
        return ChunkInput(
            visits,
            cands,
            elsewhere,
            {c: frozenset(s) for c, s in self.pools.items()} if free else {},
            left,
            [self.incumbent[v.id] for v in visits if v.id in self.incumbent],
        )

    def horizon_input(self) -> ChunkInput:
        """The routing input of the whole horizon at once: every visit may take any of its
        eligible shifts, nothing is fixed around it, the incumbent is the hint. Its
        objective is the plan's own up to a constant (the contact term of clients without
        contact staff, the visits no plan can hold), so its optimum is an optimal plan."""
        return ChunkInput(
            [self.problem.visit_by_id[vid] for vid in self.candidates],
            dict(self.candidates),
            {},
            {},
            fixed_context(self.problem, ())[1],
            list(self.incumbent.values()),
        )

    @cached_property
    def horizon_arcs(self) -> int:
        """About how many arcs ``horizon_input``'s model has: per shift, its candidate
        visits times one more (the home). The candidates do not change: counted once."""
        per_shift = Counter(ref.key for refs in self.candidates.values() for ref in refs)
        return sum(n * (n + 1) for n in per_shift.values())

    def window_input(self, day: int, focus: set[str], margin: int) -> ChunkInput:
        """The routing input of a day where only the visits near ``focus`` move: visits
        whose time span comes within ``margin`` minutes of a focus visit's window keep their
        candidates (the focus visits all their eligible shifts); every other placed visit is
        held at its staff and start (pinned). A window's model is a fraction of the day's,
        so CP-SAT can search it exactly where a whole day does not converge."""
        chunk = self.chunk_input(day, focus)
        around = [self.problem.visit_by_id[vid] for vid in focus]
        lo = min(start_domain(v)[0] for v in around) - margin
        hi = max(start_domain(v)[1] + v.duration for v in around) + margin
        visits = []
        for v in chunk.visits:
            a = self.incumbent.get(v.id)
            first, last = start_domain(v)
            if a is None or v.id in focus or (last + v.duration >= lo and first <= hi):
                visits.append(v)
                continue
            kept = hold(v, a.staff, a.start, chunk.candidates[v.id])
            if kept is None:
                visits.append(v)  # not where it can be held (cannot happen in a valid plan)
                continue
            visits.append(kept[0])
            chunk.candidates[v.id] = kept[1]
        chunk.visits = visits
        return chunk

    def allowed(
        self, v: Visit, elsewhere: Set[str], wide: bool, exclude: set[tuple[str, str]]
    ) -> list[ShiftRef]:
        """Pool staff, staff the client already meets, current and pinned staff; else all."""
        refs = self.candidates[v.id]
        if exclude:
            refs = [
                r
                for r in refs
                if (v.client, r.staff.id) not in exclude
                or any(p.staff == r.staff.id for p in v.pinned)
            ]
        if wide:
            return refs
        keep = self.pools.get(v.client, set()) | elsewhere | {p.staff for p in v.pinned}
        if v.id in self.incumbent:
            keep |= set(self.incumbent[v.id].staff)
        if v.previous is not None:
            keep |= set(v.previous.staff)
        narrow = [r for r in refs if r.staff.id in keep]
        return narrow if len({r.staff.id for r in narrow}) >= v.staff_required else refs

    def route_day(
        self, day: int, chunk: ChunkInput, seconds: float, phase: str, presolve: bool = False
    ) -> ChunkResult | None:
        """Solve one day; the result is not yet accepted."""
        result = solve_chunk(self.problem, self.tt, chunk, self.budget(seconds), presolve)
        self.charge(phase, result.seconds if result else seconds)
        return result

    def install_all(self, result: ChunkResult) -> None:
        """The result of ``horizon_input`` as the incumbent."""
        self.incumbent = {a.visit: a for a in result.assignments}
        self.settled.clear()  # each day's optimum was given the old plan's other days

    def install(self, day: int, result: ChunkResult) -> None:
        for v in self.by_day[day]:
            self.incumbent.pop(v.id, None)
        for a in result.assignments:
            self.incumbent[a.visit] = a

    # -- phase 3 ---------------------------------------------------------------------------
    def first_pass(self, share: float) -> None:
        """Route the days in order: greedy dispatch, then CP-SAT from it as the hint."""
        self.phase = "routing"
        days = sorted(self.by_day)
        for i, day in enumerate(days):
            # Every day gets its greedy routes, even when time is up: always a full plan.
            self.seed_day(day)
            self.objective = weighted(self.problem, self.counts())
            if self.stopped() or share <= 0:
                continue
            before = dict(self.incumbent)
            chunk = self.chunk_input(day, self.missing(day), free=True)
            result = self.route_day(day, chunk, self.limit * share / len(days), "routing")
            if result is not None:
                self.install(day, result)
                self.accept(before)
                if len(days) == 1 and self.small:
                    self.proven = result.status == "OPTIMAL"
            self.report(0.3 + 0.3 * (i + 1) / len(days))

    def construct_pass(self) -> None:
        """The client-first construction (``construct.py``), once per CONSTRUCT_AREAS
        weight, its unplaced visits repaired through ejection chains; of those starts the
        one whose placed visits cost least, each visit out counted as one face more, has its
        visits still out repaired with deeper chains (DEEPER_DEPTHS). Kept
        when it leaves at most CONSTRUCT_EXTRA of the visits out beyond the incumbent (the
        greedy start, already filled) and its placed visits cost less (every term but the
        places out): the LNS fills the rest, and the greedy start stays as ``rescue`` for
        days still short late in the search (``rescue_days``)."""
        if self.small or self.stopped() or self.used() > CONSTRUCT_BEFORE * self.limit:
            return
        began = time.perf_counter()
        before, out_before, cost_before = dict(self.incumbent), self.out(), self.placed_cost()
        face = self.problem.weights.get("distinct_staff", 0)
        best = None
        for area in CONSTRUCT_AREAS:
            # Cut short (most clients never chose staff), or the repair of hundreds of
            # visits out (80 staff) ran past the clock: dropped, not kept half-built.
            if not self._construction(area):
                break
            out, cost = self.out(), self.placed_cost()
            log.info("construct (area %d): %d out, placed cost %s", area, out, cost)
            if best is None or cost + face * out < best[0]:
                best = (cost + face * out, dict(self.incumbent))
        keep = best is not None
        if best is not None:
            self.incumbent = best[1]
            # the chosen start's visits out, deeper chains
            self.repair_out(CHAIN_TRIES, DEEPER_DEPTHS, self._construct_stopped)
            out, cost = self.out(), self.placed_cost()
            keep = out <= out_before + CONSTRUCT_EXTRA * len(self.candidates)
            keep = keep and cost < cost_before
            log.info(
                "construct: %d out, placed cost %s; greedy: %d out, %s; kept: %s",
                out,
                cost,
                out_before,
                cost_before,
                keep,
            )
        if keep:
            self.objective = weighted(self.problem, self.counts())
            self.rescue = before
        else:
            self.incumbent = before
        self.charge("construct", 0.0 if self.deterministic else time.perf_counter() - began)

    def _construction(self, area: int) -> bool:
        """One construction with that ``area`` weight and its repair, as the incumbent;
        False (incumbent half-built) when the construction's clock ran out."""
        self.incumbent = construct(
            self.problem,
            self.tt,
            self.by_day,
            self.candidates,
            self._construct_stopped,
            self.deterministic,
            area,
        )
        self.repair_out(CHAIN_TRIES, CONSTRUCT_DEPTHS, self._construct_stopped)
        return not self._construct_stopped()

    def repair_out(
        self,
        tries: int,
        depths: tuple[int, ...],
        stopped: Callable[[], bool],
        whole_day: bool = False,
    ) -> int:
        """Chains (``tries`` placements per visit, each of ``depths`` in turn) for the
        incumbent's visits out, day by day until ``stopped()``: on a day with visits out,
        those visits (``whole_day``: every visit of the day) may take any eligible shift.
        Returns the days repaired."""
        repaired = 0
        for day in sorted(self.by_day):
            if stopped():
                break
            wide = self.missing(day)
            if wide:
                repaired += 1
                self.repair_day(
                    day, {v.id for v in self.by_day[day]} if whole_day else wide, tries, depths
                )
        return repaired

    def repair_day(
        self,
        day: int,
        wide: set[str],
        chain_tries: int,
        depths: tuple[int, ...] | None = None,
        exclude: set[tuple[str, str]] = frozenset(),
    ) -> None:
        """Insert the day's visits still out into the incumbent's routes of that day
        (``greedy.insert_missing``; ``wide``: visits that may take any eligible shift)."""
        chunk = self.chunk_input(day, wide, exclude=exclude)
        done = [self.incumbent[v.id] for v in self.by_day[day] if v.id in self.incumbent]
        for a in insert_missing(self.problem, self.tt, chunk, done, chain_tries, depths):
            self.incumbent[a.visit] = a

    def _construct_stopped(self) -> bool:
        """The construction's own clock: past CONSTRUCT_UNTIL of the time it gives up, and
        the greedy start stays."""
        return self.stopped() or (
            not self.deterministic and self.elapsed() > CONSTRUCT_UNTIL * self.limit
        )

    def out(self) -> int:
        """Visits that could be placed but are not."""
        return len(self.candidates) - len(self.incumbent)

    def placed_cost(self) -> int:
        """The objective without the places left out."""
        return weighted(self.problem, {**self.counts(), "unassigned": 0})

    def rescue_days(self) -> None:
        """Days still short of visits (after a kept construction): the rescue plan's routes
        of that day, or a fresh greedy dispatch knowing the other days' faces, when the
        whole plan gains (a visit placed outweighs any faces)."""
        greedy, self.rescue = self.rescue, None
        if greedy is None:
            return
        for day in sorted(self.by_day):
            if not self.missing(day) or self.stopped():
                continue
            ids = {v.id for v in self.by_day[day]}
            keep = dict(self.incumbent)
            options = []
            self.incumbent = {k: a for k, a in keep.items() if k not in ids}
            self.incumbent.update({k: a for k, a in greedy.items() if k in ids})
            if self.totals_ok():
                options.append((weighted(self.problem, self.counts()), self.incumbent))
            self.incumbent = dict(keep)
            self.seed_day(day)
            options.append((weighted(self.problem, self.counts()), self.incumbent))
            self.incumbent = min(options, key=lambda o: o[0])[1]
            self.accept(keep)  # kept only if the whole plan gains

    def seed_day(
        self, day: int, exclude: set[tuple[str, str]] = frozenset(), quick: bool = False
    ) -> None:
        """Greedy routes for a day: the best of dispatches from earliest-first (slack 0)
        to faces-first (no slack), judged on the whole plan's objective.

        ``quick``: only the day's best variant so far and faces-first (LNS face moves)."""
        began = time.perf_counter()
        chunk = self.chunk_input(day, {v.id for v in self.by_day[day]}, True, exclude)
        best = None
        # Out of time (a day still without routes): only the two extreme variants.
        if self.stopped():
            variants = [(0, True), (None, True)]
        elif quick and day in self.variant:
            variants = list(dict.fromkeys([self.variant[day], (None, True)]))
        else:
            variants = list(product(SLACKS, (True, False)))
        for slack, free in variants:
            chunk.free_staff = {c: frozenset(s) for c, s in self.pools.items()} if free else {}
            for v in self.by_day[day]:
                self.incumbent.pop(v.id, None)
            done = dispatch(self.problem, self.tt, chunk, slack)
            if REPAIR:
                done = insert_missing(self.problem, self.tt, chunk, done)
            for a in done:
                self.incumbent[a.visit] = a
            value = weighted(self.problem, self.counts())
            if best is None or value < best[0]:
                best = (value, dict(self.incumbent), (slack, free))
        self.incumbent = best[1]
        self.variant[day] = best[2]
        self.charge("greedy", 0.0 if self.deterministic else time.perf_counter() - began)

    def missing(self, day: int) -> set[str]:
        return {v.id for v in self.by_day[day] if v.id not in self.incumbent}

    def faces_now(self) -> dict[str, frozenset[str]]:
        return {c: frozenset(s) for c, s in self.clients_met().items()}

    def totals_ok(self) -> bool:
        """The per-horizon rules (max_minutes, max_distinct_staff) hold in the incumbent."""
        if any(left < 0 for left in self.minutes_left_total().values()):
            return False
        for cid, staff in self.clients_met().items():
            cap = self.problem.client_by_id[cid].max_distinct_staff
            if cap is not None and len(staff) > cap:
                return False
        return True

    def accept(self, before: dict[str, Assignment], slack: int = 0) -> bool:
        """Keep the incumbent if the plan improved (or tied), or if it is within ``slack``
        of the best plan seen (record-to-record travel: ``keep_best`` first); else restore
        ``before``. True when the plan changed for the better, or for the worse on slack."""
        new = weighted(self.problem, self.counts())
        if new <= self.objective or (self.best is not None and new <= self.best[0] + slack):
            changed = new != self.objective
            self.objective = new
            if self.best is not None and new < self.best[0]:
                self.best = (new, dict(self.incumbent))
            return changed
        self.incumbent = before
        return False

    def keep_best(self) -> None:
        """From now on remember the best plan, so moves may accept a worse one."""
        self.best = (self.objective, dict(self.incumbent))

    def restore_best(self) -> None:
        if self.best is not None and self.best[0] < self.objective:
            self.objective, self.incumbent = self.best[0], dict(self.best[1])
        self.best = None

    # -- results --------------------------------------------------------------------------
    def uses(self) -> dict[str, Counter]:
        """Client id -> how many of its placed visits each of its staff holds."""
        out: dict[str, Counter] = defaultdict(Counter)
        by_id = self.problem.visit_by_id
        for a in self.incumbent.values():
            held = out[by_id[a.visit].client]
            for sid in a.staff:  # not Counter.update: this runs on every move
                held[sid] += 1
        return out

    def clients_met(self) -> dict[str, set[str]]:
        return defaultdict(set, {c: set(n) for c, n in self.uses().items()})

    def met(self, client_id: str) -> set[str]:
        return self.clients_met().get(client_id, set())

    def minutes_left_total(self) -> dict[str, int]:
        return fixed_context(self.problem, self.incumbent.values())[1]

    def final_assignments(self) -> list[Assignment]:
        """The incumbent, each route re-checked; a route failing the check loses visits."""
        for ref, stops in routes_of(self.problem, list(self.incumbent.values())).items():
            while stops and not route_ok(self.tt, ref, stops):
                log.error("route %s failed the final check; dropping %s", ref.key, stops[-1][0])
                self.incumbent.pop(stops.pop()[0], None)
        return sorted(self.incumbent.values(), key=lambda a: (a.start, a.visit))
