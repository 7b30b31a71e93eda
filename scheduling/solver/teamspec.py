"""The team description the generator produces and the app's demo data stores (``TeamSpec``).

Re-exported by :mod:`scheduling.solver.generate`; import from either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class NeedSpec:
    """A recurring care need (insats)."""

    kind: str  # morning, lunch, dinner, evening, night_check, shower, cleaning, shopping, ...
    weekdays: tuple[int, ...]  # 0 = Monday ... 6 = Sunday
    every_n_weeks: int  # 1 = every week, 2 = every other week (counted from the horizon start)
    window_start: str  # "HH:MM", earliest start
    window_end: str  # "HH:MM", latest start
    duration: int  # minutes
    staff_required: int = 1  # 2 = dubbelbemanning
    skills: tuple[str, ...] = ()  # e.g. ("insulin",) for a delegated HSL task


@dataclass(frozen=True)
class ClientSpec:
    id: str  # "c01"
    name: str
    address: str
    lat: float
    lon: float
    birth_year: int
    needs: tuple[NeedSpec, ...]
    contact_staff: tuple[str, ...] = ()  # staff ids (kontaktpersoner), 1-2
    preferred_staff: tuple[str, ...] = ()
    refused_staff: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShiftSpec:
    start: datetime
    end: datetime
    break_earliest: datetime | None = None
    break_latest: datetime | None = None
    break_minutes: int = 0


@dataclass(frozen=True)
class StaffSpec:
    id: str  # "s01"
    name: str
    role: str  # "undersköterska", "vårdbiträde"
    skills: tuple[str, ...]  # delegations, e.g. ("insulin", "lift")
    substitute: bool
    employment_rate: float  # 0.75 = 75 %
    contracted_minutes_week: int
    shifts: tuple[ShiftSpec, ...]


@dataclass(frozen=True)
class TeamSpec:
    name: str
    area: str
    start: date
    days: int
    office_lat: float  # staff start and end each shift at the office ("home" in the problem)
    office_lon: float
    staff: tuple[StaffSpec, ...]
    clients: tuple[ClientSpec, ...]
