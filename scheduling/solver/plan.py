"""The plan of PROBLEM-FORMAT.md ("teamplan-plan/1"): dataclasses, reading and writing.

Unassigned visits carry a machine ``code`` and ``data`` (for the UI to translate) besides
the format's English ``reason`` sentence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .problem import Problem, ProblemError

PLAN_FORMAT = "teamplan-plan/1"
STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")


@dataclass(frozen=True)
class Assignment:
    visit: str
    staff: tuple[str, ...]
    start: int  # minute of the horizon


@dataclass(frozen=True)
class Unassigned:
    visit: str
    reason: str  # an English sentence a person can act on
    code: str = "not_placed"  # machine code, e.g. "no_skilled_staff_on_shift"
    data: dict = field(default_factory=dict, hash=False)


@dataclass
class Plan:
    problem: str
    status: str
    assignments: list[Assignment]
    unassigned: list[Unassigned]
    objective: float | None = None
    bound: float | None = None
    solve_seconds: float = 0.0
    metrics: dict[str, Any] = field(default_factory=dict)

    def assignment_of(self, visit_id: str) -> Assignment | None:
        for a in self.assignments:
            if a.visit == visit_id:
                return a
        return None


def to_json(plan: Plan, problem: Problem) -> dict:
    """The plan as PROBLEM-FORMAT.md JSON (times as wall-clock text)."""
    return {
        "format": PLAN_FORMAT,
        "problem": plan.problem,
        "status": plan.status,
        "assignments": [
            {"visit": a.visit, "staff": list(a.staff), "start": problem.to_text(a.start)}
            for a in sorted(plan.assignments, key=lambda a: (a.start, a.visit))
        ],
        "unassigned": [
            {"visit": u.visit, "reason": u.reason, "code": u.code, "data": u.data}
            for u in plan.unassigned
        ],
        "objective": plan.objective,
        "bound": plan.bound,
        "solve_seconds": round(plan.solve_seconds, 3),
        "metrics": plan.metrics,
    }


def parse_plan(data: Any, problem: Problem) -> Plan:
    """Read plan JSON against its problem; shape errors raise ProblemError (path named)."""
    if not isinstance(data, dict):
        raise ProblemError("plan", "expected an object")
    fmt = data.get("format", PLAN_FORMAT)
    if fmt != PLAN_FORMAT:
        raise ProblemError("plan.format", f"expected {PLAN_FORMAT!r}, got {fmt!r}")
    assignments = []
    for i, a in enumerate(data.get("assignments") or []):
        path = f"plan.assignments[{i}]"
        if not isinstance(a, dict) or not isinstance(a.get("visit"), str):
            raise ProblemError(path, "expected an object with a visit id")
        staff = a.get("staff")
        if not isinstance(staff, list) or not all(isinstance(s, str) for s in staff):
            raise ProblemError(f"{path}.staff", "expected a list of staff ids")
        try:
            start = problem.to_minute(a["start"])
        except (KeyError, TypeError, ValueError):
            raise ProblemError(f"{path}.start", "expected YYYY-MM-DDTHH:MM") from None
        assignments.append(Assignment(visit=a["visit"], staff=tuple(staff), start=start))
    unassigned = []
    for i, u in enumerate(data.get("unassigned") or []):
        if not isinstance(u, dict) or not isinstance(u.get("visit"), str):
            raise ProblemError(f"plan.unassigned[{i}]", "expected an object with a visit id")
        unassigned.append(
            Unassigned(
                visit=u["visit"],
                reason=str(u.get("reason", "")),
                code=str(u.get("code", "not_placed")),
                data=u.get("data") or {},
            )
        )
    return Plan(
        problem=str(data.get("problem", "")),
        status=str(data.get("status", "UNKNOWN")),
        assignments=assignments,
        unassigned=unassigned,
        objective=data.get("objective"),
        bound=data.get("bound"),
        solve_seconds=float(data.get("solve_seconds") or 0.0),
        metrics=data.get("metrics") or {},
    )


def load_plan(path: str, problem: Problem) -> Plan:
    """Read a plan file; JSON syntax errors become ProblemError."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ProblemError("plan", f"not valid JSON: {exc}") from None
    return parse_plan(data, problem)
