"""The CP-SAT routing model of one chunk (the shifts that start on one day).

Per shift an ``add_circuit`` over a depot node (the staff's home, or nowhere) and
the visits it may take; a visit left out of a shift takes its self-loop. Each visit
has ONE start variable shared by every shift that may take it, so both staff of a
double visit start together. Arc literals carry the travel time and the precedence
``start_j >= start_i + duration_i + travel(i, j)`` (hard rule 3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .chunks import ShiftRef, start_domain
from .plan import Assignment
from .problem import Problem, Visit
from .travel import TravelTimes

DEPOT = ""  # node name of the depot in arcs


def fixed_context(
    problem: Problem, fixed: Iterable[Assignment]
) -> tuple[dict[str, frozenset[str]], dict[str, int]]:
    """What assignments outside a chunk fix for it: client id -> staff they already give
    the client, and capped staff id -> visit minutes ``max_minutes`` still allows."""
    met: dict[str, set[str]] = defaultdict(set)
    used: dict[str, int] = defaultdict(int)
    by_id = problem.visit_by_id
    for a in fixed:  # every chunk of every move builds this: plain loops, no lookups twice
        v = by_id[a.visit]
        held = met[v.client]
        for sid in a.staff:
            held.add(sid)
            used[sid] += v.duration
    left = {s.id: s.max_minutes - used[s.id] for s in problem.staff if s.max_minutes is not None}
    return {c: frozenset(ids) for c, ids in met.items()}, left


@dataclass
class ChunkInput:
    """What the solver fixes around a chunk when it routes it."""

    visits: list[Visit]
    candidates: dict[str, list[ShiftRef]]  # visit id -> shifts that may take it
    used_elsewhere: dict[str, frozenset[str]]  # client id -> staff serving it in other chunks
    free_staff: dict[str, frozenset[str]]  # client id -> staff whose first visit here is free
    minutes_left: dict[str, int]  # staff id -> visit minutes still allowed (capped staff only)
    hint: list[Assignment] = field(default_factory=list)


@dataclass
class Arc:
    tail: str  # visit id or DEPOT
    head: str
    literal: cp_model.IntVar
    travel: int
    on_break: cp_model.IntVar | None = None  # the break is taken in this gap


@dataclass
class Model:
    cp: cp_model.CpModel
    problem: Problem
    tt: TravelTimes
    chunk: ChunkInput
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    performed: dict[str, cp_model.IntVar] = field(default_factory=dict)
    serve: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    assign: dict[tuple[str, str], cp_model.LinearExprT] = field(default_factory=dict)
    shifts: dict[str, ShiftRef] = field(default_factory=dict)
    used: dict[str, cp_model.IntVar] = field(default_factory=dict)
    arcs: dict[str, list[Arc]] = field(default_factory=dict)
    break_start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    new_staff: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)


def build_model(problem: Problem, tt: TravelTimes, chunk: ChunkInput) -> Model:
    """The routing model of one chunk, every hard rule added (objective: objective.py)."""
    m = Model(cp_model.CpModel(), problem, tt, chunk)
    add_start_windows(m)
    add_shift_routes(m)
    add_breaks(m)
    add_staff_count(m)
    add_pins(m)
    add_max_minutes(m)
    add_distinct_staff(m)
    return m


def add_start_windows(m: Model) -> None:
    """Hard rule 2: the start lies in the window (or at the pinned start)."""
    for v in m.chunk.visits:
        lo, hi = start_domain(v)
        m.start[v.id] = m.cp.new_int_var(lo, hi, f"start[{v.id}]")
        m.performed[v.id] = m.cp.new_bool_var(f"performed[{v.id}]")
        for ref in m.chunk.candidates[v.id]:
            m.shifts[ref.key] = ref
            m.serve[v.id, ref.key] = m.cp.new_bool_var(f"serve[{v.id},{ref.key}]")


def _visits_of_shifts(m: Model) -> dict[str, list[Visit]]:
    out: dict[str, list[Visit]] = {k: [] for k in m.shifts}
    for v in m.chunk.visits:
        for ref in m.chunk.candidates[v.id]:
            out[ref.key].append(v)
    return out


def add_shift_routes(m: Model) -> None:
    """Hard rule 3: per shift a circuit from home through its visits and back, with travel."""
    for key, visits in _visits_of_shifts(m).items():
        ref = m.shifts[key]
        m.used[key] = m.cp.new_bool_var(f"used[{key}]")
        m.arcs[key] = _route_arcs(m, ref, visits)
        nodes = {DEPOT: 0} | {v.id: i + 1 for i, v in enumerate(visits)}
        circuit = [(0, 0, ~m.used[key])]
        circuit += [(nodes[v.id], nodes[v.id], ~m.serve[v.id, key]) for v in visits]
        circuit += [(nodes[a.tail], nodes[a.head], a.literal) for a in m.arcs[key]]
        m.cp.add_circuit(circuit)
        for v in visits:
            m.cp.add_implication(m.serve[v.id, key], m.used[key])


def _route_arcs(m: Model, ref: ShiftRef, visits: list[Visit]) -> list[Arc]:
    """Arcs that time windows allow; each enforces its precedence when chosen."""
    sh, home, tt, p = ref.shift, ref.staff.home, m.tt, m.problem
    arcs = []
    for v in visits:
        lo, hi = start_domain(v)
        loc, serve, start = p.location_of(v), m.serve[v.id, ref.key], m.start[v.id]
        out_t, back_t = tt.minutes(home, loc), tt.minutes(loc, home)
        # Leaving home and coming back bound the start directly when the shift takes v.
        m.cp.add(start >= sh.start + out_t).only_enforce_if(serve)
        m.cp.add(start + v.duration + back_t <= sh.end).only_enforce_if(serve)
        if sh.start + out_t > hi or lo + v.duration + back_t > sh.end:
            m.cp.add(serve == 0)
            continue
        arcs.append(Arc(DEPOT, v.id, m.cp.new_bool_var(f"arc[{ref.key},home,{v.id}]"), out_t))
        arcs.append(Arc(v.id, DEPOT, m.cp.new_bool_var(f"arc[{ref.key},{v.id},home]"), back_t))
        for w in visits:
            t = tt.minutes(loc, p.location_of(w))
            if w is v or lo + v.duration + t > start_domain(w)[1]:
                continue
            lit = m.cp.new_bool_var(f"arc[{ref.key},{v.id},{w.id}]")
            m.cp.add(m.start[w.id] >= start + v.duration + t).only_enforce_if(lit)
            arcs.append(Arc(v.id, w.id, lit, t))
    return arcs


def _gap_bounds(m: Model, ref: ShiftRef, arc: Arc):
    """(earliest free moment, expr for it, latest next start, expr for it) of an arc's gap."""
    sh = ref.shift
    if arc.tail == DEPOT:
        lo_from, free_from = sh.start, sh.start
    else:
        v = m.problem.visit_by_id[arc.tail]
        lo_from, free_from = start_domain(v)[0] + v.duration, m.start[v.id] + v.duration
    if arc.head == DEPOT:
        hi_to, free_until = sh.end, sh.end
    else:
        hi_to, free_until = start_domain(m.problem.visit_by_id[arc.head])[1], m.start[arc.head]
    return lo_from, free_from, hi_to, free_until


def add_breaks(m: Model) -> None:
    """Hard rule 4: a used shift takes its break in one gap, idle (travel comes after it)."""
    for key, arcs in m.arcs.items():
        brk = m.shifts[key].shift.break_
        if brk is None or brk.minutes == 0:
            continue
        bs = m.cp.new_int_var(brk.earliest, brk.latest - brk.minutes, f"break_start[{key}]")
        m.break_start[key] = bs
        choices = []
        for arc in arcs:
            lo_from, free_from, hi_to, free_until = _gap_bounds(m, m.shifts[key], arc)
            begin = max(lo_from, brk.earliest)
            if begin + brk.minutes > brk.latest or begin + brk.minutes + arc.travel > hi_to:
                continue
            arc.on_break = m.cp.new_bool_var(f"break_after[{key},{arc.tail or 'home'}]")
            m.cp.add_implication(arc.on_break, arc.literal)
            m.cp.add(bs >= free_from).only_enforce_if(arc.on_break)
            m.cp.add(bs + brk.minutes + arc.travel <= free_until).only_enforce_if(arc.on_break)
            choices.append(arc.on_break)
        m.cp.add(sum(choices) == m.used[key])


def add_staff_count(m: Model) -> None:
    """Hard rule 1: a performed visit has exactly staff_required distinct staff."""
    for v in m.chunk.visits:
        by_staff: dict[str, list] = {}
        for ref in m.chunk.candidates[v.id]:
            by_staff.setdefault(ref.staff.id, []).append(m.serve[v.id, ref.key])
        for sid, serves in by_staff.items():
            m.cp.add(sum(serves) <= 1)  # one person cannot fill two places
            m.assign[v.id, sid] = sum(serves)
        m.cp.add(sum(m.assign[v.id, s] for s in by_staff) == v.staff_required * m.performed[v.id])


def add_pins(m: Model) -> None:
    """Hard rule 6: pinned staff are on the visit whenever it is performed."""
    for v in m.chunk.visits:
        for pin in v.pinned:
            if (v.id, pin.staff) in m.assign:
                m.cp.add(m.assign[v.id, pin.staff] == m.performed[v.id])
            else:
                m.cp.add(m.performed[v.id] == 0)  # reasons.py names the conflict


def add_max_minutes(m: Model) -> None:
    """Hard rule 5: visit minutes within what each capped staff member has left."""
    for sid, left in m.chunk.minutes_left.items():
        terms = [
            v.duration * m.assign[v.id, sid] for v in m.chunk.visits if (v.id, sid) in m.assign
        ]
        if terms:
            m.cp.add(sum(terms) <= max(left, 0))


def add_distinct_staff(m: Model) -> None:
    """Hard rule 7, and new_staff[c, s] = staff s meets client c for the first time here."""
    for client in m.problem.clients:
        visits = [v for v in m.chunk.visits if v.client == client.id]
        elsewhere = m.chunk.used_elsewhere.get(client.id, frozenset())
        new = {}
        for v in visits:
            for ref in m.chunk.candidates[v.id]:
                sid = ref.staff.id
                if sid in elsewhere:
                    continue
                if sid not in new:
                    new[sid] = m.cp.new_bool_var(f"new_staff[{client.id},{sid}]")
                    m.new_staff[client.id, sid] = new[sid]
                m.cp.add(new[sid] >= m.serve[v.id, ref.key])
        if client.max_distinct_staff is not None and new:
            m.cp.add(len(elsewhere) + sum(new.values()) <= client.max_distinct_staff)
