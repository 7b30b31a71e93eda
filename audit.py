"""The audit log: who changed what, and when. Every change to a client, care need,
plan or user writes one event through log()."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import current_user

from extensions import db
from timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    team_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(60))  # e.g. "client.update"
    object_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_id: so.Mapped[int | None]
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)


def _current_user_id() -> int | None:
    try:
        return current_user.id if current_user.is_authenticated else None
    except (AttributeError, RuntimeError):  # no request or no login manager (CLI, jobs)
        return None


def log(
    action: str, obj: Any, team_id: int | None = None, user_id: int | None = None, **details: Any
) -> AuditEvent:
    """Record an audit event for obj (flushed, not committed; the caller commits)."""
    db.session.flush()  # gives new objects their id
    event = AuditEvent(
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        team_id=team_id if team_id is not None else getattr(obj, "team_id", None),
        user_id=user_id if user_id is not None else _current_user_id(),
        details=_jsonable(details),
    )
    db.session.add(event)
    db.session.flush()
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
