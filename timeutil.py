"""Time helpers. Planning times are naive local wall-clock times (Europe/Stockholm);
record timestamps (created_at, audit) are naive UTC."""

from datetime import UTC, date, datetime
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
