"""``bench/rounds.py``: fixed runs over a roster with the fewest different staff each."""

from __future__ import annotations

import pytest

from .conftest import at, bench_script, client, problem, visit

rounds = bench_script("rounds")

# Four days. A and B together work every day, and so do C and D; on each day two are on.
DAYS = {"A": (0, 1), "B": (2, 3), "C": (0, 2), "D": (1, 3)}
ON = {0: ["A", "C"], 1: ["A", "D"], 2: ["B", "C"], 3: ["B", "D"]}


def _roster():
    days = [f"2026-11-{23 + d}" for d in range(4)]
    staff = [
        {
            "id": sid,
            "shifts": [{"start": at("07:00", days[d]), "end": at("15:30", days[d])} for d in on]
            + [{"start": at("14:00", days[3]), "end": at("22:00", days[3])}] * (sid == "A"),
        }
        for sid, on in DAYS.items()
    ]
    return problem(staff, [client("c1")], [visit("v1", "c1", "08:00", "09:00")], days=4)


def test_on_shift_lists_per_day_the_staff_whose_shift_spans_the_block():
    p = _roster()
    assert rounds.on_shift(p, rounds.BLOCKS["morning"]) == ON
    # A's one evening shift (day 3) is the only one spanning the evening block.
    assert rounds.on_shift(p, rounds.BLOCKS["evening"]) == {0: [], 1: [], 2: [], 3: ["A"]}


def test_two_runs_go_to_the_two_complementary_pairs():
    got = rounds.fewest_faces(ON, 2, time_limit_s=10, workers=1)
    assert got.optimal and got.faces == got.bound == 4
    assert sorted(sorted(set(run.values())) for run in got.staff) == [["A", "B"], ["C", "D"]]
    for run in got.staff:
        assert all(run[day] in ON[day] for day in ON) and len(run) == len(ON)
    for day in ON:  # nobody takes two runs on a day
        assert len({run[day] for run in got.staff}) == 2


def test_one_run_leaves_a_floater_each_day_and_needs_two_staff():
    got = rounds.fewest_faces(ON, 1, time_limit_s=10, workers=1)
    assert got.optimal and got.faces == 2 and got.floor == 2
    assert sorted(set(got.staff[0].values())) in (["A", "B"], ["C", "D"])


def test_more_runs_than_staff_on_a_day_is_an_error():
    with pytest.raises(ValueError, match="no runs"):
        rounds.fewest_faces(ON, 3, time_limit_s=5, workers=1)


def test_one_run_alone_needs_the_fewest_staff_on_shift_between_them_every_day():
    assert rounds.run_floor(ON) == 2
    assert rounds.run_floor({0: ["A", "B"], 1: ["A"], 2: ["A", "C"]}) == 1
    assert rounds.run_floor({0: ["A"], 1: ["B"], 2: ["C"]}) == 3
