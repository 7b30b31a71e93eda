"""A lower bound on the faces of every complete plan, with the roster's time shared.

The continuity floor (``lowerbound.py``) takes each client alone: every client may have
the staff whose shifts cover it best, as if those staff had time for all of them. Here the
clients compete for the same shift minutes. A Dantzig-Wolfe decomposition: a column is one
client's whole assignment (each visit to ``staff_required`` shifts of distinct staff; its
cost is the staff it uses), a row is time that every valid plan must respect:

- each window [a, b] of a shift, from one visit's earliest moment to another's latest end
  (home legs inside the shift taken off both ends), holds the visits that must lie in it,
  each with the part inside the window of its shortest possible leg in (from home, or from
  the place of any visit that could come before it on that shift), less the break when
  its window lies inside (plus one visit's leg charge: the first visit in the window may
  have travelled before a and waited through the break) and the shortest leg home when b
  is the shift's end;
- each staff member's visit minutes stay within ``max_minutes``.

Every valid plan satisfies these rows (hard rules 1-5 and 7 relaxed: the order of stops is
left out), so for any row prices ``lam >= 0`` the Lagrangian value
``sum over clients of min over columns (faces + lam * minutes) - lam * room`` is a lower
bound on the distinct staff of every plan that places all visits. Each client's minimum is
a small CP-SAT model (its proven bound is used when the time runs out), the prices are the
duals of the LP over the columns found so far (GLOP), rows are added where the LP breaks
them. Visits that fewer than ``staff_required`` staff could serve are left out, as in the
floor.

    .venv/bin/python bench/capacity_bound.py --seconds 900
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver.bench import instance_arguments, instance_of  # noqa: E402
from scheduling.solver.chunks import ShiftRef, candidate_shifts, start_domain  # noqa: E402
from scheduling.solver.lowerbound import client_lower_bounds  # noqa: E402
from scheduling.solver.problem import Problem, Visit  # noqa: E402
from scheduling.solver.travel import TravelTimes  # noqa: E402

SCALE = 10_000  # pricing costs are integers: faces * SCALE + prices rounded down
EPS = 1e-6
DIVE_ROUNDS = 5  # column generation rounds between two fixings


@dataclass(frozen=True)
class Slot:
    """Where a visit can lie on one shift: [lo, hi] (its start >= lo, its end <= hi) and
    the shortest leg that can lead into it."""

    lo: int
    hi: int
    lead: int


@dataclass
class Row:
    key: str  # shift key, or "max:<staff id>"
    a: int
    b: int
    room: int
    price: float = 0.0


@dataclass
class Relaxation:
    problem: Problem
    slots: dict[tuple[str, str], Slot]  # (visit id, shift key) -> slot
    refs: dict[str, ShiftRef]
    by_client: dict[str, list[Visit]]
    candidates: dict[str, list[str]]  # visit id -> shift keys
    home_back: dict[str, int]  # shift key -> shortest leg home from any of its visits
    left_out: int
    rows: list[Row] = field(default_factory=list)
    rows_by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    seen: set[tuple[str, int, int]] = field(default_factory=set)

    @cached_property
    def on_shift(self) -> dict[str, list[str]]:
        """Shift key -> ids of the visits it can hold."""
        out: dict[str, list[str]] = defaultdict(list)
        for vid, keys in self.candidates.items():
            for key in keys:
                out[key].append(vid)
        return out

    def coefficient(self, row: Row, vid: str, key: str) -> int:
        """Minutes a visit on the shift ``key`` takes inside the row's window (0: not held,
        or a row of another shift or staff member)."""
        visit = self.problem.visit_by_id[vid]
        if row.key == self.max_key(key):
            return visit.duration
        if row.key != key:
            return 0
        slot = self.slots[vid, key]
        if not (row.a <= slot.lo and slot.hi <= row.b):
            return 0
        return visit.duration + min(slot.lead, slot.lo - row.a)

    def max_key(self, key: str) -> str:
        """The key of the ``max_minutes`` row of the shift's staff member."""
        return f"max:{self.refs[key].staff.id}"

    def rows_of(self, key: str) -> list[int]:
        """The rows a visit on the shift ``key`` can count in."""
        return self.rows_by_key[key] + self.rows_by_key[self.max_key(key)]

    def add_row(self, row: Row) -> int | None:
        tag = (row.key, row.a, row.b)
        if tag in self.seen:
            return None
        self.seen.add(tag)
        self.rows.append(row)
        self.rows_by_key[row.key].append(len(self.rows) - 1)
        return len(self.rows) - 1

    def window_row(self, key: str, a: int, b: int) -> Row:
        sh = self.refs[key].shift
        room = b - a
        if sh.break_ is not None and a <= sh.break_.earliest and sh.break_.latest <= b:
            # The first visit in the window may have travelled before a and waited: then
            # what the row charges it for its leg may be the break's idle time. So the
            # room keeps the largest such charge.
            room -= sh.break_.minutes
            room += max(
                (
                    min(slot.lead, slot.lo - a)
                    for slot in (self.slots[vid, key] for vid in self.on_shift[key])
                    if a <= slot.lo and slot.hi <= b
                ),
                default=0,
            )
        if b == sh.end:
            room -= self.home_back[key]
        return Row(key, a, b, max(room, 0))


def relaxation(problem: Problem, allowance: int = 0) -> Relaxation:
    """The slots of every visit on every shift that can hold it, home legs included.
    ``allowance``: minutes added to every visit's shortest leg in (0 keeps the rows valid
    for every plan; more makes a what-if, not a bound)."""
    tt = TravelTimes(problem)
    refs: dict[str, ShiftRef] = {}
    candidates: dict[str, list[str]] = {}
    on_shift: dict[str, list[Visit]] = defaultdict(list)
    window: dict[tuple[str, str], tuple[int, int]] = {}
    left_out = 0
    for v in problem.visits:
        keys = []
        lo, hi = start_domain(v)
        loc = problem.location_of(v)
        for ref in candidate_shifts(problem, v):
            sh, home = ref.shift, ref.staff.home
            first = max(lo, sh.start + tt.minutes(home, loc))
            last = min(hi + v.duration, sh.end - tt.minutes(loc, home))
            if first + v.duration <= last:
                keys.append(ref.key)
                refs[ref.key] = ref
                on_shift[ref.key].append(v)
                window[v.id, ref.key] = (first, last)
        if len({refs[k].staff.id for k in keys}) < v.staff_required:
            left_out += 1
            for k in keys:
                on_shift[k].remove(v)
            keys = []
        candidates[v.id] = keys
    slots: dict[tuple[str, str], Slot] = {}
    home_back: dict[str, int] = {}
    for key, vs in on_shift.items():
        home = refs[key].staff.home
        home_back[key] = min(tt.minutes(problem.location_of(v), home) for v in vs) if vs else 0
        for v in vs:
            lo, hi = window[v.id, key]
            loc = problem.location_of(v)
            lead = tt.minutes(home, loc) if home is not None else 0
            places = {
                problem.location_of(u)
                for u in vs
                if u.id != v.id and window[u.id, key][0] + u.duration <= hi - v.duration
            }
            for place in places:
                lead = min(lead, tt.minutes(place, loc))
            slots[v.id, key] = Slot(lo, hi, lead + allowance)
    by_client: dict[str, list[Visit]] = defaultdict(list)
    for v in problem.visits:
        if candidates[v.id]:
            by_client[v.client].append(v)
    rel = Relaxation(problem, slots, refs, dict(by_client), candidates, home_back, left_out)
    for key, ref in refs.items():  # every shift's whole time, and every max_minutes
        rel.add_row(rel.window_row(key, ref.shift.start, ref.shift.end))
    for s in problem.staff:
        if s.max_minutes is not None:
            rel.add_row(Row(f"max:{s.id}", 0, 0, s.max_minutes))
    return rel


Column = tuple[tuple[str, str], ...]  # (visit id, shift key) pairs of one client


def price(
    rel: Relaxation, client_id: str, seconds: float
) -> tuple[float, Column | None, int | None]:
    """The client's cheapest column at the rows' prices: (a proven lower bound on its
    cost, the best column found, its faces). The cost is faces plus the priced minutes."""
    problem = rel.problem
    visits = rel.by_client.get(client_id, [])
    if not visits:
        return 0.0, (), 0
    model = cp_model.CpModel()
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    use: dict[str, cp_model.IntVar] = {}
    cost_terms = []
    for v in visits:
        per_staff = defaultdict(list)
        for key in rel.candidates[v.id]:
            x[v.id, key] = lit = model.new_bool_var(f"x[{v.id},{key}]")
            sid = rel.refs[key].staff.id
            per_staff[sid].append(lit)
            if sid not in use:
                use[sid] = model.new_bool_var(f"use[{sid}]")
            model.add_implication(lit, use[sid])
            priced = sum(
                rel.rows[r].price * rel.coefficient(rel.rows[r], v.id, key)
                for r in rel.rows_of(key)
            )
            weight = math.floor(priced * SCALE)
            if weight:
                cost_terms.append(weight * lit)
        model.add(sum(x[v.id, k] for k in rel.candidates[v.id]) == v.staff_required)
        for lits in per_staff.values():
            if len(lits) > 1:
                model.add_at_most_one(lits)
        for pin in v.pinned:
            if pin.staff not in per_staff:
                return math.inf, None, None  # pinned to someone with no shift for it
            model.add(sum(per_staff[pin.staff]) == 1)
    _forbid_clashes(model, rel, visits, x)
    client = problem.client_by_id[client_id]
    if client.max_distinct_staff is not None:
        model.add(sum(use.values()) <= client.max_distinct_staff)
    model.minimize(SCALE * sum(use.values()) + sum(cost_terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return math.inf, None, None
    bound = solver.best_objective_bound / SCALE
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return bound, None, None
    column = tuple(sorted(k for k, lit in x.items() if solver.value(lit)))
    return bound, column, sum(solver.value(u) for u in use.values())


def _forbid_clashes(model: cp_model.CpModel, rel: Relaxation, visits: list[Visit], x) -> None:
    """Two of the client's visits that cannot follow each other on a shift (in either
    order, even with no travel between them) never share it."""
    for i, u in enumerate(visits):
        for v in visits[i + 1 :]:
            for key in set(rel.candidates[u.id]) & set(rel.candidates[v.id]):
                su, sv = rel.slots[u.id, key], rel.slots[v.id, key]
                u_first = su.lo + u.duration <= sv.hi - v.duration
                v_first = sv.lo + v.duration <= su.hi - u.duration
                if not (u_first or v_first):
                    model.add_bool_or([x[u.id, key].Not(), x[v.id, key].Not()])


@dataclass
class Master:
    """The columns found so far and their minutes in each row."""

    rel: Relaxation
    columns: list[tuple[str, Column, int]] = field(default_factory=list)  # client, pairs, faces
    coefs: list[dict[int, int]] = field(default_factory=list)
    by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    known: set[tuple[str, Column]] = field(default_factory=set)
    fixed: dict[str, int] = field(default_factory=dict)  # client -> its one column (dive)
    artificial: dict[str, float] = field(default_factory=dict)  # the LP's use of each
    use: list[float] = field(default_factory=list)  # the last LP's use of each column
    banned: set[int] = field(default_factory=set)  # columns a dive found no room with

    def add_column(self, client_id: str, column: Column, faces: int) -> bool:
        if (client_id, column) in self.known:
            return False
        self.known.add((client_id, column))
        j = len(self.columns)
        self.columns.append((client_id, column, faces))
        self.coefs.append({r: c for r, c in _coefs(self.rel, column).items() if c})
        for k in {k for _, shift in column for k in (shift, self.rel.max_key(shift))}:
            self.by_key[k].append(j)
        return True

    def add_row(self, row: Row) -> None:
        r = self.rel.add_row(row)
        if r is None:
            return
        for j in self.by_key.get(row.key, []):
            c = sum(self.rel.coefficient(row, vid, key) for vid, key in self.columns[j][1])
            if c:
                self.coefs[j][r] = c

    def solve_lp(self) -> tuple[float, dict[str, float]]:
        """(LP value, client duals); the LP's use of each column goes to ``use``, of each
        artificial column to ``artificial``, and the rows' prices to the rows. Each client
        may also take an artificial column that costs more than any real one, so the LP is
        always feasible."""
        lp = pywraplp.Solver.CreateSolver("GLOP")
        rel = self.rel
        z = [
            lp.NumVar(0, 0 if self.fixed.get(c, j) != j or j in self.banned else 1, f"z{j}")
            for j, (c, _, _) in enumerate(self.columns)
        ]
        arts = {}
        conv = {}
        objective = lp.Objective()
        for c, visits in rel.by_client.items():
            art = arts[c] = lp.NumVar(0, 1, f"a[{c}]")
            objective.SetCoefficient(art, 1 + sum(v.staff_required for v in visits))
            conv[c] = lp.Constraint(1, 1, f"one[{c}]")
            conv[c].SetCoefficient(art, 1)
        rows = [lp.Constraint(-lp.infinity(), row.room, f"r{i}") for i, row in enumerate(rel.rows)]
        for j, (c, _, faces) in enumerate(self.columns):
            objective.SetCoefficient(z[j], faces)
            conv[c].SetCoefficient(z[j], 1)
            for r, coef in self.coefs[j].items():
                rows[r].SetCoefficient(z[j], coef)
        objective.SetMinimization()
        status = lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"GLOP status {status}")
        for row, ct in zip(rel.rows, rows, strict=True):
            row.price = max(0.0, -ct.dual_value())
        self.artificial = {c: var.solution_value() for c, var in arts.items()}
        self.use = [var.solution_value() for var in z]
        return objective.Value(), {c: ct.dual_value() for c, ct in conv.items()}

    def separate(self, use: list[float], most: int) -> int:
        """Adds up to ``most`` shift windows that the LP's assignment overfills (the most
        overfilled first); returns how many."""
        rel = self.rel
        share: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for j, amount in enumerate(use):
            if amount > EPS:
                for vid, key in self.columns[j][1]:
                    share[key][vid] += amount
        broken = []
        for key, held in share.items():
            vs = [
                (rel.slots[vid, key], rel.problem.visit_by_id[vid].duration, f)
                for vid, f in held.items()
            ]
            for a in sorted({s.lo for s, _, _ in vs}):
                inside = sorted((s.hi, d + min(s.lead, s.lo - a), f) for s, d, f in vs if s.lo >= a)
                load = 0.0
                for i, (b, minutes, f) in enumerate(inside):
                    load += minutes * f
                    if i + 1 < len(inside) and inside[i + 1][0] == b:
                        continue
                    row = rel.window_row(key, a, b)
                    if load > row.room + 1e-4 and (key, a, b) not in rel.seen:
                        broken.append((load - row.room, row))
        broken.sort(key=lambda item: -item[0])
        for _, row in broken[:most]:
            self.add_row(row)
        return min(len(broken), most)


def generate(
    master: Master, price_seconds: float, rows_per_round: int
) -> tuple[float, float, int, int]:
    """One round: the LP, the windows it overfills added and the LP again, then each
    client not fixed priced at the rows' prices, its column added when it would lower
    the LP. (LP value, Lagrangian bound, rows added, columns added); the bound holds for
    every complete plan only while no client is fixed."""
    rel = master.rel
    lp_value, duals = master.solve_lp()
    added_rows = master.separate(master.use, rows_per_round)
    if added_rows:
        lp_value, duals = master.solve_lp()
    lagrange, added_cols = -sum(row.price * row.room for row in rel.rows), 0
    for c in sorted(rel.by_client):
        if c in master.fixed:
            lagrange += master.columns[master.fixed[c]][2]
            continue
        low, column, faces = price(rel, c, price_seconds)
        lagrange += low
        if column is None:
            continue
        cost = faces + sum(rel.rows[r].price * k for r, k in _coefs(rel, column).items())
        if cost - duals[c] < -EPS and master.add_column(c, column, faces):
            added_cols += 1
    return lp_value, lagrange, added_rows, added_cols


def dive(
    master: Master,
    seconds: float,
    price_seconds: float,
    log=None,
    floors: dict[str, int] | None = None,
) -> int | None:
    """One column per client by diving: column and row generation over the clients not
    yet fixed (a few rounds), then the column the LP uses most is fixed (with every other
    column it uses fully), until every client has one. When the LP, converged, then needs
    a client's artificial column, that step is undone and its column banned. The faces of the
    result when it fills no shift window, else None."""
    start, rel = time.perf_counter(), master.rel
    clients = sorted(rel.by_client)
    step: list[str] = []  # the clients fixed by the last step
    while time.perf_counter() - start < seconds:
        for _ in range(DIVE_ROUNDS):
            _, _, added_rows, added_cols = generate(master, price_seconds, 2000)
            if not added_rows and not added_cols:
                break
        if any(a > EPS for a in master.artificial.values()):
            if added_rows or added_cols:
                continue  # not converged: the columns that would fit may not be found yet
            if not step:
                return None  # no room even before this dive fixed anything
            master.banned.add(master.fixed[step[0]])
            for c in step:
                del master.fixed[c]
            step = []
            continue
        free = [
            j
            for j, (c, _, _) in enumerate(master.columns)
            if c not in master.fixed and j not in master.banned
        ]
        if len(master.fixed) == len(clients):
            break
        use = master.use + [0.0] * (len(master.columns) - len(master.use))  # new: unused
        top = max(free, key=lambda j: (use[j], -master.columns[j][2]))
        step = [master.columns[top][0]]
        master.fixed[step[0]] = top
        for j in free:
            c = master.columns[j][0]
            if use[j] > 1 - EPS and c not in master.fixed:
                master.fixed[c] = j
                step.append(c)
        if log:
            log(
                f"dive: {len(master.fixed)} of {len(clients)} clients fixed "
                f"({sum(master.columns[j][2] for j in master.fixed.values())} faces, floor "
                f"{sum((floors or {}).get(c, 0) for c in master.fixed)}), "
                f"{len(master.banned)} columns banned, {len(rel.rows)} rows, "
                f"{len(master.columns)} columns, {time.perf_counter() - start:.0f} s"
            )
    if len(master.fixed) < len(clients):
        return None
    use = [1.0 if master.fixed[c] == j else 0.0 for j, (c, _, _) in enumerate(master.columns)]
    if master.separate(use, 10_000):
        return None  # the fixed columns break a window the LP had not seen
    return sum(master.columns[j][2] for j in master.fixed.values())


def integer(master: Master, seconds: float, log=None) -> int | None:
    """Fewest faces of one column per client that fill no shift window (rows added as the
    chosen columns break them, until none is broken): an assignment the relaxation
    allows, so its faces are an upper bound on the relaxation's optimum. None: no such
    choice among the columns found within ``seconds``."""
    start, rel = time.perf_counter(), master.rel
    while time.perf_counter() - start < seconds:
        model = cp_model.CpModel()
        z = [model.new_bool_var(f"z{j}") for j in range(len(master.columns))]
        per_client: dict[str, list] = defaultdict(list)
        per_row: dict[int, list] = defaultdict(list)
        for j, (c, _, _) in enumerate(master.columns):
            per_client[c].append(z[j])
            for r, coef in master.coefs[j].items():
                per_row[r].append(coef * z[j])
        for lits in per_client.values():
            model.add_exactly_one(lits)
        for r, terms in per_row.items():
            model.add(sum(terms) <= rel.rows[r].room)
        model.minimize(sum(faces * z[j] for j, (_, _, faces) in enumerate(master.columns)))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(1.0, seconds - (time.perf_counter() - start))
        solver.parameters.num_workers = 2
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = [float(solver.value(lit)) for lit in z]
        broken = master.separate(chosen, 10_000)
        if log:
            log(f"integer: {round(solver.objective_value)} faces, {broken} windows broken")
        if not broken:
            return round(solver.objective_value)
    return None


def bound(
    problem: Problem,
    seconds: float,
    price_seconds: float = 2.0,
    rows_per_round: int = 2000,
    allowance: int = 0,
    integer_seconds: float = 0.0,
    dive_seconds: float = 0.0,
    log=None,
) -> dict:
    """Column and row generation within ``seconds``: the best Lagrangian lower bound on
    the faces of any complete plan, with the LP value and the counts that explain it."""
    start = time.perf_counter()
    rel = relaxation(problem, allowance)
    master = Master(rel)
    clients = sorted(rel.by_client)
    best, lp_value, rounds, converged = -math.inf, math.inf, 0, False
    for c in clients:  # the floor's covers: every client's cheapest column at no price
        _, column, faces = price(rel, c, price_seconds)
        if column is not None:
            master.add_column(c, column, faces)
    while time.perf_counter() - start < seconds:
        rounds += 1
        lp_value, lagrange, added_rows, added_cols = generate(master, price_seconds, rows_per_round)
        best = max(best, lagrange)
        if log:
            log(
                f"round {rounds}: LP {lp_value:.2f}  bound {lagrange:.2f} (best {best:.2f})  "
                f"rows {len(rel.rows)} (+{added_rows})  columns {len(master.columns)} "
                f"(+{added_cols})  {time.perf_counter() - start:.0f} s"
            )
        if not added_cols and not added_rows:
            converged = True
            break
    floor = client_lower_bounds(problem)
    chosen = integer(master, integer_seconds, log) if integer_seconds > 0 else None
    dived = dive(master, dive_seconds, price_seconds, log, floor) if dive_seconds > 0 else None
    return {
        "integer": chosen,
        "dive": dived,
        "pools": {
            c: sorted({master.rel.refs[key].staff.id for _, key in master.columns[j][1]})
            for c, j in master.fixed.items()
        }
        if dived is not None
        else None,
        "bound": best,
        # inf: some client has no column at all (max_distinct_staff, pins): no complete plan
        "faces": math.ceil(best - 1e-6) if math.isfinite(best) else None,
        "lp": lp_value,
        "floor": sum(floor.values()),
        "clients": sum(1 for b in floor.values() if b > 0),
        "rows": len(rel.rows),
        "columns": len(master.columns),
        "rounds": rounds,
        "converged": converged,
        "left_out": rel.left_out,
        "seconds": time.perf_counter() - start,
    }


def _coefs(rel: Relaxation, column: Column) -> dict[int, int]:
    """Minutes of the column in each row that holds any of its visits."""
    out: dict[int, int] = defaultdict(int)
    for vid, key in column:
        for r in rel.rows_of(key):
            out[r] += rel.coefficient(rel.rows[r], vid, key)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    instance_arguments(ap)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--price-seconds", type=float, default=2.0)
    ap.add_argument("--allowance", type=int, default=0, help="travel minutes added per visit")
    ap.add_argument("--integer-seconds", type=float, default=0.0)
    ap.add_argument("--dive-seconds", type=float, default=0.0)
    args = ap.parse_args(argv)
    problem = instance_of(args)
    out = bound(
        problem,
        args.seconds,
        args.price_seconds,
        allowance=args.allowance,
        integer_seconds=args.integer_seconds,
        dive_seconds=args.dive_seconds,
        log=lambda m: print(m, file=sys.stderr),
    )
    floor, n = out["floor"], out["clients"]
    if out["faces"] is None:
        sys.exit(f"no complete plan: bound {out['bound']} after {out['rounds']} rounds")
    print(
        f"floor {floor} faces ({floor / n:.2f} per client); capacity bound {out['bound']:.2f} "
        f"-> at least {out['faces']} faces ({out['faces'] / n:.2f} per client, "
        f"{out['faces'] / floor:.3f} x the floor); 1.25 x the floor is {1.25 * floor:.2f}; "
        f"LP {out['lp']:.2f}; {out['rounds']} rounds, {out['rows']} rows, "
        f"{out['columns']} columns, {'converged' if out['converged'] else 'cut off'} "
        f"in {out['seconds']:.0f} s; {out['left_out']} visits no one can serve left out"
    )
    if args.integer_seconds > 0:
        print(
            f"one column per client, no window overfilled: {out['integer'] or 'none found'} faces"
        )
    if args.dive_seconds > 0:
        print(f"dive, one column per client, no window overfilled: {out['dive'] or 'none'} faces")


if __name__ == "__main__":
    main()
