"""Benchmarks on generated instances: the solver against the continuity floor and the
travel-first baseline (and the continuity-first greedy), every plan checked by the validator.

``run()`` prints a markdown table and, with ``out_dir``, writes ``results.json`` and
``results.csv``. Default: the 14-day, 35-staff instance at the full time limit, then a
scaling table (7/14/28 days; 20/40/80 staff with clients scaled alike) at a shorter limit.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import metrics
from .baseline import continuity_first, travel_first
from .generate import generate_problem
from .lowerbound import lower_bound_mean
from .objective import place_counts
from .plan import Plan
from .problem import Problem, parse
from .validate import check_plan

SEED = 1
CLIENTS_PER_STAFF = 50 / 35
MAIN = (14, 35)  # days, staff
SCALING = ((7, 35), (14, 35), (28, 35), (14, 20), (14, 40), (14, 80))
QUICK = (3, 8)
MAIN_LIMIT_S, SCALING_LIMIT_S, QUICK_LIMIT_S = 60.0, 30.0, 10.0


NOTES = (
    "Continuity = mean distinct staff per client over clients with an assigned visit; LB = the "
    "per-client floor (lowerbound.py); ratio to LB = continuity / LB mean. Baseline = "
    "travel-first dispatcher, greedy = continuity-first dispatcher (baseline.py), both run on "
    "the same instance. Continuity and travel of plans with different coverage are not "
    "comparable on their own: read them with the coverage column."
)


@dataclass
class Row:
    """One benchmark line."""

    table: str
    instance: str
    days: int
    staff: int
    visits: int
    time_limit_s: float
    coverage_pct: float
    continuity: float
    lb_mean: float
    ratio_to_lb: float
    travel_minutes: int
    travel_ratio_to_baseline: float
    contact_pct: float
    baseline_coverage_pct: float
    baseline_continuity: float
    greedy_coverage_pct: float
    greedy_continuity: float
    time_s: float
    valid: bool
    violations: int
    status: str


def instance(days: int, n_staff: int, seed: int = SEED) -> Problem:
    """The generated benchmark instance of that size."""
    n_clients = round(n_staff * CLIENTS_PER_STAFF)
    return parse(generate_problem(seed, n_staff=n_staff, n_clients=n_clients, days=days))


def instance_arguments(ap: argparse.ArgumentParser) -> None:
    """``--days``, ``--staff`` and ``--seed`` (the generator's): which bench instance a
    ``bench/`` script runs on (default: the main one); ``instance_of`` builds it."""
    ap.add_argument("--days", type=int, default=MAIN[0])
    ap.add_argument("--staff", type=int, default=MAIN[1])
    ap.add_argument("--seed", type=int, default=SEED, help="the generator's seed")


def instance_of(args: argparse.Namespace) -> Problem:
    """The instance ``instance_arguments`` asked for."""
    return instance(args.days, args.staff, args.seed)


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def contact_pct(problem: Problem, plan: Plan) -> float:
    """Share of the assigned visits that one of the client's contact persons takes part
    in (DOMAIN.md section 6), in percent; the objective's ``contact_missing`` count."""
    by_id = problem.visit_by_id
    hits = sum(
        1 - place_counts(problem, by_id[a.visit], set(a.staff))["contact_missing"]
        for a in plan.assignments
    )
    return round(100 * hits / len(plan.assignments), 1) if plan.assignments else 0.0


def measure(problem: Problem, table: str, time_limit_s: float, workers: int | None) -> Row:
    """Solve one instance and compare it with the floor and the baseline."""
    from .solve import solve

    began = time.perf_counter()
    plan = solve(problem, time_limit_s=time_limit_s, workers=workers, seed=0)
    took = time.perf_counter() - began
    base, greedy = travel_first(problem), continuity_first(problem)
    lb = lower_bound_mean(problem)
    continuity = metrics.continuity_mean(problem, plan)
    travel = metrics.travel_minutes(problem, plan)
    violations = check_plan(problem, plan)
    return Row(
        table=table,
        instance=f"{problem.days} d × {len(problem.staff)} staff × {len(problem.visits)} visits",
        days=problem.days,
        staff=len(problem.staff),
        visits=len(problem.visits),
        time_limit_s=time_limit_s,
        coverage_pct=round(100 * metrics.coverage(problem, plan), 1),
        continuity=round(continuity, 2),
        lb_mean=round(lb, 2),
        ratio_to_lb=_ratio(continuity, lb),
        travel_minutes=travel,
        travel_ratio_to_baseline=_ratio(travel, metrics.travel_minutes(problem, base)),
        contact_pct=contact_pct(problem, plan),
        baseline_coverage_pct=round(100 * metrics.coverage(problem, base), 1),
        baseline_continuity=round(metrics.continuity_mean(problem, base), 2),
        greedy_coverage_pct=round(100 * metrics.coverage(problem, greedy), 1),
        greedy_continuity=round(metrics.continuity_mean(problem, greedy), 2),
        time_s=round(took, 1),
        valid=not violations,
        violations=len(violations),
        status=plan.status,
    )


COLUMNS = (
    ("instance", "instance (days × staff × visits)"),
    ("coverage_pct", "coverage %"),
    ("continuity", "mean distinct staff/client"),
    ("lb_mean", "LB mean"),
    ("ratio_to_lb", "ratio to LB"),
    ("travel_minutes", "travel min"),
    ("travel_ratio_to_baseline", "travel ÷ baseline"),
    ("contact_pct", "visits with contact %"),
    ("baseline_coverage_pct", "baseline coverage %"),
    ("baseline_continuity", "baseline distinct staff/client"),
    ("greedy_coverage_pct", "continuity-first greedy coverage %"),
    ("greedy_continuity", "greedy distinct staff/client"),
    ("time_s", "time (s)"),
    ("valid", "valid"),
)


def table_head(lead: tuple[str, ...] = ()) -> str:
    """The markdown table's title and rule lines; ``lead``: titles of columns put first."""
    titles = [*lead, *(title for _, title in COLUMNS)]
    return "| " + " | ".join(titles) + " |\n|" + "---|" * len(titles)


def table_row(row: Row, lead: tuple = ()) -> str:
    """One row of the markdown table; ``lead``: values of the columns put first."""
    values = asdict(row)
    cells = [
        "yes" if values[k] is True else "NO" if values[k] is False else str(values[k])
        for k, _ in COLUMNS
    ]
    return "| " + " | ".join([*map(str, lead), *cells]) + " |"


def variants(
    argv: list[str] | None,
    description: str,
    lead: tuple[str, ...],
    vary: Callable[[float, int], tuple[Problem, tuple]],
) -> None:
    """The main of a ``bench/`` script that measures the main instance once per value on its
    command line: ``vary(value, seed)`` gives the problem and the values of the script's
    own ``lead`` columns (the first is the value's title), printed before the bench's."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("values", type=float, nargs="+", metavar=lead[0].replace(" ", "_"))
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--time-limit", type=float, default=MAIN_LIMIT_S)
    args = ap.parse_args(argv)
    print(table_head(lead))
    for value in args.values:
        problem, cells = vary(value, args.seed)
        row = measure(problem, f"{lead[0]} {value:g}", args.time_limit, None)
        print(table_row(row, cells), flush=True)


def markdown(rows: list[Row]) -> str:
    """The rows as a markdown table."""
    return "\n".join([table_head(), *map(table_row, rows)])


def write(rows: list[Row], out_dir: str) -> None:
    """results.json and results.csv in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    (out / "results.json").write_text(
        json.dumps({"date": stamp, "rows": [asdict(r) for r in rows]}, indent=1, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    with open(out / "results.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)


def _plan_runs(quick: bool, time_limit_s: float | None) -> list[tuple[str, int, int, float]]:
    if quick:
        return [("quick", *QUICK, time_limit_s or QUICK_LIMIT_S)]
    main = time_limit_s or MAIN_LIMIT_S
    scaling = min(main, SCALING_LIMIT_S)
    return [("main", *MAIN, main)] + [("scaling", d, s, scaling) for d, s in SCALING]


def run(
    quick: bool = False,
    time_limit_s: float | None = None,
    out_dir: str | None = None,
    workers: int | None = None,
) -> int:
    """Run the benchmark, print the tables; exit code 1 if any plan is invalid."""
    rows = []
    for table, days, n_staff, limit in _plan_runs(quick, time_limit_s):
        print(
            f"bench: {table} {days} days, {n_staff} staff, limit {limit:g} s",
            file=sys.stderr,
            flush=True,
        )
        rows.append(measure(instance(days, n_staff), table, limit, workers))
    for table in dict.fromkeys(r.table for r in rows):
        part = [r for r in rows if r.table == table]
        print(f"\n### {table} (seed {SEED}, time limit {part[0].time_limit_s:g} s per instance)\n")
        print(markdown(part))
    print(f"\n{NOTES}")
    if out_dir:
        write(rows, out_dir)
    return 0 if all(r.valid for r in rows) else 1
