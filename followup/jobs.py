"""The nightly snapshot job: each team's figures per ISO week, computed once and kept, so the
trend charts load fast and do not shift when old rows are edited. A week's snapshot covers
the 14 days ending with that week (the continuity window)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask

from extensions import db
from followup import service
from followup.models import MetricSnapshot
from followup.records import Window
from scheduling.models import Visit
from teams.models import Team

log = logging.getLogger(__name__)
WEEKS_BACK = 26


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def snapshot_window(week_start: date) -> Window:
    return Window(week_start - timedelta(days=7), 14)


def snapshot_team_week(team: Team, week_start: date) -> MetricSnapshot | None:
    """Compute and store one team-week (replacing a row of the same definition)."""
    window = snapshot_window(week_start)
    data = service.load_team(team, window)
    if not data.visits:
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


def snapshot_missing(today: date | None = None, weeks: int = WEEKS_BACK) -> int:
    """Snapshot every completed week of the last `weeks` that has none yet (caller commits)."""
    today = today or date.today()
    last = monday(today) - timedelta(days=7)  # the latest week that has ended
    made = 0
    for team in db.session.scalars(sa.select(Team).order_by(Team.id)):
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
            continue
        week = max(last - timedelta(weeks=weeks - 1), monday(first_visit) + timedelta(days=7))
        while week <= last:
            if week not in have and snapshot_team_week(team, week) is not None:
                made += 1
            week += timedelta(days=7)
    return made


def trend(team_id: int) -> list[MetricSnapshot]:
    """The team's weekly snapshots, oldest first."""
    return list(
        db.session.scalars(
            sa.select(MetricSnapshot)
            .where(
                MetricSnapshot.team_id == team_id,
                MetricSnapshot.definition == service.SNAPSHOT_DEFINITION,
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
