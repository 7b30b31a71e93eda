"""``bench/teams.py``: the bench's main measurement on teams of each size given."""

from __future__ import annotations

from .conftest import bench_script

teams_bench = bench_script("teams")


def test_one_row_per_team_size_with_clients_scaled_over_the_bench_days(measured, capsys):
    teams_bench.main(["10", "12", "--time-limit", "2"])
    sizes = [(len(p.staff), len(p.clients), p.days, table, limit) for p, table, limit in measured]
    assert sizes == [(10, 14, 14, "staff 10", 2.0), (12, 17, 14, "staff 12", 2.0)]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| staff | clients | instance") and len(lines) == 4
    assert lines[2].startswith("| 10 | 14 |") and lines[3].startswith("| 12 | 17 |")
