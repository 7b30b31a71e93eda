"""A staff member's standing wishes for the schedule (DOMAIN.md S4, self-scheduling)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from extensions import db
from teams.models import StaffMember
from timeutil import utcnow

# Codes the planning meeting (and later the solver) can read; "other" carries a note.
WISH_CODES = (
    "no_evenings",
    "no_mornings",
    "no_weekends",
    "prefer_evenings",
    "more_hours",
    "fewer_hours",
    "other",
)


class Wish(db.Model):
    """'Helst inte kvällar': one wish, kept until the staff member removes it."""

    __tablename__ = "staff_wishes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    staff_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(30))
    note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    staff: so.Mapped[StaffMember] = so.relationship()
