"""Rules for self-entered shifts (DOMAIN.md section 5): no overlap, and daily rest.

H1: at least 11 consecutive hours of rest in every 24 hours. Under AB a manager may allow
an exception down to 9 hours (with compensatory rest), flagged and logged; below 9 hours
it is never allowed. Two shifts on the same day (a split shift, delad tur) are one working
day: from its first start to its last end it may last at most 24 - 11 = 13 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

import audit
from extensions import db
from scheduling.published import published_visits_in
from teams.models import Shift, StaffMember, User
from timeutil import elapsed
from ui import clock, day

DAILY_REST = timedelta(hours=11)
EXCEPTION_REST = timedelta(hours=9)
MAX_WORKING_DAY = timedelta(hours=24) - DAILY_REST


@dataclass(frozen=True)
class Period:
    """A shift's times, saved or not yet saved."""

    start: datetime
    end: datetime
    shift_id: int | None = None


@dataclass
class ShiftIssue:
    code: str  # "overlap", "short_rest", "long_day"
    text: str
    exception_allowed: bool  # a lead may accept it as a logged exception (rest >= 9 h)


def hours_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def shifts_near(staff: StaffMember, start: datetime, end: datetime) -> list[Period]:
    """The staff member's saved shifts from two days before to two days after."""
    rows = db.session.scalars(
        sa.select(Shift)
        .where(Shift.staff_id == staff.id)
        .where(Shift.start < end + timedelta(days=2), Shift.end > start - timedelta(days=2))
        .order_by(Shift.start)
    )
    return [Period(s.start, s.end, s.id) for s in rows]


def check_shift(staff: StaffMember, new: Period) -> list[ShiftIssue]:
    """What breaks if the staff member also works ``new`` (ignoring the shift it replaces)."""
    others = [p for p in shifts_near(staff, new.start, new.end) if p.shift_id != new.shift_id]
    issues = [
        ShiftIssue(
            "overlap",
            _(
                "Overlaps a shift already entered: %(day)s %(start)s–%(end)s.",
                day=day(p.start),
                start=clock(p.start),
                end=clock(p.end),
            ),
            False,
        )
        for p in others
        if p.start < new.end and new.start < p.end
    ]
    if issues:
        return issues
    periods = sorted([*others, new], key=lambda p: p.start)
    i = periods.index(new)
    for a, b in (
        (periods[i - 1] if i else None, new),
        (new, periods[i + 1] if i + 1 < len(periods) else None),
    ):
        if a is not None and b is not None:
            issue = rest_issue(a, b, periods)
            if issue is not None:
                issues.append(issue)
    return issues


def rest_issue(a: Period, b: Period, periods: list[Period]) -> ShiftIssue | None:
    """Daily rest between two shifts in a row (a split shift counts as one working day).
    Rest and working day are real hours: across a change to or from summer time the clocks
    show an hour more or less than passes."""
    if a.start.date() == b.start.date():
        first = min(p.start for p in periods if p.start.date() == a.start.date())
        length = elapsed(first, b.end)
        if length > MAX_WORKING_DAY:
            text = _(
                "The working day %(day)s lasts %(hours)s from first start to last end; "
                "that leaves no 11 hours of daily rest.",
                day=day(a.start),
                hours=hours_text(length),
            )
            return ShiftIssue("long_day", text, False)
        return None
    gap = elapsed(a.end, b.start)
    if gap >= DAILY_REST:
        return None
    text = _(
        "Only %(hours)s of rest between the shift ending %(day)s %(end)s and the next one "
        "(at least 11 h).",
        hours=hours_text(gap),
        day=day(a.end),
        end=clock(a.end),
    )
    return ShiftIssue("short_rest", text, gap >= EXCEPTION_REST)


def refusing(issues: list[ShiftIssue], exception: bool) -> list[ShiftIssue]:
    """The issues that stop the save: all of them, unless a lead accepts a 9-11 h rest."""
    return [i for i in issues if not (exception and i.exception_allowed)]


def at_or_after(start: datetime, at: time) -> datetime:
    """The first moment at or after ``start`` whose clock shows ``at`` (a break past midnight)."""
    moment = datetime.combine(start.date(), at)
    return moment if moment >= start else moment + timedelta(days=1)


def update_shift(
    shift: Shift, start: datetime, end: datetime, brk: tuple | None, minutes: int
) -> Shift:
    """Change a shift's times and break (caller commits)."""
    shift.start, shift.end = start, end
    shift.break_earliest, shift.break_latest = brk if brk else (None, None)
    shift.break_minutes = minutes if brk else 0
    db.session.flush()
    audit.log("shift.update", shift, team_id=shift.staff.team_id, start=start, end=end)
    return shift


def week_shifts(staff: StaffMember, monday: date) -> list[Shift]:
    begin = datetime.combine(monday, datetime.min.time())
    return list(
        db.session.scalars(
            sa.select(Shift)
            .where(Shift.staff_id == staff.id, Shift.start >= begin)
            .where(Shift.start < begin + timedelta(days=7))
            .order_by(Shift.start)
        )
    )


def copy_week(staff: StaffMember, source: date, target: date, user: User) -> tuple[int, int]:
    """Copy the shifts of the week starting ``source`` to the week starting ``target``.

    A shift that would overlap or break the daily rest is skipped. Returns (copied, skipped)."""
    shift_by = target - source
    copied = skipped = 0
    for sh in week_shifts(staff, source):
        new = Period(sh.start + shift_by, sh.end + shift_by)
        if check_shift(staff, new):
            skipped += 1
            continue
        copy = Shift(staff=staff, start=new.start, end=new.end, entered_by=user)
        if sh.break_earliest is not None:
            copy.break_earliest = sh.break_earliest + shift_by
            copy.break_latest = sh.break_latest + shift_by
            copy.break_minutes = sh.break_minutes
        db.session.add(copy)
        db.session.flush()
        copied += 1
    audit.log(
        "shift.copy_week",
        staff,
        team_id=staff.team_id,
        source=source,
        target=target,
        copied=copied,
        skipped=skipped,
    )
    return copied, skipped


def shift_warning(shift: Shift, new_times: tuple[datetime, datetime] | None = None) -> str | None:
    """What removing the shift (or, with `new_times`, moving it there) would leave behind:
    published visits still to come in its times that no longer have it (None: none). Asked
    before the write."""
    staff = shift.staff
    left = published_visits_in(staff.id, staff.team_id, shift.start, shift.end, new_times)
    if not left:
        return None
    if new_times is None:
        return _(
            "Published visits on this shift now have nobody on shift: %(n)s. Give them away, "
            "or ask the team lead to re-plan.",
            n=left,
        )
    return _(
        "Published visits are now outside this shift: %(n)s. Give them away, or ask the team "
        "lead to re-plan.",
        n=left,
    )


def absence_warning(staff: StaffMember, start: date, end: date) -> str | None:
    """What a new absence from start to end (whole days) leaves behind: published visits
    still to come that the member has on those days (None: none)."""
    first = datetime.combine(start, time())
    after = datetime.combine(end + timedelta(days=1), time())
    left = published_visits_in(staff.id, staff.team_id, first, after)
    if not left:
        return None
    return _(
        "Published visits during the absence: %(n)s. Give them away, or ask the team lead "
        "to re-plan.",
        n=left,
    )
