"""The lead's parser: malformed input names the field and the id; dump/parse round trip."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.solver.generate import generate_problem
from scheduling.solver.problem import ProblemError, Shift, Staff, dump, load, parse

from .tiny import base_problem, client_of, staff_of, t, visit_of


def _del(getter, key):
    return lambda d: getter(d).pop(key)


def _set(getter, **values):
    return lambda d: getter(d).update(values)


def _v1(d):
    return visit_of(d, "v1")


def _s1(d):
    return staff_of(d, "s1")


def _overlapping_shifts(d):
    _s1(d)["shifts"].append({"start": t("15:00"), "end": t("18:00")})


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        (_del(_v1, "duration"), "visits[v1].duration", "required"),
        (_del(_v1, "client"), "visits[v1].client", "required"),
        (_del(lambda d: d, "visits"), "problem.visits", "required"),
        (_set(_v1, duration="thirty"), "visits[v1].duration", "whole number"),
        (_set(_v1, duration=0), "visits[v1].duration", "at least 1"),
        (_set(_v1, staff_required=3), "visits[v1].staff_required", "1 or 2"),
        (_set(_s1, skills="lift"), "staff[s1].skills", "list of strings"),
        (_set(_s1, max_minutes=True), "staff[s1].max_minutes", "whole number"),
        (_set(_v1, client="c9"), "visits[v1].client", "unknown client"),
        (
            _set(lambda d: client_of(d, "cA"), refused_staff=["s9"]),
            "clients[cA].refused_staff",
            "unknown staff",
        ),
        (_set(_v1, pinned=[{"staff": "s9"}]), "visits[v1].pinned", "unknown staff"),
        (_set(_v1, previous={"staff": ["s9"]}), "visits[v1].previous", "unknown staff"),
        (
            _set(lambda d: client_of(d, "cA"), location="nowhere"),
            "clients[cA].location",
            "unknown location",
        ),
        (_set(_v1, latest_start=t("07:00")), "visits[v1]", "before earliest_start"),
        (_overlapping_shifts, "staff[s1].shifts", "overlap"),
        (
            _set(_v1, earliest_start="2026-11-23 08:00"),
            "visits[v1].earliest_start",
            "YYYY-MM-DDTHH:MM",
        ),
        (
            _set(_v1, earliest_start="2026-11-23T25:00"),
            "visits[v1].earliest_start",
            "YYYY-MM-DDTHH:MM",
        ),
        (lambda d: d["horizon"].update(start="23/11/2026"), "horizon.start", "YYYY-MM-DD"),
        (lambda d: d.update(format="teamplan-problem/9"), "format", "teamplan-problem/1"),
        (lambda d: d["visits"].append(dict(d["visits"][0])), "visits[v1]", "duplicate"),
        (lambda d: d.update(weights={"travel_minute": -1}), "weights.travel_minute", "at least 0"),
        (lambda d: d["travel"]["matrix"].update(minutes=[[0]]), "travel.matrix.minutes", "matrix"),
    ],
)
def test_malformed_input_names_field_and_id(edit, path, words):
    data = base_problem()
    edit(data)
    with pytest.raises(ProblemError) as caught:
        parse(data)
    assert caught.value.path == path
    assert words in str(caught.value)
    assert str(caught.value).startswith(path)


def test_not_an_object():
    with pytest.raises(ProblemError, match="problem"):
        parse([])


def test_bad_json_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{not json")
    with pytest.raises(ProblemError, match="not valid JSON"):
        load(str(path))


def test_defaults_and_times():
    problem = parse(base_problem())
    v1 = problem.visit_by_id["v1"]
    assert (v1.earliest_start, v1.latest_start, v1.staff_required) == (480, 540, 1)
    assert problem.weights["unassigned"] == 100000
    assert problem.to_text(480) == "2026-11-23T08:00"
    assert [s.id for s in problem.eligible_staff(problem.visit_by_id["v2"])] == ["s1"]


@pytest.mark.parametrize(
    "data", [base_problem(), generate_problem(2, n_staff=8, n_clients=10, days=3, history_weeks=2)]
)
def test_dump_parse_round_trip(data):
    first = dump(parse(data))
    second = dump(parse(json.loads(json.dumps(first))))
    assert first == second
    assert len(first["visits"]) == len(data["visits"])


@settings(max_examples=300, deadline=None)
@given(
    shifts=st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 600)), min_size=0, max_size=8),
    lo=st.integers(0, 3000),
    width=st.integers(0, 240),
    duration=st.integers(1, 120),
)
def test_holding_shifts_matches_a_scan_of_every_shift(shifts, lo, width, duration):
    """The bisection finds exactly the shifts a scan of every shift finds, whether the
    shifts are sorted and disjoint (as parse makes them) or not (built by hand)."""
    staff = Staff("s", shifts=tuple(Shift(a, a + n) for a, n in shifts))
    problem = dataclasses.replace(parse(base_problem()), staff=(staff,))
    hi = lo + width
    scan = [
        i for i, sh in enumerate(staff.shifts) if max(sh.start, lo) <= min(hi, sh.end - duration)
    ]
    assert problem.holding_shifts(staff, lo, hi, duration) == scan
