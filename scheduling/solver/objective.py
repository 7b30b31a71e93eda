"""The objective of PROBLEM-FORMAT.md: CP-SAT terms for a chunk, and the same sum for a plan.

``objective_terms`` returns (expression, coefficient, weight key) triples, one family
per weight key. A chunk's terms are the *marginal* cost of the chunk with every
other chunk fixed, so the chunk optimum never makes the whole plan worse.
"""

from __future__ import annotations

from collections import defaultdict
from weakref import WeakKeyDictionary

from ortools.sat.python import cp_model

from .model import Model
from .plan import Assignment, Plan
from .problem import Client, Problem, Visit
from .routes import route_travel, routes_of
from .travel import TravelTimes

Term = tuple[cp_model.LinearExprT, int, str]

# A pinned visit is dropped only when its pins contradict: make that the last resort.
PINNED_DROP_FACTOR = 100


def objective_terms(m: Model) -> list[Term]:
    """All objective terms of a chunk model, weighted by the problem's weights."""
    w = m.problem.weights
    terms: list[Term] = []
    for v in m.chunk.visits:
        factor = PINNED_DROP_FACTOR if v.pinned else 1
        terms.append(
            (v.staff_required * (1 - m.performed[v.id]), w["unassigned"] * factor, "unassigned")
        )
        terms += _visit_terms(m, v)
    for (cid, sid), new in m.new_staff.items():
        if sid not in m.chunk.free_staff.get(cid, frozenset()):
            terms.append((new, w["distinct_staff"], "distinct_staff"))
    for arcs in m.arcs.values():
        terms += [(a.literal, w["travel_minute"], "travel_minute") for a in arcs if a.travel]
    return [t for t in terms if t[1]]


def _visit_terms(m: Model, v: Visit) -> list[Term]:
    """Contact, history, preference and change terms of one visit."""
    w, client = m.problem.weights, m.problem.client_by_id[v.client]
    staff = [sid for (vid, sid) in m.assign if vid == v.id]
    terms: list[Term] = []
    for key, wanted in (
        ("contact_missing", client.contact_staff),
        ("preferred_missing", client.preferred_staff),
    ):
        # Counted on every visit, performed or not (as validate.score_plan does);
        # a client without contact staff pays a constant, left out here.
        if wanted:
            miss = m.cp.new_bool_var(f"{key}[{v.id}]")
            hits = [m.assign[v.id, s] for s in staff if s in wanted]
            m.cp.add(miss >= 1 - sum(hits))
            terms.append((miss, w[key], key))
    terms += [
        (m.assign[v.id, s], w["history_missing"], "history_missing")
        for s in staff
        if not client.history.get(s)
    ]
    if v.previous is not None:
        kept = [m.assign[v.id, s] for s in v.previous.staff if s in staff]
        terms.append(
            (len(v.previous.staff) - sum(kept), w["changed_from_previous"], "changed_from_previous")
        )
    return terms


def minimize(m: Model) -> list[Term]:
    """Set the chunk's objective; returns its terms."""
    terms = objective_terms(m)
    m.cp.minimize(sum(coef * expr for expr, coef, _ in terms))
    return terms


def plan_travel(problem: Problem, tt: TravelTimes, assignments: list[Assignment]) -> int:
    """Total travel minutes of all routes, home legs included."""
    return sum(
        route_travel(tt, ref, stops) for ref, stops in routes_of(problem, assignments).items()
    )


PLACE_KEYS = ("contact_missing", "preferred_missing", "history_missing", "changed_from_previous")


def _place_terms(client: Client, v: Visit, staff: set[str] | frozenset[str]) -> tuple:
    """The PLACE_KEYS counts, in that order (a tuple: ``score`` runs this for every visit of
    every plan it scores)."""
    return (
        int(staff.isdisjoint(client.contact_staff)),
        int(bool(client.preferred_staff) and staff.isdisjoint(client.preferred_staff)),
        sum(1 for s in staff if not client.history.get(s)),
        sum(1 for s in v.previous.staff if s not in staff) if v.previous is not None else 0,
    )


def place_counts(problem: Problem, v: Visit, staff: set[str] | frozenset[str]) -> dict[str, int]:
    """The per-place weight keys' counts of ``v`` served by ``staff`` (empty: not served):
    no contact staff among them (counted on every visit, served or not, as the format
    does), no preferred staff (clients with preferences), staff without history with the
    client, previous staff no longer on it."""
    terms = _place_terms(problem.client_by_id[v.client], v, staff)
    return dict(zip(PLACE_KEYS, terms, strict=True))


# Problem -> (visit id, staff) -> place_cost: the greedy and the repairs ask for the same
# few places hundreds of thousands of times.
_PLACE_COSTS: WeakKeyDictionary[Problem, dict[tuple[str, frozenset[str]], int]] = (
    WeakKeyDictionary()
)


def place_cost(problem: Problem, v: Visit, staff: set[str] | frozenset[str]) -> int:
    """What giving ``v`` to ``staff`` costs besides faces and travel (``place_counts``
    weighted): the insertion heuristics choose by it, so they see the objective's terms."""
    costs = _PLACE_COSTS.get(problem)
    if costs is None:
        costs = _PLACE_COSTS[problem] = {}
    key = (v.id, frozenset(staff))
    cost = costs.get(key)
    if cost is None:
        w = problem.weights
        terms = _place_terms(problem.client_by_id[v.client], v, staff)
        cost = costs[key] = sum(w.get(k, 0) * n for k, n in zip(PLACE_KEYS, terms, strict=True))
    return cost


def score(
    problem: Problem, tt: TravelTimes, assignments: list[Assignment], travel: int | None = None
) -> dict[str, int]:
    """Each weight key's raw count for a plan (PROBLEM-FORMAT.md, "The objective");
    ``travel``: the plan's travel minutes when the caller already knows them."""
    counts = defaultdict(int)
    done = {a.visit: a for a in assignments}
    met: dict[str, set[str]] = defaultdict(set)
    totals, clients = [0] * len(PLACE_KEYS), problem.client_by_id
    for v in problem.visits:
        a = done.get(v.id)
        staff = set(a.staff) if a else set()
        met[v.client] |= staff
        counts["unassigned"] += 0 if a else v.staff_required
        contact, preferred, history, changed = _place_terms(clients[v.client], v, staff)
        totals[0] += contact
        totals[1] += preferred
        totals[2] += history
        totals[3] += changed
    counts.update(zip(PLACE_KEYS, totals, strict=True))
    counts["distinct_staff"] = sum(len(s) for s in met.values())
    counts["travel_minute"] = plan_travel(problem, tt, assignments) if travel is None else travel
    return dict(counts)


def weighted(problem: Problem, counts: dict[str, int]) -> int:
    """The objective value of a plan's counts."""
    return sum(problem.weights.get(k, 0) * n for k, n in counts.items())


def plan_objective(problem: Problem, plan: Plan) -> int:
    """The objective of a finished plan in the format's units."""
    return weighted(problem, score(problem, TravelTimes(problem), plan.assignments))
