"""Solve one chunk's routing model: parameters, a full hint from an incumbent, read-back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model import DEPOT, ChunkInput, Model, build_model
from .objective import minimize
from .plan import Assignment
from .problem import Problem
from .routes import break_slot, routes_of
from .travel import TravelTimes


@dataclass(frozen=True)
class Budget:
    """How long one CP-SAT call may run, and how it is made repeatable or stopped."""

    seconds: float  # budget used: deterministic time in repeatable runs, else wall time
    workers: int = 1
    seed: int = 0
    deterministic: bool = False
    should_stop: Callable[[], bool] | None = None
    # Called while CP-SAT runs (each solution, and every WATCH_EVERY_S on a long call).
    on_progress: Callable[[], None] | None = None


# A call of at least WATCH_AFTER_S is watched from a thread every WATCH_EVERY_S: progress,
# and a cancel stops it then, not only at CP-SAT's next solution (which may not come).
WATCH_AFTER_S, WATCH_EVERY_S = 2.0, 0.5


@dataclass
class ChunkResult:
    assignments: list[Assignment]
    status: str
    objective: float
    bound: float
    seconds: float  # budget used: deterministic time in repeatable runs, else wall time


class _Callback(cp_model.CpSolverSolutionCallback):
    """On each solution: tell the caller (progress of a long call), and end the search
    early when the caller cancels."""

    def __init__(self, budget: Budget):
        super().__init__()
        self.budget = budget

    def on_solution_callback(self) -> None:
        if _poll(self.budget):
            self.stop_search()


def _poll(budget: Budget) -> bool:
    """Report progress; True when the caller cancels."""
    if budget.on_progress:
        budget.on_progress()
    return bool(budget.should_stop and budget.should_stop())


def _watch(solver: cp_model.CpSolver, budget: Budget, done: threading.Event) -> None:
    """Until ``done``: report progress and stop the search once the caller cancels
    (``CpSolver.stop_search`` may be called from another thread)."""
    while not done.wait(WATCH_EVERY_S):
        if _poll(budget):
            solver.stop_search()
            return


def time_limit(solver: cp_model.CpSolver, seconds: float, deterministic: bool) -> None:
    """Wall time, or deterministic time when repeatability is asked for."""
    if deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds


def configure(solver: cp_model.CpSolver, budget: Budget) -> None:
    """The budget's time limit (at least 0.05 s), workers and seed."""
    time_limit(solver, max(budget.seconds, 0.05), budget.deterministic)
    params = solver.parameters
    params.num_workers = budget.workers
    params.random_seed = budget.seed


def solve_chunk(
    problem: Problem, tt: TravelTimes, chunk: ChunkInput, budget: Budget, presolve: bool = False
) -> ChunkResult | None:
    """Route one chunk; None when CP-SAT finds no solution in its budget.

    ``presolve``: worth it on a small chunk (a window of a day, ``Search.window_input``)."""
    began = time.perf_counter()
    m = build_model(problem, tt, chunk)
    minimize(m)
    add_hint(m, chunk.hint)
    solver = cp_model.CpSolver()
    configure(solver, budget)
    # Presolve of a whole day's circuits costs seconds and the hint already gives a
    # complete solution, so go straight to search (LNS) from the hint.
    solver.parameters.cp_model_presolve = presolve
    callback = _Callback(budget) if budget.should_stop or budget.on_progress else None
    done = threading.Event()
    if callback and budget.seconds >= WATCH_AFTER_S:
        threading.Thread(target=_watch, args=(solver, budget, done), daemon=True).start()
    try:
        status = solver.solve(m.cp, callback)
    finally:
        done.set()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return ChunkResult(
        read_back(m, solver),
        solver.status_name(status),
        solver.objective_value,
        solver.best_objective_bound,
        # What the budget is charged: repeatable runs count CP-SAT's deterministic time,
        # as their limit does, so a loaded machine does not change the plan.
        solver.response_proto.deterministic_time
        if budget.deterministic
        else time.perf_counter() - began,
    )


def read_back(m: Model, solver: cp_model.CpSolver) -> list[Assignment]:
    """The performed visits with their staff and start."""
    out = []
    for v in m.chunk.visits:
        if solver.value(m.performed[v.id]):
            staff = tuple(
                sorted(sid for (vid, sid), x in m.assign.items() if vid == v.id and solver.value(x))
            )
            out.append(Assignment(v.id, staff, solver.value(m.start[v.id])))
    return out


def add_hint(m: Model, hint: list[Assignment]) -> None:
    """Hint every variable from an incumbent so CP-SAT starts from a complete solution."""
    hint = [
        a for a in hint if a.visit in m.performed and all((a.visit, s) in m.assign for s in a.staff)
    ]
    hinted = {a.visit for a in hint}
    for vid, var in m.performed.items():
        m.cp.add_hint(var, vid in hinted)
    for a in hint:
        m.cp.add_hint(m.start[a.visit], a.start)
    routes = {
        ref.key: stops for ref, stops in routes_of(m.problem, hint).items() if ref.key in m.shifts
    }
    for (vid, key), var in m.serve.items():
        m.cp.add_hint(var, any(s[0] == vid for s in routes.get(key, [])))
    for key in m.shifts:
        _hint_route(m, key, routes.get(key, []))


def _hint_route(m: Model, key: str, stops: list) -> None:
    """Hint a shift's used flag, arcs and break from its stops in order."""
    m.cp.add_hint(m.used[key], bool(stops))
    order = [DEPOT] + [s[0] for s in stops] + [DEPOT]
    chosen = set(zip(order, order[1:], strict=False)) if stops else set()
    slot = break_slot(m.tt, m.shifts[key], stops)
    for arc in m.arcs[key]:
        m.cp.add_hint(arc.literal, (arc.tail, arc.head) in chosen)
        if arc.on_break is not None:
            on = slot is not None and (arc.tail, arc.head) == (order[slot[0]], order[slot[0] + 1])
            m.cp.add_hint(arc.on_break, on)
    if key in m.break_start and slot is not None:
        m.cp.add_hint(m.break_start[key], slot[1])
