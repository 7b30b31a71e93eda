"""Realistic team instances (DOMAIN.md section 4): the one generator behind the CLI's
``generate``, the benchmarks and the app's demo data (``flask seed-demo``).

``generate_team`` describes a team the way the app stores it (staff with skills and
self-entered shifts, clients with recurring care needs and coordinates);
``team_to_problem`` expands it into the problem JSON of PROBLEM-FORMAT.md.

Shifts are drawn from the demand: for every day the generator adds shifts until each care
window (morning, lunch, service hours, dinner, evening) has at most ``PEAK_LOAD`` of its
on-shift staff minutes taken by visits, for all visits and separately for the insulin and
lift visits. No night visits are generated because no night shifts are.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from .population import USK, make_clients, make_staff
from .problem import PROBLEM_FORMAT, TIME_FORMAT, parse
from .roster import build_roster
from .teamspec import ClientSpec, NeedSpec, ShiftSpec, StaffSpec, TeamSpec

__all__ = [
    "ClientSpec",
    "NeedSpec",
    "ShiftSpec",
    "StaffSpec",
    "TeamSpec",
    "generate_problem",
    "generate_team",
    "occurrences",
    "team_to_problem",
]


OFFICE = (58.41, 15.62)  # Linköping
DEFAULT_START = date(2026, 11, 23)  # a Monday; fixed so that a seed always gives the same team


def occurrences(
    weekdays: tuple[int, ...] | list[int],
    every_n_weeks: int,
    start: date,
    days: int,
    anchor: date | None = None,
) -> list[date]:
    """Dates in ``[start, start + days)`` on ``weekdays`` (0 = Monday) every n-th week.

    Weeks are whole 7-day blocks counted from ``anchor`` (default: ``start``), and the
    block holding ``anchor`` is week 0, so every-other-week needs fall in weeks 0, 2, 4...
    """
    if every_n_weeks < 1:
        raise ValueError("every_n_weeks must be at least 1")
    anchor = start if anchor is None else anchor
    out = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        week = (day - anchor).days // 7
        if day.weekday() in weekdays and week % every_n_weeks == 0:
            out.append(day)
    return out


def generate_team(
    seed: int,
    n_staff: int = 35,
    n_clients: int = 50,
    start: date | None = None,
    days: int = 14,
) -> TeamSpec:
    """A realistic self-directed team around Linköping (deterministic for a seed)."""
    rng = random.Random(seed)
    start = DEFAULT_START if start is None else start
    staff = make_staff(rng, n_staff)
    clients = make_clients(rng, n_clients, staff, OFFICE)
    demand = [
        (day, need)
        for c in clients
        for need in c.needs
        for day in occurrences(need.weekdays, need.every_n_weeks, start, days)
    ]
    shifts = build_roster(rng, staff, demand, start, days)
    team = TeamSpec(
        name=f"Team Ryd (seed {seed})",
        area="Ryd, Linköping",
        start=start,
        days=days,
        office_lat=OFFICE[0],
        office_lon=OFFICE[1],
        staff=tuple(_with_shifts(s, shifts.get(s.id, ())) for s in staff),
        clients=clients,
    )
    return _make_coverable(team)


def _make_coverable(team: TeamSpec) -> TeamSpec:
    """The roster covers the demand by skills and shifts, not by refusals, and a small team
    can end up with no delegated staff on some shift. A visit with too few eligible staff
    loses its client's refusals when a refused staff member could take it; else staff on a
    fitting shift get its skills (a delegation, undersköterskor first): what a team lead
    would arrange."""
    for _ in range(len(team.staff) * 4):
        problem = parse(team_to_problem(team))
        short = [v for v in problem.visits if len(problem.eligible_staff(v)) < v.staff_required]
        if not short:
            return team
        refusing = {
            v.client
            for v in short
            for sid in problem.client_by_id[v.client].refused_staff
            if v.skills <= problem.staff_by_id[sid].skills
            and problem.fitting_shifts(problem.staff_by_id[sid], v)
        }
        if refusing:
            team = replace(
                team,
                clients=tuple(
                    replace(c, refused_staff=()) if c.id in refusing else c for c in team.clients
                ),
            )
            continue
        v = short[0]
        have = {s.id for s in problem.eligible_staff(v)}
        able = sorted(
            (
                s
                for s in team.staff
                if s.id not in have and problem.fitting_shifts(problem.staff_by_id[s.id], v)
            ),
            key=lambda s: (s.role != USK, s.id),
        )
        give = {s.id for s in able[: v.staff_required - len(have)]}
        if not give:
            return team  # nobody on shift at all: the roster's own gap, left visible
        team = replace(
            team,
            staff=tuple(
                replace(s, skills=tuple(sorted(set(s.skills) | v.skills))) if s.id in give else s
                for s in team.staff
            ),
        )
    return team


def _with_shifts(s: StaffSpec, shifts: tuple[ShiftSpec, ...]) -> StaffSpec:
    return StaffSpec(
        s.id,
        s.name,
        s.role,
        s.skills,
        s.substitute,
        s.employment_rate,
        s.contracted_minutes_week,
        tuple(sorted(shifts, key=lambda x: x.start)),
    )


# ---------------------------------------------------------------------------------
# team -> problem JSON


def _text(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def _at(day: date, hhmm: str) -> str:
    return _text(datetime.combine(day, time.fromisoformat(hhmm)))


def _shift_json(sh: ShiftSpec) -> dict:
    out: dict = {"start": _text(sh.start), "end": _text(sh.end)}
    if sh.break_minutes and sh.break_earliest and sh.break_latest:
        out["break"] = {
            "earliest": _text(sh.break_earliest),
            "latest": _text(sh.break_latest),
            "minutes": sh.break_minutes,
        }
    return out


def _staff_json(s: StaffSpec, days: int) -> dict:
    return {
        "id": s.id,
        "name": s.name,
        "skills": list(s.skills),
        "home": "office",
        "substitute": s.substitute,
        "max_minutes": math.floor(s.contracted_minutes_week * days / 7),
        "shifts": [_shift_json(sh) for sh in s.shifts],
    }


def _visits_json(team: TeamSpec) -> list[dict]:
    rows = []
    for c in team.clients:
        for need in c.needs:
            for day in occurrences(need.weekdays, need.every_n_weeks, team.start, team.days):
                rows.append(
                    {
                        "client": c.id,
                        "earliest_start": _at(day, need.window_start),
                        "latest_start": _at(day, need.window_end),
                        "duration": need.duration,
                        "staff_required": need.staff_required,
                        "skills": list(need.skills),
                        "kind": need.kind,
                    }
                )
    rows.sort(key=lambda r: (r["earliest_start"], r["client"], r["kind"]))
    width = max(4, len(str(len(rows))))
    return [{"id": f"v{i + 1:0{width}d}", **r} for i, r in enumerate(rows)]


def _history(team: TeamSpec, client: ClientSpec, weeks: int, rng: random.Random) -> dict:
    """Synthetic visits per staff before the horizon: contact staff most, then a few others."""
    per_week = sum(n.staff_required * len(n.weekdays) / n.every_n_weeks for n in client.needs)
    total = round(per_week * weeks)
    if total == 0:
        return {}
    others = [s.id for s in team.staff if s.id not in client.refused_staff]
    pool = list(client.contact_staff) + rng.sample(others, min(len(others), rng.randint(3, 8)))
    weights = [4.0 if sid in client.contact_staff else 1.0 for sid in pool]
    counts: dict[str, int] = {}
    for sid in rng.choices(pool, weights=weights, k=total):
        counts[sid] = counts.get(sid, 0) + 1
    return dict(sorted(counts.items()))


def _client_json(team: TeamSpec, c: ClientSpec, weeks: int, rng: random.Random) -> dict:
    out = {
        "id": c.id,
        "location": f"{c.id}-home",
        "contact_staff": list(c.contact_staff),
        "preferred_staff": list(c.preferred_staff),
        "refused_staff": list(c.refused_staff),
    }
    if weeks:
        out["history"] = _history(team, c, weeks, rng)
    return out


def team_to_problem(team: TeamSpec, history_weeks: int = 0, rng_seed: int = 0) -> dict:
    """The team's needs expanded into visits, as PROBLEM-FORMAT.md problem JSON."""
    rng = random.Random(rng_seed)
    end = team.start + timedelta(days=team.days - 1)
    locations = [{"id": "office", "lat": team.office_lat, "lon": team.office_lon}]
    locations += [{"id": f"{c.id}-home", "lat": c.lat, "lon": c.lon} for c in team.clients]
    return {
        "format": PROBLEM_FORMAT,
        "name": f"{team.name}, {team.start.isoformat()} to {end.isoformat()}",
        "horizon": {"start": team.start.isoformat(), "days": team.days},
        "travel": {"speed_kmh": 15.0, "detour_factor": 1.3, "minimum_minutes": 2},
        "locations": locations,
        "staff": [_staff_json(s, team.days) for s in team.staff],
        "clients": [_client_json(team, c, history_weeks, rng) for c in team.clients],
        "visits": _visits_json(team),
    }


def generate_problem(seed: int, history_weeks: int = 0, **team_kwargs) -> dict:
    """Shortcut: ``team_to_problem(generate_team(seed, ...))`` for benchmarks and tests."""
    team = generate_team(seed, **team_kwargs)
    return team_to_problem(team, history_weeks=history_weeks, rng_seed=seed)
