"""``python -m scheduling``: generate, validate and solve as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scheduling.solver.baseline import travel_first
from scheduling.solver.plan import to_json
from scheduling.solver.problem import load, parse

from .conftest import bench_row

ROOT = Path(__file__).resolve().parents[3]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scheduling", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def problem_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "problem.json"
    done = cli(
        "generate", "--seed", "3", "--staff", "8", "--clients", "11", "--days", "2", "-o", str(path)
    )
    assert done.returncode == 0, done.stderr
    return path


def write_baseline_plan(problem_file: Path, out: Path) -> dict:
    problem = load(str(problem_file))
    data = to_json(travel_first(problem), problem)
    out.write_text(json.dumps(data))
    return data


def test_generate_writes_a_problem(problem_file):
    data = json.loads(problem_file.read_text())
    assert data["format"] == "teamplan-problem/1"
    assert data["horizon"]["days"] == 2 and len(data["staff"]) == 8


def test_generate_to_stdout_is_deterministic():
    args = (
        "generate",
        "--seed",
        "5",
        "--staff",
        "6",
        "--clients",
        "8",
        "--days",
        "1",
        "--start",
        "2027-01-04",
    )
    first, second = cli(*args), cli(*args)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert json.loads(first.stdout)["horizon"]["start"] == "2027-01-04"


def test_validate_valid_plan(problem_file, tmp_path):
    write_baseline_plan(problem_file, tmp_path / "plan.json")
    done = cli("validate", str(problem_file), str(tmp_path / "plan.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("valid; objective")
    assert "travel_minute" in done.stdout


def test_validate_invalid_plan_lists_violations(problem_file, tmp_path):
    data = write_baseline_plan(problem_file, tmp_path / "plan.json")
    data["assignments"][0]["start"] = "2030-01-01T03:00"
    data["unassigned"] = data["unassigned"][1:]
    (tmp_path / "plan.json").write_text(json.dumps(data))
    done = cli("validate", str(problem_file), str(tmp_path / "plan.json"))
    assert done.returncode == 1
    assert done.stdout.startswith("invalid:")
    assert "[start_outside_window]" in done.stdout


@pytest.mark.parametrize(
    ("edit", "names"),
    [
        (lambda d: d["visits"][0].pop("duration"), "visits[v0001].duration"),
        (lambda d: d["staff"][1].update(skills="lift"), "staff[s02].skills"),
        (lambda d: d["visits"][2].update(client="nobody"), "visits[v0003].client"),
        (lambda d: d["visits"][0].update(earliest_start="monday"), "visits[v0001].earliest_start"),
    ],
)
def test_malformed_problem_gives_one_line_and_exit_2(problem_file, tmp_path, edit, names):
    data = json.loads(problem_file.read_text())
    edit(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    for args in (("validate", str(bad), str(bad)), ("solve", str(bad), "-o", "-")):
        done = cli(*args)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and names in lines[0], lines


def test_missing_file_and_bad_json_exit_2(tmp_path):
    (tmp_path / "broken.json").write_text("{")
    for path in (tmp_path / "nothing.json", tmp_path / "broken.json"):
        done = cli("validate", str(path), str(path))
        assert done.returncode == 2 and done.stderr.startswith("error:")
        assert "Traceback" not in done.stderr


def test_solve_writes_a_valid_plan(problem_file, tmp_path):
    plan = tmp_path / "plan.json"
    done = cli("solve", str(problem_file), "-o", str(plan), "--time-limit", "5", "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert json.loads(plan.read_text())["format"] == "teamplan-plan/1"
    checked = cli("validate", str(problem_file), str(plan))
    assert checked.returncode == 0, checked.stdout


def test_bench_table_and_files(tmp_path):
    from scheduling.solver import bench

    row = bench_row()
    table = bench.markdown([row])
    assert table.splitlines()[0].startswith("| instance")
    assert "| 1 d × 2 staff × 3 visits | 100.0 | 1.5 |" in table and "| yes |" in table
    # The bench scripts (bench/travel.py, bench/slack.py) put their own columns first.
    head = bench.table_head(("travel factor",)).splitlines()
    assert head[0].startswith("| travel factor | instance")
    assert head[1].count("---|") == len(bench.COLUMNS) + 1
    line = bench.table_row(row, (0.5,))
    assert line.startswith("| 0.5 | 1 d × 2 staff × 3 visits | 100.0 |") and line.endswith(
        "| yes |"
    )
    bench.write([row], str(tmp_path))
    assert json.loads((tmp_path / "results.json").read_text())["rows"][0]["valid"] is True
    assert (tmp_path / "results.csv").read_text().startswith("table,instance,")


def test_bench_variants_measure_the_main_instance_once_per_value(measured, capsys):
    """bench/travel.py and bench/slack.py: one row per value, their own columns first."""
    from scheduling.solver import bench

    varied = []

    def vary(value, seed):
        varied.append((value, seed))
        return f"problem {value}", (value, value * 2)

    bench.variants(["1", "0.5", "--seed", "7", "--time-limit", "3"], "d", ("factor", "twice"), vary)
    assert varied == [(1.0, 7), (0.5, 7)]
    assert measured == [("problem 1.0", "factor 1", 3.0), ("problem 0.5", "factor 0.5", 3.0)]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| factor | twice | instance") and len(lines) == 4
    assert lines[2].startswith("| 1.0 | 2.0 | 1 d × 2 staff × 3 visits |")
    assert lines[3].startswith("| 0.5 | 1.0 | 1 d × 2 staff × 3 visits |")


def test_bench_contact_share_counts_assigned_visits_with_a_contact_person():
    from scheduling.solver import bench

    from .tiny import build, call, make_plan, person

    p = parse(
        build(
            [person("s1", ("07:00", "15:00")), person("s2", ("07:00", "15:00"))],
            [call(v, "c", f"0{h}:00", f"0{h}:30") for v, h in (("a", 8), ("b", 9), ("c", 7))],
            [{"id": "c", "location": "c", "contact_staff": ["s2"]}],
        )
    )
    plan = make_plan({"a": (("s1", "s2"), "08:00"), "b": (("s1",), "09:00")}, ("c",))
    assert bench.contact_pct(p, plan) == 50.0  # a with s2, b without; c is not assigned
