"""Visit, time-use and workload indicators (DOMAIN.md section 6), each defined once.

Every function takes plain records (followup.records) for one window and returns numbers;
shares are fractions 0..1, or None when there is nothing to divide by.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time

from .records import AbsenceRecord, ClientRecord, ShiftRecord, StaffRecord, VisitRecord, Window

WORKLOAD_DEFINITION = "teamplan-workload/1"
EVENING_AFTER = time(19, 0)  # a shift that ends after 19:00 is an evening shift
WEEKEND = (5, 6)  # Saturday, Sunday (date.weekday())


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def performed_visits(visits: Iterable[VisitRecord], window: Window) -> list[VisitRecord]:
    return [v for v in visits if window.contains(v.day) and v.performed()]


def contact_share(
    visits: Iterable[VisitRecord], clients: Iterable[ClientRecord], window: Window
) -> float | None:
    """Share of performed visits where one of the client's contact persons takes part."""
    contacts = {c.id: c.contact_staff for c in clients}
    done = performed_visits(visits, window)
    hits = sum(bool(set(v.staff("performed")) & contacts.get(v.client, frozenset())) for v in done)
    return _ratio(hits, len(done))


def substitute_use(
    visits: Iterable[VisitRecord], staff: Iterable[StaffRecord], window: Window
) -> dict:
    """Share of performed visit minutes (per staff place) by substitutes, and how many."""
    subs = {s.id for s in staff if s.substitute}
    total = by_subs = 0
    seen = set()
    for v in performed_visits(visits, window):
        for s in v.staff("performed"):
            total += v.duration_min
            if s in subs:
                by_subs += v.duration_min
                seen.add(s)
    return {"share": _ratio(by_subs, total), "distinct_substitutes": len(seen)}


def punctuality(visits: Iterable[VisitRecord], window: Window) -> float | None:
    """Share of performed visits that started inside their agreed start window."""
    done = performed_visits(visits, window)
    inside = sum(v.earliest <= v.start("performed") <= v.latest for v in done)
    return _ratio(inside, len(done))


def worked_shifts(
    shifts: Iterable[ShiftRecord], absences: Iterable[AbsenceRecord], window: Window
) -> list[ShiftRecord]:
    """Shifts in the window on days the person was not absent (sick, leave, training)."""
    away = defaultdict(list)
    for a in absences:
        away[a.staff].append(a)
    return [
        sh
        for sh in shifts
        if window.contains(sh.start.date())
        and not any(a.start_date <= sh.start.date() <= a.end_date for a in away[sh.staff])
    ]


def staff_routes(visits: Iterable[VisitRecord], window: Window) -> dict:
    """(staff, day) -> that person's performed visits of the day in start order."""
    out = defaultdict(list)
    for v in performed_visits(visits, window):
        for s in v.staff("performed"):
            out[s, v.day].append(v)
    for day_visits in out.values():
        day_visits.sort(key=lambda v: v.start("performed"))
    return out


def travel_minutes(
    visits: Iterable[VisitRecord], window: Window, travel: Callable[[object, object], int]
) -> dict:
    """Staff -> travel minutes between consecutive visits of a day.

    `travel(client_a, client_b)` gives the minutes between two clients' homes (the app
    passes the solver's travel formula); travel to and from the office is not counted.
    """
    out: dict = defaultdict(int)
    for (s, _day), route in staff_routes(visits, window).items():
        out[s] += sum(travel(a.client, b.client) for a, b in zip(route, route[1:], strict=False))
    return dict(out)


@dataclass
class TimeUse:
    work_minutes: int
    visit_minutes: int
    travel_minutes: int

    @property
    def client_share(self) -> float | None:
        """Share of work time spent in clients' homes (DOMAIN.md §4: 58 % on average)."""
        return _ratio(self.visit_minutes, self.work_minutes)

    @property
    def travel_share(self) -> float | None:
        return _ratio(self.travel_minutes, self.work_minutes)


def time_use(
    visits: list[VisitRecord],
    shifts: list[ShiftRecord],
    absences: list[AbsenceRecord],
    window: Window,
    travel: Callable[[object, object], int],
) -> TimeUse:
    """Team totals: worked minutes (shifts less breaks), visit minutes, travel minutes."""
    work = sum(sh.work_minutes for sh in worked_shifts(shifts, absences, window))
    per_staff = visit_minutes_per_staff(visits, window)
    return TimeUse(
        work, sum(per_staff.values()), sum(travel_minutes(visits, window, travel).values())
    )


def visit_minutes_per_staff(visits: Iterable[VisitRecord], window: Window) -> dict:
    out: dict = defaultdict(int)
    for v in performed_visits(visits, window):
        for s in v.staff("performed"):
            out[s] += v.duration_min
    return dict(out)


def workload(
    visits: list[VisitRecord],
    shifts: list[ShiftRecord],
    absences: list[AbsenceRecord],
    staff: Iterable[StaffRecord],
    window: Window,
) -> dict:
    """Staff -> worked minutes, contracted minutes for the window, visit minutes, ratio."""
    worked: dict = defaultdict(int)
    for sh in worked_shifts(shifts, absences, window):
        worked[sh.staff] += sh.work_minutes
    in_homes = visit_minutes_per_staff(visits, window)
    out = {}
    for s in staff:
        contracted = round(s.contracted_minutes_week * window.days / 7)
        out[s.id] = {
            "work_minutes": worked[s.id],
            "contracted_minutes": contracted,
            "visit_minutes": in_homes.get(s.id, 0),
            "of_contract": _ratio(worked[s.id], contracted),
        }
    return out


def unsocial_hours(
    shifts: Iterable[ShiftRecord], absences: Iterable[AbsenceRecord], window: Window
) -> dict:
    """Staff -> evening shifts (ending after 19:00) and weekend days worked (fairness)."""
    out: dict = defaultdict(lambda: {"evenings": 0, "weekend_days": 0})
    weekend_days: dict = defaultdict(set)
    for sh in worked_shifts(shifts, absences, window):
        out[sh.staff]["evenings"] += (
            sh.end.time() > EVENING_AFTER or sh.end.date() > sh.start.date()
        )
        if sh.start.weekday() in WEEKEND:
            weekend_days[sh.staff].add(sh.start.date())
    for s, days in weekend_days.items():
        out[s]["weekend_days"] = len(days)
    return dict(out)


def plan_changes(versions: Iterable[dict[object, tuple[tuple, datetime]]]) -> int:
    """Visits whose staff or start changed between the first and last published version.

    `versions` are the published plans in order, each visit -> (staff, start); a visit
    counts once however many times it changed, and only if two versions both hold it.
    """
    first: dict = {}
    last: dict = {}
    for plan in versions:
        for visit, (staff_ids, start) in plan.items():
            first.setdefault(visit, (frozenset(staff_ids), start))
            last[visit] = (frozenset(staff_ids), start)
    return sum(first[v] != last[v] for v in first)


def day_changes(visits: Iterable[VisitRecord], window: Window) -> dict[str, int]:
    """Outcome kind -> how many visits in the window got it (unrecorded visits: 'done' once
    their time has come; a visit still to come counts only with a recorded outcome)."""
    out: dict[str, int] = defaultdict(int)
    for v in visits:
        if not window.contains(v.day) or v.cancelled:
            continue
        kind = v.outcome_kind() or ("done" if v.happened() else None)
        if kind is not None:
            out[kind] += 1
    return dict(out)
