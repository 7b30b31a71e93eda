"""Teams, users, staff members, their skills, shifts and absences."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from timeutil import elapsed, utcnow

ROLES = ("staff", "lead", "evaluator", "admin")
TEAM_ROLES = ("staff", "lead")  # roles that belong to a team through a StaffMember
PUBLISH_POLICIES = ("any_member", "lead")
# A hand edit that breaks a hard rule: refused, or kept with a visible flag.
EDIT_RULE_POLICIES = ("refuse", "flag")
# Professions; follow-up leaves out home health-care staff (DOMAIN.md section 2).
PROFESSIONS = ("underskoterska", "vardbitrade", "sjukskoterska", "arbetsterapeut", "fysioterapeut")
HEALTH_CARE_PROFESSIONS = ("sjukskoterska", "arbetsterapeut", "fysioterapeut")
ABSENCE_KINDS = ("sick", "leave", "training", "other")
# Skill and delegation codes shared with the problem JSON (`skills`).
SKILLS = ("insulin", "medication", "lift", "wound", "stoma", "catheter", "dementia", "driving")


class Team(db.Model):
    __tablename__ = "teams"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    area: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    office_address: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    office_lat: so.Mapped[float | None]
    office_lon: so.Mapped[float | None]
    # Travel time as PROBLEM-FORMAT.md "travel": speed, detour factor, minimum minutes.
    travel_speed_kmh: so.Mapped[float] = so.mapped_column(default=15.0)
    travel_detour_factor: so.Mapped[float] = so.mapped_column(default=1.3, server_default="1.3")
    travel_minimum_minutes: so.Mapped[int] = so.mapped_column(default=2, server_default="2")
    horizon_days: so.Mapped[int] = so.mapped_column(default=14)
    publish_policy: so.Mapped[str] = so.mapped_column(sa.String(20), default="any_member")
    edit_rule_policy: so.Mapped[str] = so.mapped_column(
        sa.String(20), default="refuse", server_default="refuse"
    )
    is_pilot: so.Mapped[bool] = so.mapped_column(default=False)
    pilot_start: so.Mapped[date | None]
    is_comparison: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    staff: so.Mapped[list[StaffMember]] = so.relationship(
        back_populates="team", order_by="StaffMember.name"
    )

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class StaffMember(db.Model):
    """A member of a team (medarbetare); a staff or lead user is linked to one."""

    __tablename__ = "staff_members"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    team_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("teams.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    profession: so.Mapped[str] = so.mapped_column(sa.String(30), default="underskoterska")
    employment_rate: so.Mapped[int] = so.mapped_column(default=100)  # percent of full time
    contracted_minutes_week: so.Mapped[int] = so.mapped_column(default=2295)  # 38 h 15 min
    substitute: so.Mapped[bool] = so.mapped_column(default=False)
    home_address: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    home_lat: so.Mapped[float | None]
    home_lon: so.Mapped[float | None]
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    team: so.Mapped[Team] = so.relationship(back_populates="staff")
    skills: so.Mapped[list[StaffSkill]] = so.relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="StaffSkill.code"
    )
    shifts: so.Mapped[list[Shift]] = so.relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="Shift.start"
    )
    absences: so.Mapped[list[Absence]] = so.relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="Absence.start_date"
    )
    user: so.Mapped[User | None] = so.relationship(back_populates="staff_member")

    @property
    def is_health_care(self) -> bool:
        """Home health-care staff (nurse, OT, PT) are not counted in continuity."""
        return self.profession in HEALTH_CARE_PROFESSIONS

    def valid_skills(self, on: date) -> list[str]:
        """Skill codes valid on a day (a delegation past its valid_until no longer counts)."""
        return [s.code for s in self.skills if s.valid_until is None or s.valid_until >= on]

    def __repr__(self) -> str:
        return f"<StaffMember {self.name}>"


class StaffSkill(db.Model):
    """A skill or personal, time-limited delegation (delegering) held by a staff member."""

    __tablename__ = "staff_skills"
    __table_args__ = (sa.UniqueConstraint("staff_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_members.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40))
    valid_until: so.Mapped[date | None]

    staff: so.Mapped[StaffMember] = so.relationship(back_populates="skills")


class Shift(db.Model):
    """A work period a member says they will work, in local wall-clock time."""

    __tablename__ = "shifts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_members.id"), index=True)
    start: so.Mapped[datetime] = so.mapped_column(index=True)
    end: so.Mapped[datetime]
    break_earliest: so.Mapped[datetime | None]
    break_latest: so.Mapped[datetime | None]
    break_minutes: so.Mapped[int] = so.mapped_column(default=0)
    entered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    staff: so.Mapped[StaffMember] = so.relationship(back_populates="shifts")
    entered_by: so.Mapped[User | None] = so.relationship()

    @property
    def minutes(self) -> int:
        """Real minutes on shift (timeutil.elapsed: across a change of clock an hour
        fewer or more than the clocks show)."""
        return int(elapsed(self.start, self.end).total_seconds() // 60)


class Absence(db.Model):
    """Whole days a member does not work, from start_date to end_date inclusive."""

    __tablename__ = "absences"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    staff_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_members.id"), index=True)
    start_date: so.Mapped[date]
    end_date: so.Mapped[date]
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    entered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    staff: so.Mapped[StaffMember] = so.relationship(back_populates="absences")
    entered_by: so.Mapped[User | None] = so.relationship()


class User(UserMixin, db.Model):
    """A login. Staff and lead users belong to a team through their StaffMember."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="staff")
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    staff_member_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("staff_members.id"), unique=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    staff_member: so.Mapped[StaffMember | None] = so.relationship(back_populates="user")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def team_id(self) -> int | None:
        """The team a staff or lead user belongs to; None for evaluators and admins."""
        if self.role in TEAM_ROLES and self.staff_member is not None:
            return self.staff_member.team_id
        return None

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginAttempt(db.Model):
    """One login attempt, kept to throttle repeated failures per username and address."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_lookup", "username", "ip", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(80))
    ip: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    succeeded: so.Mapped[bool] = so.mapped_column(default=False)
