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
    """HH:MM rounded to the nearest 15 minutes (ties up)."""
    if moment is None:
        return ""
    minutes = moment.hour * 60 + moment.minute
    minutes = (minutes + ROUND_MINUTES // 2) // ROUND_MINUTES * ROUND_MINUTES % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
