"""The continuity floor: per client, the fewest staff whose skills and shifts cover its visits.

For each client a tiny set-multicover model: choose the fewest staff such that every
visit has at least ``staff_required`` chosen staff able to serve it (skills, not refused,
a shift that fits its window). It ignores time clashes, travel and ``max_minutes``, so it
is a lower bound on the distinct staff of any plan that assigns all the client's visits.
Visits that fewer than ``staff_required`` staff could ever serve are left out.
"""

from __future__ import annotations

import math
import time
from collections.abc import Container

from ortools.sat.python import cp_model

from .problem import Problem
from .routing import time_limit

TIME_LIMIT_S = 5.0


def _cover_rows(
    problem: Problem, client_id: str, only: Container[str] | None = None
) -> dict[frozenset[str], int]:
    """Distinct eligible-staff sets of the client's visits (those in ``only``, if given)
    -> most staff required."""
    rows: dict[frozenset[str], int] = {}
    for v in problem.visits_by_client.get(client_id, []):
        if only is not None and v.id not in only:
            continue
        able = frozenset(s.id for s in problem.eligible_staff(v))
        if len(able) >= v.staff_required:
            rows[able] = max(rows.get(able, 0), v.staff_required)
    return rows


def _solve_cover(
    rows: dict[frozenset[str], int],
    cost: dict[str, int],
    time_limit_s: float,
    deterministic: bool = False,
) -> tuple[cp_model.CpSolver, int, dict]:
    """The set multicover: each row set holds at least its count of the chosen ids; fewest
    first, then (with ``cost``) the cheapest. (solver, status, pick literals). The limit is
    in deterministic time when ``deterministic``, so a cover cut short is the same run to
    run."""
    model = cp_model.CpModel()
    ids = sorted(set().union(*rows))
    pick = {sid: model.new_bool_var(f"pick[{sid}]") for sid in ids}
    for able, need in rows.items():
        model.add(sum(pick[s] for s in able) >= need)
    scale = 1 + sum(abs(cost.get(s, 0)) for s in ids)  # one id more costs more than any tie
    model.minimize(
        sum((scale + cost.get(s, 0)) * pick[s] for s in ids) if cost else sum(pick.values())
    )
    solver = cp_model.CpSolver()
    time_limit(solver, time_limit_s, deterministic)
    solver.parameters.num_workers = 1
    return solver, solver.solve(model), pick


def min_cover(rows: dict[frozenset[str], int], time_limit_s: float = TIME_LIMIT_S) -> int:
    """Fewest chosen ids such that each row set holds at least its count of them."""
    if not rows:
        return 0
    solver, status, _ = _solve_cover(rows, {}, time_limit_s)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    return max(max(rows.values()), math.ceil(solver.best_objective_bound - 1e-6))


def cheapest_cover(
    rows: dict[frozenset[str], int],
    cost: dict[str, int],
    time_limit_s: float = 0.5,
    deterministic: bool = False,
) -> set[str] | None:
    """The ids of a fewest-first cover of ``rows`` (ties: least ``cost``), or None."""
    if not rows:
        return set()
    solver, status, pick = _solve_cover(rows, cost, time_limit_s, deterministic)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {s for s, literal in pick.items() if solver.value(literal)}


def near_cover(
    rows: dict[frozenset[str], int],
    uses: dict[str, int],
    drop: str,
    time_limit_s: float = 0.5,
    deterministic: bool = False,
) -> set[str] | None:
    """A cover of ``rows`` with one id fewer than ``uses`` (a client's staff -> visits each
    holds) and without ``drop``, keeping as many of the most-used as it can; None if there
    is none. ``lns.recover_move`` moves the client onto it."""
    ids = sorted(set().union(*rows) - {drop}) if rows else []
    model = cp_model.CpModel()
    pick = {sid: model.new_bool_var(f"pick[{sid}]") for sid in ids}
    for able, need in rows.items():
        model.add(sum(pick[s] for s in able if s in pick) >= need)
    model.add(sum(pick.values()) <= len(uses) - 1)
    # Every face kept outweighs any number of newcomers; among faces, the most used first.
    scale = 1 + len(ids) + sum(uses.values())
    model.maximize(sum((scale + uses[s] if s in uses else -1) * pick[s] for s in ids))
    solver = cp_model.CpSolver()
    time_limit(solver, time_limit_s, deterministic)
    solver.parameters.num_workers = 1
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {s for s, literal in pick.items() if solver.value(literal)}


def client_lower_bounds(
    problem: Problem,
    only: Container[str] | None = None,
    time_limit_s: float = TIME_LIMIT_S,
    deadline: float | None = None,
) -> dict[str, int]:
    """Client id -> fewest staff who could cover all its coverable visits (those in
    ``only``, if given; 0: no visits). Past ``deadline`` (``time.perf_counter()``) a client
    with visits gets the trivial bound 1."""
    out = {}
    for c in problem.clients:
        rows = _cover_rows(problem, c.id, only)
        if rows and deadline is not None and time.perf_counter() > deadline:
            out[c.id] = 1
        else:
            out[c.id] = min_cover(rows, time_limit_s)
    return out


def lower_bound_mean(problem: Problem, bounds: dict[str, int] | None = None) -> float:
    """Mean of the per-client bounds over the clients with at least one coverable visit."""
    bounds = client_lower_bounds(problem) if bounds is None else bounds
    counted = [b for b in bounds.values() if b > 0]
    return sum(counted) / len(counted) if counted else 0.0
