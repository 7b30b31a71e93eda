"""Teams, staff, users, shifts and absences: changes flush, the caller commits."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

import audit
from extensions import db
from teams.models import Absence, LoginAttempt, Shift, StaffMember, StaffSkill, Team, User
from timeutil import utcnow

FULL_TIME_MINUTES_WEEK = 2295  # 38 h 15 min, full time when working all days (AB)


def login_locked_out(username: str, ip: str, max_failures: int, window_min: int) -> bool:
    """True if this username failed max_failures times from this address within the window."""
    since = utcnow() - timedelta(minutes=window_min)
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.succeeded
        )
    )
    if last_success is not None and last_success > since:
        since = last_success
    failures = db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username,
            LoginAttempt.ip == ip,
            LoginAttempt.at > since,
            sa.not_(LoginAttempt.succeeded),
        )
    )
    return failures >= max_failures


def record_login_attempt(username: str, ip: str, succeeded: bool) -> None:
    """Remember one attempt (for throttling)."""
    db.session.add(LoginAttempt(username=username[:80], ip=ip[:64], succeeded=succeeded))
    db.session.flush()


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def save_team(team: Team | None, **fields: Any) -> Team:
    """Create or update a team's name, area and settings."""
    action = "team.update" if team else "team.create"
    team = team or Team()
    for name, value in fields.items():
        setattr(team, name, value)
    db.session.add(team)
    db.session.flush()
    audit.log(action, team, team_id=team.id, **fields)
    return team


def save_staff(staff: StaffMember | None, team: Team, **fields: Any) -> StaffMember:
    """Create or update a staff member of a team."""
    action = "staff.update" if staff else "staff.create"
    staff = staff or StaffMember(team=team)
    for name, value in fields.items():
        setattr(staff, name, value)
    db.session.add(staff)
    audit.log(action, staff, **fields)
    return staff


def add_skill(staff: StaffMember, code: str, valid_until: date | None) -> StaffSkill:
    """Give a staff member a skill or delegation, or renew its valid-until date."""
    skill = next((s for s in staff.skills if s.code == code), None)
    if skill is None:
        skill = StaffSkill(code=code)
        staff.skills.append(skill)
    skill.valid_until = valid_until
    db.session.flush()
    audit.log("staff.skill", staff, code=code, valid_until=valid_until)
    return skill


def remove_skill(staff: StaffMember, skill: StaffSkill) -> None:
    staff.skills.remove(skill)
    audit.log("staff.skill_remove", staff, code=skill.code)


def add_shift(
    staff: StaffMember,
    day: date,
    start: time,
    end: time,
    break_window: tuple[time, time] | None,
    break_minutes: int,
    entered_by: User | None,
) -> Shift:
    """Add a shift; an end at or before the start means the shift runs past midnight."""
    start_at = datetime.combine(day, start)
    end_at = datetime.combine(day, end)
    if end_at <= start_at:
        end_at += timedelta(days=1)
    shift = Shift(staff=staff, start=start_at, end=end_at, entered_by=entered_by)
    if break_window:
        shift.break_earliest = _within(start_at, break_window[0])
        shift.break_latest = _within(start_at, break_window[1])
        shift.break_minutes = break_minutes or 0
    db.session.add(shift)
    db.session.flush()
    audit.log("shift.create", shift, team_id=staff.team_id, staff_id=staff.id)
    return shift


def _within(shift_start: datetime, at: time) -> datetime:
    """The first datetime at or after shift_start with the given clock time."""
    moment = datetime.combine(shift_start.date(), at)
    return moment if moment >= shift_start else moment + timedelta(days=1)


def delete_shift(shift: Shift) -> None:
    audit.log("shift.delete", shift, team_id=shift.staff.team_id, start=shift.start)
    db.session.delete(shift)
    db.session.flush()


def add_absence(
    staff: StaffMember, kind: str, start_date: date, end_date: date, entered_by: User | None
) -> Absence:
    """Record whole days of absence (sick, leave, training, other)."""
    absence = Absence(
        staff=staff, kind=kind, start_date=start_date, end_date=end_date, entered_by=entered_by
    )
    db.session.add(absence)
    db.session.flush()
    audit.log("absence.create", absence, team_id=staff.team_id, kind=kind)
    return absence


def delete_absence(absence: Absence) -> None:
    audit.log("absence.delete", absence, team_id=absence.staff.team_id, kind=absence.kind)
    db.session.delete(absence)
    db.session.flush()


def upcoming_shifts(staff: StaffMember, start: date, days: int) -> list[Shift]:
    """The staff member's shifts starting within [start, start + days)."""
    begin = datetime.combine(start, time())
    return list(
        db.session.scalars(
            sa.select(Shift)
            .where(
                Shift.staff_id == staff.id,
                Shift.start >= begin,
                Shift.start < begin + timedelta(days=days),
            )
            .order_by(Shift.start)
        )
    )


class LastAdminError(Exception):
    """The change would leave no active administrator, and so nobody to administer users."""


def removes_last_admin(user: User | None, role: str, active: bool) -> bool:
    """True if giving user this role and active flag leaves no other active administrator.

    The active administrators' rows are locked (PostgreSQL) until the caller commits, so two
    administrators demoting each other at once cannot both succeed."""
    if user is None or user.role != "admin" or not user.active or (role == "admin" and active):
        return False
    admins = db.session.scalars(
        sa.select(User.id)
        .where(User.role == "admin", User.active)
        .order_by(User.id)
        .with_for_update()
    ).all()
    return not any(admin_id != user.id for admin_id in admins)


def save_user(user: User | None, password: str | None, **fields: Any) -> User:
    """Create or update a login; a new password is hashed, never stored. LastAdminError if
    the change would deactivate or demote the last active administrator."""
    if user is not None and removes_last_admin(
        user, fields.get("role", user.role), fields.get("active", user.active)
    ):
        raise LastAdminError(user.username)
    action = "user.update" if user else "user.create"
    user = user or User()
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    db.session.add(user)
    audit.log(action, user, **fields, password_changed=bool(password))
    return user


def team_staff(team_id: int, active_only: bool = False) -> list[StaffMember]:
    query = sa.select(StaffMember).where(StaffMember.team_id == team_id)
    if active_only:
        query = query.where(StaffMember.active)
    return list(db.session.scalars(query.order_by(StaffMember.name)))


def minutes_per_week(hours: float) -> int:
    return round(hours * 60)
