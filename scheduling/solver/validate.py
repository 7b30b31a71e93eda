"""Check a plan against PROBLEM-FORMAT.md without the solver, and recompute its objective.

The hard rules 1-7 are re-stated here in plain Python, one function per rule, on purpose
apart from the CP-SAT model (never imported here) so that a modelling bug cannot hide in
both places. Shared facts come from ``problem.py`` (eligibility data), ``travel.py``
(travel minutes) and ``metrics.py`` (routes, distinct staff, travel total).

Rule 0 holds the structural checks: every visit exactly once, no unknown ids. A pinned
visit left unassigned breaks rule 6 (the solver reports such a plan as INFEASIBLE).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import metrics
from .plan import Assignment, Plan
from .problem import Problem, Visit
from .travel import TravelTimes


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: ``rule`` 1-7 as numbered in the format (0: structure)."""

    rule: int
    code: str
    message: str
    visit: str | None = None
    staff: str | None = None
    data: dict = field(default_factory=dict, hash=False, compare=False)  # figures for the UI


def _assigned(problem: Problem, plan: Plan) -> Iterator[tuple[Assignment, Visit]]:
    for a in metrics.known_assignments(problem, plan):
        yield a, problem.visit_by_id[a.visit]


def check_each_visit_once(problem: Problem, plan: Plan) -> list[Violation]:
    """Every visit of the problem appears exactly once, in assignments or unassigned."""
    seen = Counter([a.visit for a in plan.assignments] + [u.visit for u in plan.unassigned])
    out = []
    for v in problem.visits:
        if seen[v.id] == 0:
            out.append(Violation(0, "visit_missing", f"visit {v.id} is in neither list", v.id))
        elif seen[v.id] > 1:
            out.append(
                Violation(0, "visit_repeated", f"visit {v.id} appears {seen[v.id]} times", v.id)
            )
    return out


def check_unknown_ids(problem: Problem, plan: Plan) -> list[Violation]:
    """The plan names only visits and staff that the problem has."""
    out = []
    for vid in [a.visit for a in plan.assignments] + [u.visit for u in plan.unassigned]:
        if vid not in problem.visit_by_id:
            out.append(Violation(0, "unknown_visit", f"visit {vid} is not in the problem", vid))
    for a in plan.assignments:
        for sid in a.staff:
            if sid not in problem.staff_by_id:
                out.append(
                    Violation(
                        0,
                        "unknown_staff",
                        f"staff {sid} on visit {a.visit} is not in the problem",
                        a.visit,
                        sid,
                    )
                )
    return out


def check_staff_and_skills(problem: Problem, plan: Plan) -> list[Violation]:
    """Rule 1: staff_required distinct staff, each with every skill, none refused."""
    out = []
    for a, v in _assigned(problem, plan):
        if len(a.staff) != v.staff_required or len(set(a.staff)) != len(a.staff):
            out.append(
                Violation(
                    1,
                    "wrong_staff_count",
                    f"visit {v.id} needs {v.staff_required} distinct staff, has {list(a.staff)}",
                    v.id,
                )
            )
        refused = problem.client_by_id[v.client].refused_staff
        for sid in a.staff:
            staff = problem.staff_by_id.get(sid)
            if staff is None:
                continue
            missing = sorted(v.skills - staff.skills)
            if missing:
                out.append(
                    Violation(
                        1,
                        "missing_skill",
                        f"staff {sid} lacks {', '.join(missing)} for visit {v.id}",
                        v.id,
                        sid,
                    )
                )
            if sid in refused:
                out.append(
                    Violation(
                        1,
                        "refused_staff",
                        f"client {v.client} has refused staff {sid} (visit {v.id})",
                        v.id,
                        sid,
                    )
                )
    return out


def check_start_windows(problem: Problem, plan: Plan) -> list[Violation]:
    """Rule 2: each start lies in [earliest_start, latest_start]."""
    return [
        Violation(
            2,
            "start_outside_window",
            f"visit {v.id} starts {problem.to_text(a.start)}, outside "
            f"{problem.to_text(v.earliest_start)}-{problem.to_text(v.latest_start)}",
            v.id,
        )
        for a, v in _assigned(problem, plan)
        if not v.earliest_start <= a.start <= v.latest_start
    ]


def _travel_violation(staff: str, leg: metrics.Leg) -> Violation:
    code = "no_time_from_home" if leg.before is None else "no_travel_time"
    code = "no_time_to_home" if leg.after is None else code
    message = (
        f"staff {staff} needs {leg.travel} min from {leg.before or 'home'} to "
        f"{leg.after or 'home'}, has {leg.gap_end - leg.gap_start}"
    )
    data = {
        "needs": leg.travel,
        "has": leg.gap_end - leg.gap_start,
        "from": leg.before,
        "to": leg.after,
    }
    return Violation(3, code, message, leg.after or leg.before, staff, data)


def check_shifts_and_travel(problem: Problem, plan: Plan) -> list[Violation]:
    """Rule 3: visits inside a shift, and travel fits between them and from and to home."""
    travel, out = TravelTimes(problem), []
    for route in metrics.routes(problem, plan):
        if route.shift is None:
            out += [
                Violation(
                    3,
                    "outside_shift",
                    f"visit {a.visit} at {problem.to_text(a.start)} "
                    f"is outside every shift of staff {route.staff}",
                    a.visit,
                    route.staff,
                )
                for a in route.assignments
            ]
            continue
        for leg in metrics.legs(problem, route, travel):
            if leg.gap_end - leg.gap_start < leg.travel:
                out.append(_travel_violation(route.staff, leg))
    return out


def _has_break(problem: Problem, route: metrics.Route, travel: TravelTimes) -> bool:
    """Some gap, less its travel, holds the break and overlaps its window by that much."""
    brk = route.shift.break_
    for leg in metrics.legs(problem, route, travel):
        overlap = min(leg.gap_end, brk.latest) - max(leg.gap_start, brk.earliest)
        if leg.gap_end - leg.gap_start - leg.travel >= brk.minutes and overlap >= brk.minutes:
            return True
    return False


def _shift_routes(problem: Problem, plan: Plan) -> Iterator[metrics.Route]:
    """A route for every shift of every staff member, empty shifts included."""
    found = {(r.staff, r.shift): r for r in metrics.routes(problem, plan) if r.shift is not None}
    for s in problem.staff:
        for sh in s.shifts:
            yield found.get((s.id, sh), metrics.Route(s.id, sh, ()))


def check_breaks(problem: Problem, plan: Plan) -> list[Violation]:
    """Rule 4: each shift with a break has an idle stretch for it inside its window."""
    travel, out = TravelTimes(problem), []
    for route in _shift_routes(problem, plan):
        brk = route.shift.break_
        if brk is not None and not _has_break(problem, route, travel):
            out.append(
                Violation(
                    4,
                    "no_break",
                    f"staff {route.staff} has no {brk.minutes}-min "
                    f"break between {problem.to_text(brk.earliest)} and "
                    f"{problem.to_text(brk.latest)}",
                    None,
                    route.staff,
                    {
                        "minutes": brk.minutes,
                        "earliest": problem.to_text(brk.earliest),
                        "latest": problem.to_text(brk.latest),
                    },
                )
            )
    return out


def check_max_minutes(problem: Problem, plan: Plan) -> list[Violation]:
    """Rule 5: nobody gets more visit minutes than max_minutes."""
    minutes = metrics.visit_minutes_per_staff(problem, plan)
    return [
        Violation(
            5,
            "max_minutes",
            f"staff {s.id} has {minutes[s.id]} visit minutes, more than {s.max_minutes}",
            None,
            s.id,
            {"minutes": minutes[s.id], "max_minutes": s.max_minutes},
        )
        for s in problem.staff
        if s.max_minutes is not None and minutes[s.id] > s.max_minutes
    ]


def check_pins(problem: Problem, plan: Plan) -> list[Violation]:
    """Rule 6: pinned staff are on the visit, at the pinned start when one is given."""
    given = {a.visit: a for a in plan.assignments}
    out = []
    for v in problem.visits:
        for pin in v.pinned:
            a = given.get(v.id)
            if a is None or pin.staff not in a.staff:
                out.append(
                    Violation(
                        6,
                        "pin_dropped",
                        f"staff {pin.staff} is pinned to visit {v.id} but not on it",
                        v.id,
                        pin.staff,
                    )
                )
            elif pin.start is not None and a.start != pin.start:
                out.append(
                    Violation(
                        6,
                        "pin_moved",
                        f"visit {v.id} is pinned to start "
                        f"{problem.to_text(pin.start)}, starts "
                        f"{problem.to_text(a.start)}",
                        v.id,
                        pin.staff,
                    )
                )
    return out


def check_max_distinct_staff(problem: Problem, plan: Plan) -> list[Violation]:
    """Rule 7: no client meets more different staff than max_distinct_staff."""
    counts = metrics.distinct_staff_per_client(problem, plan)
    return [
        Violation(
            7,
            "max_distinct_staff",
            f"client {c.id} is visited by {counts[c.id]} staff, more than {c.max_distinct_staff}",
            data={
                "client": c.id,
                "count": counts[c.id],
                "max_distinct_staff": c.max_distinct_staff,
            },
        )
        for c in problem.clients
        if c.max_distinct_staff is not None and counts[c.id] > c.max_distinct_staff
    ]


CHECKS: tuple[Callable[[Problem, Plan], list[Violation]], ...] = (
    check_each_visit_once,
    check_unknown_ids,
    check_staff_and_skills,
    check_start_windows,
    check_shifts_and_travel,
    check_breaks,
    check_max_minutes,
    check_pins,
    check_max_distinct_staff,
)


def check_plan(problem: Problem, plan: Plan) -> list[Violation]:
    """Every hard-rule violation in ``plan``; empty means valid."""
    return [v for check in CHECKS for v in check(problem, plan)]


# ---------------------------------------------------------------------------------
# the objective, recomputed


def _place_counts(problem: Problem, plan: Plan) -> Counter:
    """Per-visit objective counts: empty places, contact, history, preferred, previous."""
    given = {a.visit: a for a in metrics.known_assignments(problem, plan)}
    counts: Counter = Counter()
    for v in problem.visits:
        client = problem.client_by_id[v.client]
        staff = set(given[v.id].staff) if v.id in given else set()
        counts["unassigned"] += max(0, v.staff_required - len(staff))
        counts["contact_missing"] += not staff & set(client.contact_staff)
        counts["history_missing"] += sum(client.history.get(s, 0) == 0 for s in staff)
        if client.preferred_staff:
            counts["preferred_missing"] += not staff & set(client.preferred_staff)
        if v.previous is not None:
            counts["changed_from_previous"] += len(set(v.previous.staff) - staff)
    return counts


def score_plan(problem: Problem, plan: Plan) -> dict:
    """The objective of PROBLEM-FORMAT.md: counts per weight key, weighted terms, total."""
    counts = _place_counts(problem, plan)
    counts["distinct_staff"] = sum(metrics.distinct_staff_per_client(problem, plan).values())
    counts["travel_minute"] = metrics.travel_minutes(problem, plan)
    keys = list(problem.weights)
    counts_out = {k: int(counts.get(k, 0)) for k in keys}
    terms = {k: problem.weights[k] * counts_out[k] for k in keys}
    return {"counts": counts_out, "terms": terms, "objective": sum(terms.values())}
