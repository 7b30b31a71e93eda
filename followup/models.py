"""What happened to each visit, and the nightly metric snapshots."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from extensions import db
from scheduling.models import Visit
from teams.models import StaffMember, User
from timeutil import utcnow


class VisitOutcome(db.Model):
    """The recorded outcome of one visit (the latest record wins; each change is audited).

    kind: done, cancelled (by the client), not_done, done_by_other, moved. For
    done_by_other, done_by took the place of `replaced` (or of the only planned staff).
    """

    __tablename__ = "visit_outcomes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    visit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("visits.id"), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    done_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_members.id"))
    replaced_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_members.id"))
    moved_start: so.Mapped[datetime | None]
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    visit: so.Mapped[Visit] = so.relationship()
    done_by: so.Mapped[StaffMember | None] = so.relationship(foreign_keys=[done_by_id])
    replaced: so.Mapped[StaffMember | None] = so.relationship(foreign_keys=[replaced_id])
    recorded_by: so.Mapped[User | None] = so.relationship()


class MetricSnapshot(db.Model):
    """A team's follow-up figures for the 14 days ending with one ISO week, frozen nightly."""

    __tablename__ = "metric_snapshots"
    __table_args__ = (sa.UniqueConstraint("team_id", "week_start", "definition"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    week_start: so.Mapped[date]  # the Monday of the week the 14-day window ends with
    definition: so.Mapped[str] = so.mapped_column(sa.String(40))
    data: so.Mapped[dict] = so.mapped_column(sa.JSON)
    computed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
