"""Plain records the metric functions work on (no Flask, no SQLAlchemy).

The service layer loads rows into these; tests build them by hand. Ids are whatever the
caller uses (database ids in the app, short strings in tests).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from timeutil import elapsed

# What happened to a visit (recorded on the tablet). None: nothing recorded, so the visit
# counts as performed as published once its start has come (never before).
OUTCOMES = ("done", "cancelled", "not_done", "done_by_other", "moved")
NOT_PERFORMED = ("cancelled", "not_done")
# Records that say the visit took place: refused, and not believed, before its start.
SAYS_PERFORMED = ("done", "done_by_other")
BASES = ("planned", "performed")

Id = Hashable


@dataclass(frozen=True)
class Outcome:
    """One recorded outcome: done_by replaces `replaced` (or every planned staff member)."""

    kind: str
    done_by: Id | None = None
    replaced: Id | None = None
    moved_start: datetime | None = None


@dataclass(frozen=True)
class VisitRecord:
    """One visit with its published (planned) staff and start and what happened to it."""

    id: Id
    client: Id
    day: date
    earliest: datetime
    latest: datetime
    duration_min: int
    kind: str
    planned_staff: tuple = ()
    planned_start: datetime | None = None
    outcome: Outcome | None = None
    cancelled: bool = False  # cancelled in the plan before the day
    # The moment the figures are taken at: a visit that starts later has not happened yet.
    # The app always sets it (followup.service); None (hand-made records) means no cut-off.
    as_of: datetime | None = None

    def staff(self, basis: str) -> tuple:
        """Who is on the visit: from the plan, or as performed (outcome applied)."""
        if basis == "planned":
            return () if self.cancelled else self.planned_staff
        return performed_staff(self)

    def start(self, basis: str) -> datetime | None:
        """Planned: the plan's start (None: not in the plan). Performed: a moved visit's new
        start, else the plan's, else (done by someone though not in the plan) its earliest."""
        if basis == "planned":
            return self.planned_start
        if self.outcome and self.outcome.kind == "moved" and self.outcome.moved_start:
            return self.outcome.moved_start
        return self.planned_start or self.earliest

    def performed(self) -> bool:
        return bool(performed_staff(self))

    def happened(self) -> bool:
        """Whether the visit's (performed) start has come by `as_of`."""
        return has_started(self.start("performed"), self.as_of)

    def outcome_kind(self) -> str | None:
        """The recorded outcome as reported: a record saying the visit took place before it
        started (possible before such records were refused) is not reported."""
        if self.outcome is None:
            return None
        if self.outcome.kind in SAYS_PERFORMED and not self.happened():
            return None
        return self.outcome.kind


def has_started(start: datetime, now: datetime | None) -> bool:
    """The one rule for "has it happened yet": a visit counts as performed, and may be
    recorded as done, only once its start time has come (None: no cut-off)."""
    return now is None or start <= now


def known_staff(v: VisitRecord) -> tuple:
    """Who the client has met on the visit, or will have met as far as is known at the
    visit's `as_of`: the performed staff once it has started (performed_staff), before that
    its planned staff, none when it is cancelled or recorded as not taking place. The
    solver's history counts this: a visit published for tomorrow is a face the client
    will know by the time the next plan starts."""
    if v.happened():
        return performed_staff(v)
    if v.outcome is not None and v.outcome.kind in NOT_PERFORMED:
        return ()
    return v.staff("planned")


def performed_staff(v: VisitRecord) -> tuple:
    """Performed = published, unless an outcome says otherwise (DESIGN.md, data flow), and
    only once the visit's time has come: a visit in the future is planned, not performed."""
    if v.cancelled or not v.happened():
        return ()
    o = v.outcome
    if o is None or o.kind in ("done", "moved"):
        return v.planned_staff
    if o.kind in NOT_PERFORMED:
        return ()
    # done_by_other: the other person takes the replaced place (or the only place).
    if o.done_by is None:
        return v.planned_staff
    if o.replaced is None or o.replaced not in v.planned_staff:
        kept = v.planned_staff[1:]
    else:
        kept = tuple(s for s in v.planned_staff if s != o.replaced)
    return tuple(dict.fromkeys((o.done_by, *kept)))


@dataclass(frozen=True)
class ClientRecord:
    id: Id
    birth_year: int | None
    away_days: frozenset[date] = frozenset()  # hospital or short stay: not living at home
    contact_staff: frozenset = frozenset()


@dataclass(frozen=True)
class StaffRecord:
    id: Id
    health_care: bool = False  # nurse, OT, PT: not counted in continuity
    substitute: bool = False
    contracted_minutes_week: int = 2295


@dataclass(frozen=True)
class ShiftRecord:
    staff: Id
    start: datetime
    end: datetime
    break_minutes: int = 0

    @property
    def work_minutes(self) -> int:
        """Real minutes worked, less the break: a night shift across a change of clock
        works an hour less (spring) or more (autumn) than the clocks show."""
        return int(elapsed(self.start, self.end).total_seconds() // 60) - self.break_minutes


@dataclass(frozen=True)
class AbsenceRecord:
    staff: Id
    start_date: date
    end_date: date
    kind: str = "sick"


@dataclass
class Window:
    """Whole calendar days [start, start + days)."""

    start: date
    days: int = 14
    label: str = field(default="")

    def contains(self, day: date) -> bool:
        return 0 <= (day - self.start).days < self.days

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]
