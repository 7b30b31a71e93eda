"""A small pilot world with 14 days of visits and a published plan."""

from datetime import date, datetime, time, timedelta

import pytest

from extensions import db as _db
from scheduling.models import Assignment, Plan, Visit
from tests import factories

START = date(2026, 11, 2)  # Monday
END = START + timedelta(days=14)  # the day after the pilot's fortnight


def add_visit(team, client, day, hour, staff, kind="morning", plan=None, minutes=30):
    at = datetime.combine(day, time(hour))
    v = Visit(
        team=team, client=client, date=day, earliest_start=at - timedelta(minutes=15),
        latest_start=at + timedelta(minutes=15), duration_min=minutes, kind=kind,
    )  # fmt: skip
    _db.session.add(v)
    _db.session.flush()
    for s in staff:
        _db.session.add(Assignment(plan=plan, visit=v, staff=s, start=at))
    return v


@pytest.fixture
def pilot(world, db):
    """Team A as pilot: Klient A (1940) gets a morning visit by Sara Staff A and an evening
    visit by Lena Lead A every day (2 staff), plus one alarm by a substitute; a second client
    (1970, too young) gets one visit a day. Team B is the comparison team."""
    w = world
    team = w.team_a
    team.is_pilot, team.pilot_start = True, START
    w.team_b.is_comparison = True
    w.client_a.birth_year = 1940
    w.client_a.address = "Storgatan 1, Linköping"
    # Clients of the world start 30 days before today; these windows are fixed dates.
    w.client_a.active_from = START - timedelta(days=30)
    young = factories.make_client(
        team,
        "Yngve Ung",
        birth_year=1970,
        address="Lillgatan 9",
        active_from=w.client_a.active_from,
    )
    sub = factories.make_staff(team, "Vera Vikarie", substitute=True)
    plan = Plan(team=team, horizon_start=START, days=14, version=1, state="published")
    db.session.add(plan)
    for i in range(14):
        day = START + timedelta(days=i)
        add_visit(team, w.client_a, day, 8, [w.staff_a], plan=plan)
        add_visit(team, w.client_a, day, 18, [w.lead_a], kind="evening", plan=plan)
        add_visit(team, young, day, 9, [w.staff_a], plan=plan)
    add_visit(team, w.client_a, START + timedelta(days=3), 13, [sub], kind="alarm", plan=plan)
    db.session.commit()
    w.young, w.sub, w.plan = young, sub, plan
    return w


@pytest.fixture
def after_the_fortnight(monkeypatch):
    """The follow-up clock (followup.service.local_now) just after the pilot's fortnight, so
    every visit of it has started whatever day the tests run on (a test that records an
    outcome of a visit on START must not depend on the real clock being past START)."""
    from followup import service

    monkeypatch.setattr(service, "local_now", lambda: datetime.combine(END, time(0)))
