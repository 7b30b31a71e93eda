"""What is published for each day, what a plan version was built on, and which version the
pages show for a day.

The one rule: what is published for a day is the newest published version covering it
(`published_by_day`). Every page, every re-plan and the publish check go through it. A new
version records, per day, the published version it was built on (`Plan.base_by_day`); a
draft whose days no longer match was overtaken by a newer publication (`stale_days`) and
`plans.publish_plan` refuses it, so the newest published version is also the last one
published for every day, and a draft never puts back what a newer plan changed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from extensions import db
from scheduling.models import Assignment, Plan, Visit
from teams.models import Team
from timeutil import local_now

ONE_DAY = timedelta(days=1)


def covers(plan: Plan, day: date) -> bool:
    return plan.horizon_start <= day < plan.horizon_start + timedelta(days=plan.days)


def horizon_end(plan: Plan) -> date:
    """The day after the version's last day."""
    return plan.horizon_start + timedelta(days=plan.days)


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


def newest_by_day(
    team_id: int, start: date, end: date, state: str | None = None
) -> dict[date, Plan | None]:
    """Day -> the newest version (in `state`, if given) covering it, for days in [start, end)."""
    query = (
        sa.select(Plan)
        .where(Plan.team_id == team_id, Plan.horizon_start < end)
        .order_by(Plan.version.desc())
    )
    if state is not None:
        query = query.where(Plan.state == state)
    plans = [p for p in db.session.scalars(query) if start < horizon_end(p)]
    days = days_between(start, end)
    return {day: next((p for p in plans if covers(p, day)), None) for day in days}


def published_by_day(team_id: int, start: date, end: date) -> dict[date, Plan | None]:
    """Day -> what is published for it (the newest published version covering the day, or
    None), for the days in [start, end). The one home of this fact."""
    return newest_by_day(team_id, start, end, "published")


def published_plan(team_id: int, day: date) -> Plan | None:
    """The published version in force on the day."""
    return published_by_day(team_id, day, day + ONE_DAY)[day]


def ids_by_day(by_day: dict[date, Plan | None]) -> dict[date, int | None]:
    return {day: plan.id if plan else None for day, plan in by_day.items()}


def base_record(team_id: int, start: date, end: date) -> dict[str, int | None]:
    """What a new version for [start, end) is built on: ISO day -> published version id."""
    published = ids_by_day(published_by_day(team_id, start, end))
    return {day.isoformat(): plan_id for day, plan_id in published.items()}


def base_by_day(plan: Plan) -> dict[date, int | None]:
    """Day -> id of the published version the version was built on for that day. Versions made
    before this was recorded count as built on the version they were copied from."""
    if plan.base_by_day is not None:
        return {date.fromisoformat(day): plan_id for day, plan_id in plan.base_by_day.items()}
    parent = plan.based_on
    return {
        day: parent.id if parent is not None and covers(parent, day) else None
        for day in days_between(plan.horizon_start, horizon_end(plan))
    }


def stale_days(plan: Plan) -> list[date]:
    """The days of a draft for which another version has been published since the draft was
    made: publishing the draft would undo that version there. Empty for a published version."""
    if plan.state != "draft":
        return []
    now = ids_by_day(published_by_day(plan.team_id, plan.horizon_start, horizon_end(plan)))
    base = base_by_day(plan)
    return [day for day, plan_id in now.items() if base.get(day) != plan_id]


def current_plan(team_id: int, day: date) -> Plan | None:
    """The version the pages show for the day and hand edits start from: the newest draft
    covering the day that was built on what is published for it now, else what is published."""
    published = published_plan(team_id, day)
    query = (
        sa.select(Plan)
        .where(Plan.team_id == team_id, Plan.state == "draft", Plan.horizon_start <= day)
        .order_by(Plan.version.desc())
    )
    if published is not None:
        query = query.where(Plan.version > published.version)
    for draft in db.session.scalars(query):
        if covers(draft, day) and base_by_day(draft).get(day) == (published and published.id):
            return draft
    return published


def rows_on_days(chosen: dict[date, int | None]) -> dict[int, list[Assignment]]:
    """visit id -> its assignments in the version chosen for the visit's day (with visits)."""
    plan_ids = {plan_id for plan_id in chosen.values() if plan_id is not None}
    if not plan_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Assignment)
        .join(Assignment.visit)
        .options(so.contains_eager(Assignment.visit))  # one query, visits included
        .where(Assignment.plan_id.in_(plan_ids))
        .where(Visit.date >= min(chosen), Visit.date <= max(chosen))
        .order_by(Assignment.id)
    )
    out: dict[int, list[Assignment]] = {}
    for a in rows:
        if chosen.get(a.visit.date) == a.plan_id:
            out.setdefault(a.visit_id, []).append(a)
    return out


def lock_team(team_id: int) -> None:
    """Serialise the writers of a team's plans and visits (a row lock on the team, held to
    the commit): publishing, hand edits, solver runs and their results, re-expansion and
    outcomes each take it before they read what they change, so a publish sees every version
    published before it and no edit lands in a version being published.

    FOR NO KEY UPDATE on PostgreSQL: it waits for other takers of this lock only, not for
    rows that merely refer to the team (each insert of an audit event or a visit holds a
    KEY SHARE lock on it). With FOR UPDATE, two requests that had both written such a row
    and then asked for the lock waited for each other: a deadlock."""
    db.session.execute(sa.select(Team.id).where(Team.id == team_id).with_for_update(key_share=True))


def published_visits_in(
    staff_id: int,
    team_id: int,
    start: datetime,
    end: datetime,
    kept: tuple[datetime, datetime] | None = None,
) -> int:
    """How many visits still to come (not cancelled, not begun) the published plans give the
    member with a start in [start, end): those a shift removed there leaves with nobody on
    shift. Visits already begun are history, not work to hand over. With `kept` (the new
    times of a changed shift), not those that fit wholly within it."""
    start = max(start, local_now())
    if start >= end:
        return 0
    chosen = ids_by_day(published_by_day(team_id, start.date(), end.date() + ONE_DAY))

    def fits(a: Assignment) -> bool:
        finish = a.start + timedelta(minutes=a.visit.duration_min)
        return kept is not None and kept[0] <= a.start and finish <= kept[1]

    return sum(
        1
        for rows in rows_on_days(chosen).values()
        for a in rows
        if a.staff_id == staff_id
        and start <= a.start < end
        and not a.visit.cancelled
        and not fits(a)
    )
