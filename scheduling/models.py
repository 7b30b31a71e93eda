"""Visits, plan versions and assignments (the Flask side of planning)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from clients.models import CareNeed, Client
from extensions import db
from followup.records import OUTCOMES
from teams.models import StaffMember, Team, User
from timeutil import utcnow

PLAN_STATES = ("draft", "published")
ASSIGNMENT_SOURCES = ("solver", "claimed", "manual")
# What happened to a visit on the day (filled in by follow-up; None = not yet known). The
# list's one home is followup/records.py, which records them.
VISIT_OUTCOMES = OUTCOMES


class Visit(db.Model):
    """One occasion of care, expanded from a care need for a day (or added by hand)."""

    __tablename__ = "visits"
    __table_args__ = (sa.Index("ix_visits_team_date", "team_id", "date"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"))
    client_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("clients.id"), index=True)
    care_need_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("care_needs.id", ondelete="SET NULL"), index=True
    )
    date: so.Mapped[date]
    earliest_start: so.Mapped[datetime]
    latest_start: so.Mapped[datetime]
    duration_min: so.Mapped[int]
    staff_required: so.Mapped[int] = so.mapped_column(default=1)
    skills: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    cancelled: so.Mapped[bool] = so.mapped_column(default=False)
    outcome: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    # Why the visit was cancelled by the system, e.g. "need_changed" (None: not cancelled so).
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Optimistic locking: a stale update raises StaleDataError instead of losing a claim.
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    team: so.Mapped[Team] = so.relationship()
    client: so.Mapped[Client] = so.relationship()
    care_need: so.Mapped[CareNeed | None] = so.relationship()

    @so.validates("outcome")
    def _known_outcome(self, _key: str, value: str | None) -> str | None:
        if value is not None and value not in VISIT_OUTCOMES:
            raise ValueError(f"unknown visit outcome {value!r}")
        return value


class Plan(db.Model):
    """One version of a team's plan for a horizon. Versions are never deleted."""

    __tablename__ = "plans"
    __table_args__ = (sa.UniqueConstraint("team_id", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    horizon_start: so.Mapped[date]
    days: so.Mapped[int] = so.mapped_column(default=14)
    version: so.Mapped[int]  # 1, 2, 3 ... per team
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="draft")
    based_on_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("plans.id"))
    # What was published when the version was made: ISO day -> id of the published plan in
    # force that day (None: nothing published). A draft whose days no longer match is
    # outdated and is not published (plans.stale_days); None on versions made before this.
    base_by_day: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    published_at: so.Mapped[datetime | None]
    published_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # The solver run that produced the draft (PROBLEM-FORMAT.md plan fields).
    solver_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    solver_objective: so.Mapped[float | None]
    solver_bound: so.Mapped[float | None]
    solver_seconds: so.Mapped[float | None]
    solver_metrics: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    solver_unassigned: so.Mapped[list | None] = so.mapped_column(sa.JSON)

    team: so.Mapped[Team] = so.relationship()
    based_on: so.Mapped[Plan | None] = so.relationship(remote_side=[id])
    created_by: so.Mapped[User | None] = so.relationship(foreign_keys=[created_by_id])
    published_by: so.Mapped[User | None] = so.relationship(foreign_keys=[published_by_id])
    assignments: so.Mapped[list[Assignment]] = so.relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class Assignment(db.Model):
    """One staff member on one visit in one plan version."""

    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("plan_id", "visit_id", "staff_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("plans.id"), index=True)
    visit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("visits.id"), index=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_members.id"), index=True)
    start: so.Mapped[datetime]
    source: so.Mapped[str] = so.mapped_column(sa.String(20), default="solver")
    pinned: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    plan: so.Mapped[Plan] = so.relationship(back_populates="assignments")
    visit: so.Mapped[Visit] = so.relationship()
    staff: so.Mapped[StaffMember] = so.relationship()


SOLVER_RUN_STATES = ("queued", "running", "done", "failed", "cancelled")
SOLVER_RUN_MODES = ("propose", "replan")


class SolverRun(db.Model):
    """One background solver run: its problem, progress and result (the page polls this row)."""

    __tablename__ = "solver_runs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    mode: so.Mapped[str] = so.mapped_column(sa.String(20), default="propose")
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="queued")
    horizon_start: so.Mapped[date]
    days: so.Mapped[int]
    time_limit_s: so.Mapped[int] = so.mapped_column(default=60)
    # The published plan a re-plan starts from; its other days are copied unchanged.
    based_on_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("plans.id"))
    problem: so.Mapped[dict] = so.mapped_column(sa.JSON)
    progress: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    cancel_requested: so.Mapped[bool] = so.mapped_column(default=False)
    error_code: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    error_detail: so.Mapped[str | None] = so.mapped_column(sa.Text)
    plan_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("plans.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[datetime | None]
    updated_at: so.Mapped[datetime | None]
    finished_at: so.Mapped[datetime | None]

    team: so.Mapped[Team] = so.relationship()
    plan: so.Mapped[Plan | None] = so.relationship(foreign_keys=[plan_id])
    based_on: so.Mapped[Plan | None] = so.relationship(foreign_keys=[based_on_id])

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


class CalendarToken(db.Model):
    """The secret in a staff member's personal iCal feed URL (a new token revokes the old)."""

    __tablename__ = "calendar_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    staff_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("staff_members.id"), unique=True, index=True
    )
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    staff: so.Mapped[StaffMember] = so.relationship()
