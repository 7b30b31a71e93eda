"""Tiny problems built in code for the solver tests (one day unless told)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scheduling.solver import bench
from scheduling.solver.plan import Plan
from scheduling.solver.problem import Problem, parse
from scheduling.solver.solve import solve
from scheduling.solver.validate import check_plan

DAY = "2026-11-23"
OFFICE = (58.4035, 15.5786)
TWO_DAYS = ("2026-11-23", "2026-11-24")


def bench_script(name: str) -> ModuleType:
    """A script of the repository's ``bench/`` folder (not a package), loaded as a module."""
    path = Path(__file__).resolve().parents[3] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def bench_row() -> bench.Row:
    """A bench table row with made-up figures (for the table code and stubbed measures)."""
    return bench.Row(
        table="main",
        instance="1 d × 2 staff × 3 visits",
        days=1,
        staff=2,
        visits=3,
        time_limit_s=5.0,
        coverage_pct=100.0,
        continuity=1.5,
        lb_mean=1.0,
        ratio_to_lb=1.5,
        travel_minutes=40,
        travel_ratio_to_baseline=0.9,
        contact_pct=33.3,
        baseline_coverage_pct=66.7,
        baseline_continuity=2.0,
        greedy_coverage_pct=66.7,
        greedy_continuity=1.5,
        time_s=5.1,
        valid=True,
        violations=0,
        status="FEASIBLE",
    )


@pytest.fixture
def measured(monkeypatch) -> list[tuple]:
    """``bench.measure`` stubbed: each call's (problem, table, time limit), ``bench_row()``
    returned (the bench/ scripts' tables without solving)."""
    calls: list[tuple] = []
    monkeypatch.setattr(
        bench,
        "measure",
        lambda p, table, limit, workers: calls.append((p, table, limit)) or bench_row(),
    )
    return calls


def at(hhmm: str, day: str = DAY) -> str:
    return f"{day}T{hhmm}"


def staff(
    sid: str,
    shifts=(("07:00", "15:00"),),
    skills=(),
    brk=None,
    max_minutes=None,
    home: str | None = "office",
    day: str = DAY,
    days: tuple[str, ...] = (),
) -> dict:
    """A staff member; ``brk`` = (earliest, latest, minutes) for every shift; the same
    shifts on each of ``days`` when given, else on ``day``."""
    out = {"id": sid, "name": sid, "skills": list(skills), "shifts": []}
    for d in days or (day,):
        for a, b in shifts:
            sh = {"start": at(a, d), "end": at(b, d)}
            if brk:
                sh["break"] = {
                    "earliest": at(brk[0], d),
                    "latest": at(brk[1], d),
                    "minutes": brk[2],
                }
            out["shifts"].append(sh)
    if home:
        out["home"] = home
    if max_minutes is not None:
        out["max_minutes"] = max_minutes
    return out


def client(cid: str, **extra) -> dict:
    return {"id": cid, "location": f"{cid}-home", **extra}


def visit(
    vid: str, cid: str, earliest: str, latest: str, duration: int = 30, day: str = DAY, **extra
) -> dict:
    return {
        "id": vid,
        "client": cid,
        "earliest_start": at(earliest, day),
        "latest_start": at(latest, day),
        "duration": duration,
        **extra,
    }


def problem(staff_list, clients, visits, offsets=None, days: int = 1, **extra) -> Problem:
    """Parse a problem; client homes sit ``offsets[cid]`` km east of the office (default 1)."""
    offsets = offsets or {}
    locations = [{"id": "office", "lat": OFFICE[0], "lon": OFFICE[1]}]
    for c in clients:
        km = offsets.get(c["id"], 1.0)
        locations.append(
            {"id": c["location"], "lat": OFFICE[0], "lon": OFFICE[1] + km / (111.32 * 0.5240)}
        )
    return parse(
        {
            "format": "teamplan-problem/1",
            "name": "test",
            "horizon": {"start": DAY, "days": days},
            "locations": locations,
            "staff": staff_list,
            "clients": clients,
            "visits": visits,
            **extra,
        }
    )


def assert_valid(p: Problem, plan: Plan) -> None:
    """Every visit once, and no hard-rule violation by the independent validator."""
    seen = [a.visit for a in plan.assignments] + [u.visit for u in plan.unassigned]
    assert sorted(seen) == sorted(v.id for v in p.visits)
    assert check_plan(p, plan) == []


FAST = {"time_limit_s": 2, "workers": 1, "seed": 0, "deterministic": True}


def solved(p: Problem, **kw) -> Plan:
    """Solve quickly and repeatably, and check the plan is valid."""
    plan = solve(p, **{**FAST, **kw})
    assert_valid(p, plan)
    return plan


def one_hour_each_day(clients: list[str], s1_max_minutes: int | None = None):
    """s1 works 08:00-09:00 on both days, s2 on the first, s3 on the second (no home);
    each client has a visit at 08:00 sharp for the whole hour on both days."""
    hour = (("08:00", "09:00"),)
    crew = [
        staff("s1", hour, home=None, days=TWO_DAYS, max_minutes=s1_max_minutes),
        staff("s2", hour, home=None, day=TWO_DAYS[0]),
        staff("s3", hour, home=None, day=TWO_DAYS[1]),
    ]
    visits = [
        visit(f"{c}-{i}", c, "08:00", "08:00", duration=60, day=d)
        for c in clients
        for i, d in enumerate(TWO_DAYS)
    ]
    return problem(crew, [client(c) for c in clients], visits, days=2)


def chain_day() -> Problem:
    """Three staff, 07:00-15:00, all at 08:00 sharp (30 min). The insulin visit V can only
    go to A, who has U; U's client refuses C, so U can only go to B, who has W; W can go
    to C. One ejection (U off A) finds B busy: only the chain V -> A, U -> B, W -> C
    places everything."""
    return problem(
        [staff("A", skills=["insulin"]), staff("B"), staff("C")],
        [client("cV"), client("cU", refused_staff=["C"]), client("cW")],
        [
            visit("V", "cV", "08:00", "08:00", skills=["insulin"]),
            visit("U", "cU", "08:00", "08:00"),
            visit("W", "cW", "08:00", "08:00"),
        ],
    )
