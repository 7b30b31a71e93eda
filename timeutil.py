"""Time helpers. Planning times are naive local wall-clock times (Europe/Stockholm);
record timestamps (created_at, audit) are naive UTC."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current UTC time without tzinfo, as stored in created_at columns."""
    return datetime.now(UTC).replace(tzinfo=None)


PLANNING_TZ = ZoneInfo("Europe/Stockholm")


def local_now() -> datetime:
    """The current wall-clock time where the teams work (naive, like planning times)."""
    return datetime.now(PLANNING_TZ).replace(tzinfo=None)


def local_today() -> date:
    """Today's date in Sweden (the server may run in UTC)."""
    return local_now().date()


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time between two wall-clock times in Sweden (naive, like planning times): an
    hour less than the clocks show across the night summer time starts, an hour more across
    the night it ends. Plain `end - start` counts wall-clock hours."""

    def as_utc(moment: datetime) -> datetime:
        return moment.replace(tzinfo=PLANNING_TZ).astimezone(UTC)

    return as_utc(end) - as_utc(start)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_param(monday: date) -> str:
    """The week in the address, '2026-W48' (read back by parse_week)."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# The dates a form accepts and a page can be asked for. Plans look at most 28 days ahead, and
# shifts, absences and care decisions are entered for the coming weeks or months, a year or so
# for a long leave: two more calendar years is ample. Looking back, follow-up compares the time
# before and after a pilot start, and a client or a care need may have started some years ago:
# five calendar years. A date outside them is a typo (2020 for 2026, 9999-12-30), and near
# date.max the app's date arithmetic would overflow.
YEARS_BACK = 5
YEARS_AHEAD = 2

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
ISO_WEEK = re.compile(r"(\d{4})-W(\d{1,2})", re.ASCII)


def date_bounds(today: date | None = None) -> tuple[date, date]:
    """The first and the last date the app accepts: whole calendar years around today."""
    year = (today or local_today()).year
    return date(year - YEARS_BACK, 1, 1), date(year + YEARS_AHEAD, 12, 31)


def in_bounds(day: date) -> bool:
    first, last = date_bounds()
    return first <= day <= last


def parse_day(text: str | None) -> date | None:
    """'2026-11-23' -> that date; None for anything else or a date outside date_bounds()."""
    if not text or not ISO_DAY.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_bounds(day) else None


def parse_week(text: str | None) -> date | None:
    """'2026-W48' -> the Monday of that ISO week; None for anything else or a week outside
    date_bounds()."""
    match = ISO_WEEK.fullmatch(text or "")
    if match is None:
        return None
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday if in_bounds(monday) else None
