"""Staff continuity, the one home of its definition (DOMAIN.md section 2).

The count of different staff per client is the solver's own
(`scheduling.solver.metrics.distinct_staff_per_client`); this module only decides which
visits, staff and clients are counted and summarises the counts.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from types import SimpleNamespace

from scheduling.solver import metrics as plan_metrics

from .records import ClientRecord, StaffRecord, VisitRecord, Window

CONTINUITY_DEFINITION = "teamplan-continuity/1 (Kolada/KKiK staff continuity in home care)"
MONTHLY_DEFINITION = "teamplan-continuity-month/1 (Skönsmo monthly variant)"
WINDOW_DAYS = 14
DAY_START = time(7, 0)  # a visit counts if it starts at or after 07:00 ...
DAY_END = time(22, 0)  # ... and before 22:00
EXCLUDED_KINDS = ("alarm", "meal_delivery")
MIN_AGE = 65  # age = calendar year of the window's first day minus birth year
MIN_VISITS_PER_DAY = 2
OUTLIER_OVER = 20
FILTERS = (
    "clients aged 65 or older (by birth year), at home on every day of the window, with at "
    "least 2 counted visits on each of the 14 days; visits starting 07:00-21:59, not alarm "
    "call-outs or meal deliveries; staff: home-care staff only (nurses, OTs, PTs left out); "
    "both staff of a double-staffed visit and substitutes count"
)


@dataclass
class ContinuityResult:
    basis: str
    start: date
    days: int
    per_client: dict = field(default_factory=dict)  # eligible client -> distinct staff
    all_clients: dict = field(default_factory=dict)  # every client with a visit -> distinct staff
    definition: str = CONTINUITY_DEFINITION

    @property
    def eligible_clients(self) -> int:
        return len(self.per_client)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.per_client.values()) if self.per_client else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.per_client.values()) if self.per_client else None

    @property
    def share_over_20(self) -> float | None:
        if not self.per_client:
            return None
        return sum(n > OUTLIER_OVER for n in self.per_client.values()) / len(self.per_client)

    @property
    def distribution(self) -> dict[int, int]:
        """Distinct staff -> how many eligible clients met that many."""
        return dict(sorted(Counter(self.per_client.values()).items()))

    @property
    def all_clients_mean(self) -> float | None:
        """PROBLEM-FORMAT.md continuity: mean over all clients with a visit, no filters."""
        counts = [n for n in self.all_clients.values() if n > 0]
        return statistics.fmean(counts) if counts else None


def distinct_staff(visits: Iterable[VisitRecord], staff_of) -> dict:
    """Client -> number of different staff over the visits, counted by the solver's metric."""
    visits = list(visits)
    view = SimpleNamespace(
        clients=[SimpleNamespace(id=c) for c in dict.fromkeys(v.client for v in visits)],
        visit_by_id={v.id: SimpleNamespace(client=v.client) for v in visits},
        assignments=[SimpleNamespace(visit=v.id, staff=tuple(staff_of(v))) for v in visits],
    )
    return plan_metrics.distinct_staff_per_client(view, view)


def counted_staff(v: VisitRecord, basis: str, staff: dict[object, StaffRecord]) -> tuple:
    """The home-care staff on a visit (health-care staff are not counted)."""
    return tuple(s for s in v.staff(basis) if not (s in staff and staff[s].health_care))


def is_counted_visit(v: VisitRecord, basis: str, staff: dict[object, StaffRecord]) -> bool:
    """A visit that counts: happened (on this basis), 07-22, not an excluded kind."""
    start = v.start(basis)
    if start is None or v.kind in EXCLUDED_KINDS:
        return False
    if not DAY_START <= start.time() < DAY_END:
        return False
    return bool(counted_staff(v, basis, staff))


def is_eligible_client(c: ClientRecord, window: Window, visits_per_day: Counter) -> bool:
    """Aged 65+, at home all days, and at least two counted visits on every day."""
    if c.birth_year is None or window.start.year - c.birth_year < MIN_AGE:
        return False
    return all(
        day not in c.away_days and visits_per_day[day] >= MIN_VISITS_PER_DAY
        for day in window.dates()
    )


def continuity(
    visits: Iterable[VisitRecord],
    clients: Iterable[ClientRecord],
    staff: Iterable[StaffRecord],
    window: Window,
    basis: str = "performed",
) -> ContinuityResult:
    """The §2 continuity figure for one window (14 days) on a planned or performed basis."""
    staff_by_id = {s.id: s for s in staff}
    in_window = [v for v in visits if window.contains(v.day)]
    counted = [v for v in in_window if is_counted_visit(v, basis, staff_by_id)]
    per_day: dict[object, Counter] = defaultdict(Counter)
    for v in counted:
        per_day[v.client][v.day] += 1
    eligible = {c.id for c in clients if is_eligible_client(c, window, per_day[c.id])}
    n_staff = distinct_staff(
        [v for v in counted if v.client in eligible],
        lambda v: counted_staff(v, basis, staff_by_id),
    )
    everyone = distinct_staff(in_window, lambda v: v.staff(basis))
    return ContinuityResult(basis, window.start, window.days, n_staff, everyone)


def monthly_distinct_staff(
    visits: Iterable[VisitRecord],
    staff: Iterable[StaffRecord],
    year: int,
    month: int,
    basis: str = "performed",
) -> dict:
    """Skönsmo's monthly view: client -> different staff in the calendar month.

    Same visit and staff filters as the 14-day figure, but every client with a counted
    visit is included (no age or visits-per-day rule), as Skönsmo counted it.
    """
    staff_by_id = {s.id: s for s in staff}
    counted = [
        v
        for v in visits
        if (v.day.year, v.day.month) == (year, month) and is_counted_visit(v, basis, staff_by_id)
    ]
    return distinct_staff(counted, lambda v: counted_staff(v, basis, staff_by_id))


def mean_or_none(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.fmean(values) if values else None
