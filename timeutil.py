"""Time helpers. Planning times are naive local wall-clock times (Europe/Stockholm);
record timestamps (created_at, audit) are naive UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current UTC time without tzinfo, as stored in created_at columns."""
    return datetime.now(UTC).replace(tzinfo=None)
