"""The demo's follow-up history reaches the day before the load day, so the lead's last 14
days have performed visits to show (the load day here is a Wednesday)."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

import demo
from followup import dashboards, service
from followup.demo_history import seed_history
from scheduling.models import Plan, Visit
from scheduling.solver.generate import generate_team
from teams.models import Shift, User

LOAD_DAY = date(2026, 11, 25)  # a Wednesday
MONDAY = date(2026, 11, 23)
CONFIGS = {"pilot": demo.PILOT, "comparison": demo.COMPARISON}


def test_history_covers_this_week_before_the_load_day(app, db, monkeypatch):
    teams = demo.seed_demo(LOAD_DAY, generate_team)
    seed_history(teams, LOAD_DAY, CONFIGS, 1)
    db.session.commit()
    pilot = teams["pilot"]
    days = set(db.session.scalars(sa.select(Visit.date).where(Visit.team_id == pilot.id)))
    assert {MONDAY, MONDAY + timedelta(days=1)} <= days and max(days) < LOAD_DAY
    shift_days = {s.date() for s in db.session.scalars(sa.select(Shift.start))}
    assert {MONDAY, MONDAY + timedelta(days=1), LOAD_DAY} <= shift_days
    # No history plan reaches into the demo's own days (from the load day on).
    plans = db.session.scalars(sa.select(Plan).where(Plan.team_id == pilot.id)).all()
    assert max(p.horizon_start + timedelta(days=p.days) for p in plans) == LOAD_DAY

    monkeypatch.setattr(dashboards, "local_today", lambda: LOAD_DAY)
    monkeypatch.setattr(service, "local_now", lambda: datetime(2026, 11, 25, 9, 0))
    lead = db.session.scalar(sa.select(User).where(User.username == "demo-lead"))
    assert lead.team_id == pilot.id
    with app.test_request_context():
        view = dashboards.lead_view(pilot)
    assert (view["now"].start, view["now"].dates()[-1]) == (date(2026, 11, 11), date(2026, 11, 24))
    figures = view["summary_now"]["continuity_performed"]
    assert figures["eligible_clients"] > 0 and figures["mean"] is not None


def test_history_can_stop_at_monday_for_a_week_seeded_otherwise(db):
    teams = demo.seed_demo(MONDAY, generate_team)
    seed_history(teams, LOAD_DAY, CONFIGS, 1, end=MONDAY)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.max(Visit.date))) == MONDAY - timedelta(days=1)
