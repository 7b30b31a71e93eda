"""The nightly snapshot job: each team's figures per ISO week, computed once and kept, so the
trend charts load fast and do not shift when old rows are edited. A week's snapshot covers
the 14 days ending with that week (the continuity window)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import Flask

from extensions import db
from followup import continuity as cont
from followup import service
from followup.models import MetricSnapshot
from followup.records import Window
from scheduling.models import Visit
from teams.models import Team
from timeutil import local_today, monday_of

log = logging.getLogger(__name__)
WEEKS_BACK = 26
MONTH_DEFINITION = "teamplan-followup-month/1"


def snapshot_window(week_start: date) -> Window:
    return Window(week_start - timedelta(days=7), 14)


def snapshot_team_week(
    team: Team, week_start: date, data: service.TeamData | None = None, now: datetime | None = None
):
    """Compute and store one team-week (replacing a row of the same definition).

    `data` may hold the team's records for a longer span; only the week's window is used.
    Without `data`, visits after `now` (default: the current time) are not performed.
    """
    window = snapshot_window(week_start)
    if data is None:
        data = service.load_team(team, window, now)
    else:
        data = replace(data, window=window)
    if not any(window.contains(v.day) for v in data.visits):
        return None
    figures = service.summary(data)
    row = db.session.scalar(
        sa.select(MetricSnapshot).where(
            MetricSnapshot.team_id == team.id,
            MetricSnapshot.week_start == week_start,
            MetricSnapshot.definition == service.SNAPSHOT_DEFINITION,
        )
    )
    if row is None:
        row = MetricSnapshot(
            team_id=team.id,
            week_start=week_start,
            definition=service.SNAPSHOT_DEFINITION,
            data=figures,
        )
        db.session.add(row)
    row.data = figures
    db.session.flush()
    return row


def missing_weeks(team: Team, last: date, weeks: int) -> list[date]:
    """Completed weeks without a snapshot, from the team's first visit on."""
    have = set(
        db.session.scalars(
            sa.select(MetricSnapshot.week_start).where(
                MetricSnapshot.team_id == team.id,
                MetricSnapshot.definition == service.SNAPSHOT_DEFINITION,
            )
        )
    )
    first_visit = db.session.scalar(
        sa.select(sa.func.min(Visit.date)).where(Visit.team_id == team.id)
    )
    if first_visit is None:
        return []
    week = max(last - timedelta(weeks=weeks - 1), monday_of(first_visit) + timedelta(days=7))
    out = []
    while week <= last:
        if week not in have:
            out.append(week)
        week += timedelta(days=7)
    return out


def snapshot_missing(today: date | None = None, weeks: int = WEEKS_BACK) -> int:
    """Snapshot every completed week of the last `weeks` that has none yet (caller commits).
    Each team's rows are loaded once for the whole span, then cut into weekly windows."""
    today = today or local_today()
    now = datetime.combine(today, time())  # the weeks and months snapshotted have all ended
    last = monday_of(today) - timedelta(days=7)  # the latest week that has ended
    made = 0
    for team in db.session.scalars(sa.select(Team).order_by(Team.id)).all():
        todo = missing_weeks(team, last, weeks)
        if not todo:
            continue
        span = Window(snapshot_window(todo[0]).start, (todo[-1] - todo[0]).days + 14)
        data = service.load_team(team, span, now)
        made += sum(snapshot_team_week(team, w, data) is not None for w in todo)
    for team in db.session.scalars(sa.select(Team).order_by(Team.id)).all():
        made += snapshot_months(team, today)
    return made


def snapshot_months(team: Team, today: date) -> int:
    """Skönsmo's monthly figure for each completed calendar month wholly after the team's
    first visit (kept like the weekly rows; `week_start` holds the month's first day)."""
    first_visit = db.session.scalar(
        sa.select(sa.func.min(Visit.date)).where(Visit.team_id == team.id)
    )
    if first_visit is None:
        return 0
    have = {s.week_start for s in trend(team.id, MONTH_DEFINITION)}
    first = first_visit if first_visit.day == 1 else next_month(first_visit)
    todo = []
    while next_month(first) <= today.replace(day=1):
        if first not in have:
            todo.append(first)
        first = next_month(first)
    if not todo:
        return 0
    span = Window(todo[0], (next_month(todo[-1]) - todo[0]).days)
    data = service.load_team(team, span, datetime.combine(today, time()))
    for month in todo:
        counts = cont.monthly_distinct_staff(data.visits, data.staff, month.year, month.month)
        values = [n for n in counts.values() if n]
        figures = {"mean": cont.mean_or_none(values), "clients": len(values)}
        db.session.add(MetricSnapshot(team_id=team.id, week_start=month,
                                      definition=MONTH_DEFINITION, data=figures))  # fmt: skip
    db.session.flush()
    return len(todo)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def trend(team_id: int, definition: str = service.SNAPSHOT_DEFINITION) -> list[MetricSnapshot]:
    """The team's weekly (or, with MONTH_DEFINITION, monthly) snapshots, oldest first."""
    return list(
        db.session.scalars(
            sa.select(MetricSnapshot)
            .where(
                MetricSnapshot.team_id == team_id,
                MetricSnapshot.definition == definition,
            )
            .order_by(MetricSnapshot.week_start)
        )
    )


def nightly_snapshots(app: Flask) -> None:
    """The scheduled job: runs in its own app context and commits once."""
    with app.app_context():
        try:
            made = snapshot_missing()
            db.session.commit()
            log.info("follow-up snapshots: %d new", made)
        except Exception:
            db.session.rollback()
            log.exception("follow-up snapshots failed")
            raise


def register(scheduler, app: Flask) -> None:
    """Add the nightly job (02:30) to the deployment's one APScheduler."""
    scheduler.add_job(
        nightly_snapshots,
        "cron",
        hour=2,
        minute=30,
        args=[app],
        id="followup-snapshots",
        replace_existing=True,
    )
