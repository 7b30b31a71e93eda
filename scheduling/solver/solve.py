"""The solver's entry point: diagnose, choose pools, route day by day, improve, report.

Phases (README.md in this folder; MEASURED.md says why):
1. ``reasons.diagnose``: visits no plan can hold go straight to ``unassigned``.
2. ``pools.choose_pools``: an aggregate CP-SAT model picks each client's few staff.
3. ``routing.solve_chunk`` per day, in order, with pool staff free and anyone else
   charged as a new face ("distinct staff so far" coupling).
   Then the greedy start is filled (``lns.fill_move``) and the client-first construction
   (``construct.py``) replaces it when it costs less and leaves few more visits out.
4. ``lns.improve``: re-route days and clients with the incumbent as hint until time is up;
   on a small team, the second half of the time goes to CP-SAT on the whole horizon
   (``lns.horizon_move``). On larger problems with two workers or more (wall-clock time),
   ``portfolio.improve`` runs a second LNS with another seed in a spawned process and
   keeps the better plan.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from . import lns, portfolio
from .chunks import candidate_shifts, chunk_day
from .lowerbound import client_lower_bounds
from .objective import weighted
from .plan import Plan, Unassigned
from .problem import Problem
from .reasons import diagnose, explain_unplaced, pin_clashes
from .search import Search
from .travel import TravelTimes

log = logging.getLogger(__name__)

# Share of the time limit for the aggregate CP-SAT pool model; 0 = set-cover pools (faster,
# measured better on 1,500 visits: the aggregate did not converge in 9-15 s).
POOL_SHARE = 0.0
# CP-SAT day routes in phase 3 (0: greedy only). The LNS swaps gain more with the time.
FIRST_PASS_SHARE = 0.0
# The client-first construction (construct.py) as the LNS start when it costs less than
# the filled greedy start and leaves at most a few more visits out (Search.construct_pass);
# measured in scheduling/solver/MEASURED.md.
CONSTRUCT = True
# Model building and final checks run outside CP-SAT's clock: keep wall time under the limit.
WALL_MARGIN = 0.9
# The plan's bound: per-client floors within this share of the time limit (inside the
# margin above), each set-multicover model at most BOUND_CLIENT_S.
BOUND_SHARE, BOUND_CLIENT_S = 0.03, 0.2


def solve(
    problem: Problem,
    time_limit_s: float = 60,
    workers: int | None = None,
    seed: int = 0,
    progress: Callable[[dict], None] | None = None,
    deterministic: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> Plan:
    """A valid plan for ``problem`` within about ``time_limit_s`` (PROBLEM-FORMAT.md)."""
    began = time.perf_counter()
    tt = TravelTimes(problem)
    blocked = _blocked(problem, tt)
    candidates = {
        v.id: _pinned_first(v, candidate_shifts(problem, v))
        for v in problem.visits
        if v.id not in blocked
    }
    days = {vid: chunk_day(problem.visit_by_id[vid], refs) for vid, refs in candidates.items()}
    search = Search(
        problem,
        tt,
        candidates,
        days,
        time_limit_s if deterministic else time_limit_s * WALL_MARGIN,
        workers or os.cpu_count() or 1,
        seed,
        deterministic,
        progress,
        should_stop,
        began,
    )
    # The per-client floors (a few seconds at most; past that, 1 face per client): the
    # bound's and the clients lns.recover_move works on (those above theirs).
    search.floors = client_lower_bounds(
        problem,
        only=candidates,
        time_limit_s=BOUND_CLIENT_S,
        deadline=time.perf_counter() + BOUND_SHARE * search.limit,
    )
    search.bound = _bound(problem, blocked, search.floors)
    search.choose_pools(POOL_SHARE)
    search.first_pass(FIRST_PASS_SHARE)
    if CONSTRUCT:
        lns.fill_move(search)  # the greedy start with its gaps filled: like with like
        search.construct_pass()
    if portfolio.due(search):
        portfolio.improve(search)  # a second LNS with another seed on the second core
    else:
        lns.improve(search)
    search.proven = search.proven or not candidates  # nothing to place: optimal
    return _plan(problem, search, blocked, began)


def _pinned_first(visit, refs):
    """A pinned visit may only go to shifts of days where its pinned staff work."""
    if not visit.pinned:
        return refs
    days = {r.day for r in refs if r.staff.id == visit.pinned[0].staff}
    return [r for r in refs if r.day in days]


def _blocked(problem: Problem, tt: TravelTimes) -> dict[str, Unassigned]:
    """Visits no plan can hold, with their reason."""
    out = pin_clashes(problem, tt)
    for v in problem.visits:
        if v.id not in out:
            reason = diagnose(problem, v)
            if reason is not None:
                out[v.id] = reason
    return out


def _plan(problem: Problem, search: Search, blocked: dict[str, Unassigned], began: float) -> Plan:
    """Assemble the plan: assignments, a reason for every other visit, figures."""
    assignments = search.final_assignments()
    placed = {a.visit for a in assignments}
    unassigned = []
    for v in problem.visits:
        if v.id in placed:
            continue
        unassigned.append(
            blocked.get(v.id)
            or explain_unplaced(problem, v, search.met(v.client), search.minutes_left_total())
        )
    # A pinned visit left out means the pins contradict the hard rules (format: INFEASIBLE).
    pins_broken = any(problem.visit_by_id[u.visit].pinned for u in unassigned)
    status = "INFEASIBLE" if pins_broken else "OPTIMAL" if search.proven else "FEASIBLE"
    metrics = _metrics(problem, search)
    bound = metrics["objective"] if search.proven else search.bound
    return Plan(
        problem=problem.name,
        status=status,
        assignments=assignments,
        unassigned=unassigned,
        objective=metrics["objective"],
        bound=bound,
        solve_seconds=time.perf_counter() - began,
        metrics=metrics,
    )


def _metrics(problem: Problem, search: Search) -> dict:
    """Coverage, continuity, travel, each objective count and the phase timings."""
    counts = search.counts()
    met = search.clients_met()
    return {
        "objective": weighted(problem, counts),
        "coverage": len(search.incumbent) / len(problem.visits) if problem.visits else 1.0,
        "continuity": sum(map(len, met.values())) / len(met) if met else 0.0,
        "travel_minutes": counts.get("travel_minute", 0),
        "counts": counts,
        "phase_seconds": search.phase_seconds,
        "second_search": search.second_search,  # portfolio.py: whose plan was kept
        "pool_size_mean": (sum(map(len, search.pools.values())) / len(search.pools))
        if search.pools
        else None,
    }


def _bound(problem: Problem, blocked: dict[str, Unassigned], floors: dict[str, int]) -> int:
    """A valid lower bound: the blocked places, and per client with visits to place either
    its continuity floor in faces (``floors``: all of them placed) or one place left out."""
    w = problem.weights
    places = sum(problem.visit_by_id[vid].staff_required for vid in blocked)
    return w["unassigned"] * places + sum(
        min(w["distinct_staff"] * floor, w["unassigned"]) for floor in floors.values()
    )
