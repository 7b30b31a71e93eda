"""Travel time between locations: the one implementation, shared by model and validator.

PROBLEM-FORMAT.md: ``max(minimum_minutes, ceil(haversine_km * detour_factor / speed_kmh * 60))``,
0 between a location and itself or two locations with the same coordinates; a given
``matrix`` wins.
"""

from __future__ import annotations

import math
from functools import cached_property

from .problem import Location, Problem, Travel

EARTH_RADIUS_KM = 6371.0


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance in km between two locations."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def formula_minutes(a: Location, b: Location, travel: Travel) -> int:
    """Travel minutes between two located points by the format's formula."""
    if a.id == b.id or (a.lat == b.lat and a.lon == b.lon):
        return 0
    raw = haversine_km(a, b) * travel.detour_factor / travel.speed_kmh * 60
    # Guard against float noise such as 12.000000000001 rounding up to 13.
    return max(travel.minimum_minutes, math.ceil(round(raw, 9)))


class TravelTimes:
    """Memoised travel minutes between the location ids of one problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self._cache: dict[tuple[str, str], int] = {}

    @cached_property
    def _matrix_index(self) -> dict[str, int] | None:
        m = self.problem.matrix
        return None if m is None else {loc: i for i, loc in enumerate(m.ids)}

    def minutes(self, a: str | None, b: str | None) -> int:
        """Minutes from location ``a`` to ``b``; 0 when either is None (no home)."""
        if a is None or b is None:
            return 0
        key = (a, b)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        idx = self._matrix_index
        if idx is not None and a in idx and b in idx:
            value = self.problem.matrix.minutes[idx[a]][idx[b]]
        elif a == b:
            value = 0
        else:
            locs = self.problem.location_by_id
            value = formula_minutes(locs[a], locs[b], self.problem.travel)
        self._cache[key] = value
        return value

    def between_visits(self, v1_id: str, v2_id: str) -> int:
        """Minutes from the place of visit ``v1_id`` to that of ``v2_id``."""
        p = self.problem
        return self.minutes(
            p.location_of(p.visit_by_id[v1_id]), p.location_of(p.visit_by_id[v2_id])
        )
