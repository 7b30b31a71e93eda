"""``bench/horizon.py``: the same solve with the horizon move off and on."""

from __future__ import annotations

from scheduling.solver import lns

from .conftest import bench_script, client, problem, staff, visit

horizon_bench = bench_script("horizon")
DAYS = ("2026-11-23", "2026-11-24", "2026-11-25")


def _three_days():
    """c1 each morning, c2 each midday; s1 works all three days, s2 the first two."""
    visits = [
        v
        for i, day in enumerate(DAYS)
        for v in (
            visit(f"a{i}", "c1", "08:00", "09:00", day=day),
            visit(f"b{i}", "c2", "11:00", "12:00", day=day),
        )
    ]
    team = [staff("s1", days=DAYS), staff("s2", days=DAYS[:2]), staff("s3", days=DAYS[2:])]
    return problem(team, [client("c1"), client("c2")], visits, days=3)


def test_the_move_on_proves_the_plan_optimal_and_off_leaves_it_unproven():
    p = _three_days()
    kept = lns.HORIZON_ARCS
    off = horizon_bench.measure(p, on=False, seed=0, time_limit_s=1)
    assert lns.HORIZON_ARCS == kept  # restored
    on = horizon_bench.measure(p, on=True, seed=0, time_limit_s=3)
    assert lns.HORIZON_ARCS == kept
    assert off.valid and on.valid and off.out == on.out == 0
    assert off.status == "FEASIBLE" and on.status == "OPTIMAL"
    assert on.faces == 2 and on.objective <= off.objective  # s1 can take everything


def test_the_table_has_a_row_per_team_and_seed(monkeypatch, capsys):
    monkeypatch.setattr(horizon_bench, "TEAMS", ((1, 3, 4, 2),))
    seen = []

    def fake(problem, on, seed, time_limit_s):
        seen.append((on, seed, time_limit_s))
        return horizon_bench.Result(1000 if on else 2000, 4, 0, "FEASIBLE", True)

    monkeypatch.setattr(horizon_bench, "measure", fake)
    horizon_bench.main(["--seeds", "3", "5", "--time-limit", "7"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 3 x 4")]
    assert len(rows) == 2 and rows[0].endswith("| 0.500 |")
    assert seen == [(False, 3, 7.0), (True, 3, 7.0), (False, 5, 7.0), (True, 5, 7.0)]
