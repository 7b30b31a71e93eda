"""Self-scheduled shifts for a generated team, drawn from the care demand of each day.

For each day, shifts are added one at a time until every care window has at most
``PEAK_LOAD`` of its on-shift minutes taken by visit minutes, counted for all visits and
again for the visits needing insulin or lift (with two lift holders on shift for double
visits). Staff are picked by the usual rules of a self-scheduled team: one shift a day, no
day shift straight after an evening shift, every other weekend, hours within the contract;
substitutes fill what regular staff cannot.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .teamspec import NeedSpec, ShiftSpec, StaffSpec

PEAK_LOAD = 0.6
SKILLED_LOAD = 0.3  # tight-window delegated visits need more holders on shift
SUBSTITUTE_PENALTY = 0.25  # substitutes get shifts once regulars are this much fuller

# Shift patterns: (start, end, break earliest, break latest, break minutes), minutes of the day.
PATTERNS = {
    "day": (7 * 60, 15 * 60 + 30, 10 * 60 + 30, 13 * 60 + 30, 30),
    "early": (7 * 60, 11 * 60 + 30, None, None, 0),
    "evening": (14 * 60, 22 * 60, 17 * 60, 20 * 60, 30),
}
# Capacity windows (span in minutes of the day) and the need kinds each one carries.
WINDOWS = {
    "morning": (7 * 60, 10 * 60),
    "lunch": (11 * 60 + 30, 14 * 60),
    "service": (8 * 60, 15 * 60),
    "daytime": (7 * 60, 15 * 60 + 30),
    "check": (14 * 60, 16 * 60),
    "dinner": (16 * 60 + 30, 19 * 60),
    "evening": (19 * 60, 22 * 60),
    "late": (16 * 60 + 30, 22 * 60),
}
KIND_WINDOWS = {
    "morning": ("morning", "daytime"),
    "lunch": ("lunch", "daytime"),
    "check": ("check",),
    "dinner": ("dinner", "late"),
    "evening": ("evening", "late"),
    "late_check": ("evening", "late"),
}
SERVICE_WINDOWS = ("service", "daytime")
WINDOW_PATTERN = {
    "lunch": "day",
    "service": "day",
    "daytime": "day",
    "check": "evening",
    "dinner": "evening",
    "evening": "evening",
    "late": "evening",
}


@dataclass
class _State:
    """Who works when, so far."""

    staff: tuple[StaffSpec, ...]
    start: date
    order: dict[str, int]
    preference: dict[str, str]
    worked: dict[tuple[str, int], str] = field(default_factory=dict)  # (sid, day) -> pattern
    week_minutes: dict[tuple[str, int], int] = field(default_factory=dict)


def _length(pattern: str) -> int:
    start, end, *_ = PATTERNS[pattern]
    return end - start


def _allowed(st: _State, s: StaffSpec, day: int, pattern: str, tier: int) -> bool:
    if (s.id, day) in st.worked:
        return False
    if pattern != "evening" and st.worked.get((s.id, day - 1)) == "evening":
        return False
    week = day // 7
    weekend = (st.start + timedelta(days=day)).weekday() >= 5
    if tier < 1 and weekend and not s.substitute and st.order[s.id] % 2 != week % 2:
        return False
    used = st.week_minutes.get((s.id, week), 0)
    return tier >= 2 or used + _length(pattern) <= s.contracted_minutes_week


def _rank(st: _State, s: StaffSpec, day: int, pattern: str) -> tuple:
    """The least used this week first (substitutes counted as a quarter more used), then
    those who like the pattern."""
    pref = st.preference[s.id]
    match = pref == "any" or (pref == "evening") == (pattern == "evening")
    used = st.week_minutes.get((s.id, day // 7), 0) / s.contracted_minutes_week
    return (round(used + SUBSTITUTE_PENALTY * s.substitute, 1), not match, st.order[s.id])


def _pick(st: _State, day: int, pattern: str, skills: frozenset[str]) -> StaffSpec | None:
    for tier in range(3):
        pool = [
            s for s in st.staff if skills <= set(s.skills) and _allowed(st, s, day, pattern, tier)
        ]
        if pool:
            return min(pool, key=lambda s: _rank(st, s, day, pattern))
    return None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _supply(st: _State, day: int, window: str, skills: frozenset[str]) -> tuple[int, int]:
    """On-shift minutes inside the window of staff holding ``skills``, and how many they are."""
    minutes = people = 0
    for s in st.staff:
        pattern = st.worked.get((s.id, day))
        if pattern is None or not skills <= set(s.skills):
            continue
        got = _overlap(PATTERNS[pattern][:2], WINDOWS[window])
        minutes += got
        people += got > 0
    return minutes, people


def _demand(needs: list[NeedSpec]) -> dict[tuple[str, frozenset[str]], tuple[int, int]]:
    """(window, skills) -> (staff minutes, most staff one visit needs), all visits under
    the empty skill set and the skilled ones again under their own skill set."""
    out: dict[tuple[str, frozenset[str]], tuple[int, int]] = {}
    for need in needs:
        for window in KIND_WINDOWS.get(need.kind, SERVICE_WINDOWS):
            for skills in {frozenset(), frozenset(need.skills)}:
                minutes, most = out.get((window, skills), (0, 0))
                out[window, skills] = (
                    minutes + need.duration * need.staff_required,
                    max(most, need.staff_required),
                )
    return out


def _worst_gap(st: _State, day: int, demand: dict, skipped: set) -> tuple | None:
    worst, worst_ratio = None, 1.0
    for key, (minutes, most) in demand.items():
        if key in skipped:
            continue
        supply, people = _supply(st, day, *key)
        load = SKILLED_LOAD if key[1] else PEAK_LOAD
        ratio = float("inf") if people < most else minutes / (load * supply)
        if ratio > worst_ratio:
            worst, worst_ratio = key, ratio
    return worst


def _pattern_for(st: _State, day: int, window: str, demand: dict) -> str:
    if window != "morning":
        return WINDOW_PATTERN[window]
    minutes, _ = demand.get(("daytime", frozenset()), (0, 0))
    supply, _ = _supply(st, day, "daytime", frozenset())
    return "early" if minutes <= 0.8 * PEAK_LOAD * supply else "day"


def _staff_day(st: _State, day: int, needs: list[NeedSpec]) -> None:
    demand = _demand(needs)
    skipped: set = set()
    while (gap := _worst_gap(st, day, demand, skipped)) is not None:
        window, skills = gap
        pattern = _pattern_for(st, day, window, demand)
        person = _pick(st, day, pattern, skills)
        if person is None:
            skipped.add(gap)
            continue
        st.worked[person.id, day] = pattern
        key = (person.id, day // 7)
        st.week_minutes[key] = st.week_minutes.get(key, 0) + _length(pattern)


def _shift_spec(day: date, pattern: str) -> ShiftSpec:
    base = datetime.combine(day, datetime.min.time())
    start, end, b_from, b_to, b_min = PATTERNS[pattern]
    at = lambda m: None if m is None else base + timedelta(minutes=m)  # noqa: E731
    return ShiftSpec(at(start), at(end), at(b_from), at(b_to), b_min)


def build_roster(
    rng: random.Random,
    staff: tuple[StaffSpec, ...],
    demand: list[tuple[date, NeedSpec]],
    start: date,
    days: int,
) -> dict[str, tuple[ShiftSpec, ...]]:
    """Shifts per staff id covering ``demand`` (dated needs) with PEAK_LOAD headroom."""
    order = list(range(len(staff)))
    rng.shuffle(order)
    st = _State(
        staff=staff,
        start=start,
        order={s.id: order[i] for i, s in enumerate(staff)},
        preference={s.id: rng.choice(("day", "day", "evening", "any")) for s in staff},
    )
    by_day: dict[int, list[NeedSpec]] = {d: [] for d in range(days)}
    for when, need in demand:
        by_day[(when - start).days].append(need)
    for day in range(days):
        _staff_day(st, day, by_day[day])
    out: dict[str, list[ShiftSpec]] = {}
    for (sid, day), pattern in sorted(st.worked.items(), key=lambda kv: kv[0][1]):
        out.setdefault(sid, []).append(_shift_spec(start + timedelta(days=day), pattern))
    return {sid: tuple(shifts) for sid, shifts in out.items()}
