"""The instance generator: deterministic, realistic proportions, every visit coverable."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scheduling.solver.generate import (
    generate_problem,
    generate_team,
    occurrences,
    team_to_problem,
)
from scheduling.solver.problem import parse
from scheduling.solver.travel import haversine_km

CARE_KINDS = {"morning", "lunch", "dinner", "evening", "check", "late_check"}
MON = date(2026, 11, 23)


@pytest.fixture(scope="module")
def default_problems():
    return [parse(generate_problem(seed)) for seed in range(3)]


@pytest.mark.parametrize(
    ("weekdays", "every", "start", "days", "anchor", "expected"),
    [
        ((0,), 1, MON, 14, None, [date(2026, 11, 23), date(2026, 11, 30)]),
        ((0,), 2, MON, 14, None, [date(2026, 11, 23)]),
        ((2, 4), 1, MON, 7, None, [date(2026, 11, 25), date(2026, 11, 27)]),
        (tuple(range(7)), 1, MON, 3, None, [MON, date(2026, 11, 24), date(2026, 11, 25)]),
        ((0,), 2, MON, 21, date(2026, 11, 30), [date(2026, 11, 30)]),
        ((5, 6), 1, date(2026, 11, 27), 2, None, [date(2026, 11, 28)]),
        ((3,), 1, MON, 0, None, []),
    ],
)
def test_occurrences_table(weekdays, every, start, days, anchor, expected):
    assert occurrences(weekdays, every, start, days, anchor=anchor) == expected


def test_occurrences_rejects_zero_weeks():
    with pytest.raises(ValueError):
        occurrences((0,), 0, MON, 7)


def test_same_seed_same_team_other_seed_other_team():
    assert generate_team(7) == generate_team(7)
    assert generate_problem(7, history_weeks=4) == generate_problem(7, history_weeks=4)
    assert generate_team(7) != generate_team(8)


def test_problem_is_json_and_parses():
    data = generate_problem(1, history_weeks=4)
    problem = parse(json.loads(json.dumps(data)))
    assert problem.days == 14 and problem.horizon_start.weekday() == 0
    assert any(c.history for c in problem.clients)
    assert all(s.home == "office" and s.max_minutes for s in problem.staff)


def test_default_visit_count_in_range(default_problems):
    for problem in default_problems:
        assert 1300 <= len(problem.visits) <= 1700


def test_every_visit_has_enough_eligible_staff(default_problems):
    for problem in default_problems:
        short = [v.id for v in problem.visits if len(problem.eligible_staff(v)) < v.staff_required]
        assert short == []


@pytest.mark.parametrize(("n_staff", "days"), [(10, 14), (20, 7), (40, 28)])
def test_other_sizes_are_coverable(n_staff, days):
    problem = parse(
        generate_problem(3, n_staff=n_staff, n_clients=round(n_staff * 50 / 35), days=days)
    )
    assert len(problem.staff) == n_staff and problem.days == days
    assert all(len(problem.eligible_staff(v)) >= v.staff_required for v in problem.visits)


def test_client_mix(default_problems):
    for problem in default_problems:
        kinds = {c.id: {v.kind for v in problem.visits_by_client[c.id]} for c in problem.clients}
        service_only = sum(not (k & CARE_KINDS) for k in kinds.values())
        assert 0.35 <= service_only / len(kinds) <= 0.45
        insulin = sum(
            any("insulin" in v.skills for v in problem.visits_by_client[c]) for c in kinds
        )
        assert 0.15 <= insulin / len(kinds) <= 0.25


def test_double_staffing_share_and_tight_insulin_windows(default_problems):
    for problem in default_problems:
        care = [v for v in problem.visits if v.kind in CARE_KINDS]
        doubles = [v for v in care if v.staff_required == 2]
        assert 0.05 <= len(doubles) / len(care) <= 0.10
        assert all("lift" in v.skills for v in doubles)
        insulin = [v for v in care if "insulin" in v.skills]
        assert insulin and all(v.latest_start - v.earliest_start <= 60 for v in insulin)


def test_staff_mix(default_problems):
    team = generate_team(0)
    subs = sum(s.substitute for s in team.staff)
    assert 0.10 <= subs / len(team.staff) <= 0.20
    assert {s.role for s in team.staff} == {"undersköterska", "vårdbiträde"}
    assert 0.4 <= sum("insulin" in s.skills for s in team.staff) / len(team.staff) <= 0.6
    assert sum("lift" in s.skills for s in team.staff) / len(team.staff) >= 0.7
    assert all(0.75 <= s.employment_rate <= 1.0 for s in team.staff)
    for c in team.clients:
        assert 1 <= len(c.contact_staff) <= 2
        assert all(team.staff[int(sid[1:]) - 1].role == "undersköterska" for sid in c.contact_staff)


def test_no_one_works_two_shifts_a_day_or_days_after_evenings():
    team = generate_team(2)
    for s in team.staff:
        days = [sh.start.date() for sh in s.shifts]
        assert len(days) == len(set(days))
        for a, b in zip(s.shifts, s.shifts[1:], strict=False):
            assert (b.start - a.end).total_seconds() >= 9 * 3600


def test_visit_time_is_about_half_of_shift_time(default_problems):
    for problem in default_problems:
        visit = sum(v.duration * v.staff_required for v in problem.visits)
        shift = sum(sh.end - sh.start for s in problem.staff for sh in s.shifts)
        assert 0.35 <= visit / shift <= 0.65


def test_clients_live_in_town_near_the_office():
    problem = parse(generate_problem(4))
    office = problem.location_by_id["office"]
    assert all(haversine_km(office, loc) <= 3.0 for loc in problem.locations)


def test_team_to_problem_uses_start_and_days():
    team = generate_team(5, n_staff=12, n_clients=15, start=date(2027, 1, 4), days=7)
    problem = parse(team_to_problem(team))
    assert problem.horizon_start == date(2027, 1, 4) and problem.days == 7
    assert all(0 <= v.earliest_start < 7 * 1440 for v in problem.visits)
    assert all(not c.history for c in problem.clients)


# The two examples were generator defects: a refusal of the only other lift-skilled staff on
# the evening shift (seed 1461), and no insulin-delegated staff on a morning shift of a small
# team (seed 445140); generate._make_coverable handles both. 450 random draws found no other.
# derandomize keeps CI repeatable.
@settings(max_examples=20, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), n_staff=st.integers(10, 40), days=st.integers(1, 14))
@example(seed=1461, n_staff=10, days=1)
@example(seed=445140, n_staff=11, days=14)
def test_any_seed_gives_coverable_visits(seed, n_staff, days):
    problem = parse(
        generate_problem(seed, n_staff=n_staff, n_clients=round(n_staff * 50 / 35), days=days)
    )
    assert all(len(problem.eligible_staff(v)) >= v.staff_required for v in problem.visits)


def test_generator_defects_are_closed(monkeypatch):
    from scheduling.solver import generate

    def short(seed, n_staff, days):
        p = parse(
            generate_problem(seed, n_staff=n_staff, n_clients=round(n_staff * 50 / 35), days=days)
        )
        return [v.id for v in p.visits if len(p.eligible_staff(v)) < v.staff_required]

    cases = ((1461, 10, 1), (445140, 11, 14))  # a blocking refusal; no insulin on a shift
    assert all(not short(*case) for case in cases)
    monkeypatch.setattr(generate, "_make_coverable", lambda team: team)
    assert all(short(*case) for case in cases)  # the roster alone leaves them short
