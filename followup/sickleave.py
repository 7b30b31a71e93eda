"""Sick leave per team and month, by the SKR key-figure definitions (DOMAIN.md section 6).

- sick-leave rate: sick hours / ordinary (contracted) hours, in percent;
- long-spell share: share of the sick hours that lie in spells of 60 days or more;
- short-term rate: sick hours on days 1-14 of a spell / ordinary hours (Skönsmo followed it).
Ordinary hours: contracted minutes per week spread over Monday-Friday. A spell is a run of
sick absences with no day between them. Cells of fewer than MIN_CELL people are suppressed.
Sex and age breakdowns are not made: the app stores neither.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .records import AbsenceRecord, StaffRecord

SICK_LEAVE_DEFINITION = "teamplan-sickleave/1 (SKR obligatory sick-leave reporting)"
MIN_CELL = 5
LONG_SPELL_DAYS = 60
SHORT_TERM_DAYS = 14


@dataclass
class SickLeaveMonth:
    year: int
    month: int
    persons: int
    ordinary_hours: float | None
    sick_hours: float | None
    rate: float | None  # fraction of ordinary hours
    long_share: float | None  # fraction of sick hours in spells >= 60 days
    short_rate: float | None  # fraction of ordinary hours, days 1-14 of a spell

    @property
    def suppressed(self) -> bool:
        return self.persons < MIN_CELL


def spells(absences: Iterable[AbsenceRecord]) -> dict:
    """Staff -> sick spells as (first day, last day), touching absences merged."""
    by_staff = defaultdict(list)
    for a in absences:
        if a.kind == "sick":
            by_staff[a.staff].append((a.start_date, a.end_date))
    out = {}
    for s, periods in by_staff.items():
        merged: list[list[date]] = []
        for start, end in sorted(periods):
            if merged and start <= merged[-1][1] + timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out[s] = [(a, b) for a, b in merged]
    return out


def month_days(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def sick_leave_month(
    staff: Iterable[StaffRecord], absences: Iterable[AbsenceRecord], year: int, month: int
) -> SickLeaveMonth:
    """The key figures for one team and month (None everywhere when suppressed)."""
    staff = [s for s in staff if s.contracted_minutes_week > 0]
    days = [d for d in month_days(year, month) if d.weekday() < 5]
    if len(staff) < MIN_CELL:
        return SickLeaveMonth(year, month, len(staff), None, None, None, None, None)
    per_day = {s.id: s.contracted_minutes_week / 5 / 60 for s in staff}
    ordinary = sum(per_day.values()) * len(days)
    sick = long = short = 0.0
    all_spells = spells(absences)
    for s in staff:
        for first, last in all_spells.get(s.id, []):
            length = (last - first).days + 1
            for d in days:
                if first <= d <= last:
                    sick += per_day[s.id]
                    long += per_day[s.id] if length >= LONG_SPELL_DAYS else 0
                    short += per_day[s.id] if (d - first).days < SHORT_TERM_DAYS else 0
    return SickLeaveMonth(
        year,
        month,
        len(staff),
        round(ordinary, 2),
        round(sick, 2),
        sick / ordinary if ordinary else None,
        long / sick if sick else None,
        short / ordinary if ordinary else None,
    )
