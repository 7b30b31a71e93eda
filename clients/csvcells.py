"""Cell readers of the CSV import (clients/csvimport.py): Swedish names of weekdays, kinds
and skills, clock times, the window from-until, decimal commas. Each records a problem per
column in ``errors`` (the first one wins) and returns what the forms read."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _

from ui import LABELS

WEEKDAYS = {
    "man": 1, "mandag": 1, "mon": 1, "tis": 2, "tisdag": 2, "tue": 2, "ons": 3, "onsdag": 3,
    "wed": 3, "tor": 4, "tors": 4, "torsdag": 4, "thu": 4, "fre": 5, "fredag": 5, "fri": 5,
    "lor": 6, "lordag": 6, "sat": 6, "son": 7, "sondag": 7, "sun": 7,
}  # fmt: skip
EVERY_DAY = ("alla", "alla_dagar", "varje_dag", "dagligen")
CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})(?::00)?$")


def fold(text: str) -> str:
    """Compare names loosely: case, spaces and å/ä/ö (some exports drop the dots)."""
    text = unicodedata.normalize("NFKD", text.casefold().strip())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-]+", "_", text)


def label_codes(codes: tuple[str, ...]) -> dict[str, str]:
    """Code, Swedish and English label (also without its bracket) -> code."""
    names = {}
    for code in codes:
        labels = [code]
        for locale in ("sv", "en"):
            with force_locale(locale):
                label = str(LABELS.get(code, code))
            labels += [label, label.split("(")[0]]
        names.update({fold(label): code for label in labels})
    return names


def code(names: dict[str, str], text: str, column: str, errors: dict[str, str]) -> str:
    if not text:
        return ""
    code = names.get(fold(text))
    if code is None:
        errors.setdefault(column, _("Unknown value: %(value)s.", value=text))
        return ""
    return code


def split(text: str, separators: str = ",/") -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", text) if part.strip()]


def weekdays(text: str, errors: dict[str, str]) -> list[str]:
    """ISO digits of 'mån, ons, fre', 'måndag-fredag' or 'alla'."""
    if fold(text) in EVERY_DAY:
        return [str(d) for d in range(1, 8)]
    text = re.sub(r"\s*[-–]\s*", "-", text)
    digits: set[int] = set()
    for part in split(re.sub(r"\s+", ",", text)):
        ends = [WEEKDAYS.get(fold(end).rstrip(".")) for end in part.split("-")]
        if None in ends or len(ends) > 2:
            errors.setdefault(
                "veckodagar",
                _("Unknown weekday: %(value)s. Write e.g. mån, tis, ons or mån-fre.", value=part),
            )
            continue
        first, last = ends[0], ends[-1]
        days = range(first, last + 1) if first <= last else [*range(first, 8), *range(1, last + 1)]
        digits.update(days)  # 'fre-mån' runs over the weekend
    return [str(d) for d in sorted(digits)]


def clock(text: str, column: str, errors: dict[str, str]) -> time | None:
    match = CLOCK.match(text)
    if text and match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    if text:
        errors.setdefault(
            column, _("%(value)s is not a valid time. Write HH:MM, e.g. 07:30.", value=text)
        )
    return None


def start_window(values: dict[str, str], errors: dict[str, str]) -> tuple[str, str]:
    """Earliest and latest start (HH:MM) from the window tid_från-tid_till and the duration."""
    start = clock(values["tid_från"], "tid_från", errors)
    end = clock(values["tid_till"], "tid_till", errors)
    if start is None or end is None:
        return values["tid_från"], values["tid_till"]
    if end <= start:
        errors["tid_till"] = _("The window ends before it starts.")
        return start.strftime("%H:%M"), start.strftime("%H:%M")
    latest = start
    if values["längd_min"].isdigit():
        minutes = int(values["längd_min"])
        window = datetime.combine(date.min, end) - datetime.combine(date.min, start)
        if window.total_seconds() < minutes * 60:  # timedelta(minutes=) overflows on 10**20
            errors.setdefault(
                "tid_till",
                _("The window is shorter than the visit (%(minutes)s min).", minutes=minutes),
            )
        else:
            latest = (datetime.combine(date.min, end) - timedelta(minutes=minutes)).time()
    return start.strftime("%H:%M"), latest.strftime("%H:%M")


def decimal(text: str) -> str:
    """Swedish Excel writes 58,41; the form reads 58.41."""
    return text.replace(",", ".").replace(" ", "")
