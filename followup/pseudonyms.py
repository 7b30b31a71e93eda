"""Random per-export (per-response) pseudonyms: no key is kept or exported (DOMAIN.md §7)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

AGE_BANDS = ((0, 64, "<65"), (65, 79, "65-79"), (80, 200, "80+"))
ROUND_MINUTES = 15


def pseudonyms(ids: Iterable, prefix: str) -> dict:
    """Each id -> prefix + a number, numbered in a random order (so order reveals nothing)."""
    ids = list(dict.fromkeys(ids))
    secrets.SystemRandom().shuffle(ids)
    width = max(3, len(str(len(ids))))
    return {i: f"{prefix}{n:0{width}d}" for n, i in enumerate(ids, start=1)}


def age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return "unknown"
    age = year - birth_year
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def rounded_time(moment: datetime | None) -> str:
    """HH:MM rounded down to the quarter hour (07:53 -> 07:45). Down, not to the nearest:
    the continuity limits 07:00 and 22:00 are quarter hours, so a rounded start lies on
    the same side of them as the real one (21:53 -> 21:45 still counts, 06:53 -> 06:45
    still does not) and the export's visits can be counted again by hand."""
    if moment is None:
        return ""
    minutes = moment.hour * 60 + moment.minute
    minutes = minutes // ROUND_MINUTES * ROUND_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
