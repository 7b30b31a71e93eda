"""Command line: ``python -m scheduling solve|validate|generate|bench``.

Malformed input gives one error line naming the field and id (exit 2), never a traceback.
The solver is imported only by ``solve`` and ``bench``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from scheduling.solver import metrics
from scheduling.solver.plan import load_plan, to_json
from scheduling.solver.problem import ProblemError, load

EXIT_INVALID = 1
EXIT_BAD_INPUT = 2


def _progress(event: dict) -> None:
    parts = [f"{event.get('elapsed_s', 0):7.1f}s", str(event.get("phase", ""))]
    for key in ("objective", "bound"):
        if event.get(key) is not None:
            parts.append(f"{key} {event[key]:.0f}")
    print("  ".join(parts), file=sys.stderr, flush=True)


def _write_json(data: dict, path: str | None) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if path in (None, "-"):
        print(text)
        return
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")


def cmd_solve(args: argparse.Namespace) -> int:
    """Solve a problem file and write the plan."""
    problem = load(args.problem)
    from scheduling.solver.solve import solve

    plan = solve(
        problem,
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        progress=_progress,
    )
    _write_json(to_json(plan, problem), args.output)
    figures = metrics.summary(problem, plan)
    print(f"{plan.status}: " + ", ".join(f"{k} {v}" for k, v in figures.items()), file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a plan against its problem; print the score or the violations."""
    from scheduling.solver.validate import check_plan, score_plan

    problem = load(args.problem)
    plan = load_plan(args.plan, problem)
    violations = check_plan(problem, plan)
    if violations:
        print(f"invalid: {len(violations)} violation(s)")
        for v in violations:
            print(f"  rule {v.rule} [{v.code}] {v.message}")
        return EXIT_INVALID
    score = score_plan(problem, plan)
    print(f"valid; objective {score['objective']}")
    for key, count in score["counts"].items():
        print(f"  {key}: {count} x {problem.weights[key]} = {score['terms'][key]}")
    for key, value in metrics.summary(problem, plan).items():
        print(f"  {key}: {value}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    """Write a generated problem."""
    from scheduling.solver.generate import generate_team, team_to_problem

    team = generate_team(
        args.seed, n_staff=args.staff, n_clients=args.clients, start=args.start, days=args.days
    )
    data = team_to_problem(team, history_weeks=args.history_weeks, rng_seed=args.seed)
    _write_json(data, args.output)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmark table."""
    from scheduling.solver import bench

    return bench.run(
        quick=args.quick, time_limit_s=args.time_limit, out_dir=args.out, workers=args.workers
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its four subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m scheduling", description="Teamplan solver tools"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="solve problem.json into a plan")
    p.add_argument("problem")
    p.add_argument("-o", "--output", default="-", help="plan file (default: stdout)")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    p.add_argument("--workers", type=int, default=None, help="CP-SAT workers (default: cores)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_solve)
    p = sub.add_parser("validate", help="check plan.json against problem.json")
    p.add_argument("problem")
    p.add_argument("plan")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("generate", help="write a generated problem")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--staff", type=int, default=35)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--start", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    p.add_argument("--history-weeks", type=int, default=0)
    p.add_argument("-o", "--output", default="-", help="problem file (default: stdout)")
    p.set_defaults(func=cmd_generate)
    p = sub.add_parser("bench", help="benchmark table on generated instances")
    p.add_argument("--quick", action="store_true", help="one small instance (CI smoke)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds per main instance")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--out", default=None, help="directory for results.json and results.csv")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ProblemError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
