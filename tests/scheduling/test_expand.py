"""Care needs -> visits: idempotent expansion; need changes re-expand only the future."""

import time as clock
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from clients import service as client_service
from clients.models import ClientAbsence
from config import TestConfig
from extensions import db as _db
from scheduling import expand as expand_module
from scheduling.expand import NEED_CHANGED, expand_upcoming, expand_visits, reexpand_need
from scheduling.jobs import expand_job
from scheduling.models import Visit
from teams.models import Team
from tests import factories as f
from tests.concurrency import at_once
from tests.scheduling.planning_world import hand_plan, small_team, visits_of
from timeutil import local_today

START = date(2026, 11, 23)  # a Monday
ON_POSTGRES = TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")


@pytest.fixture
def w(db):
    world = small_team(START)
    db.session.commit()
    return world


def test_expansion_is_idempotent(w):
    assert len(visits_of(w.team)) == 18
    assert expand_visits(w.team, START, 3) == []
    assert len(visits_of(w.team)) == 18


def test_weekdays_interval_and_client_absence(db):
    team = f.make_team("T")
    client = f.make_client(team, active_from=START - timedelta(days=100))
    f.make_need(client, "shower", weekdays="3", interval_weeks=2, valid_from=START)
    client.absences.append(
        ClientAbsence(kind="hospital", start_date=START + timedelta(days=28), end_date=None)
    )
    visits = expand_visits(team, START, 35)
    assert [v.date for v in visits] == [START + timedelta(days=2), START + timedelta(days=16)]
    assert visits[0].earliest_start == datetime(2026, 11, 25, 7, 0)


def test_need_change_updates_unplanned_future_visits(w, db, monkeypatch):
    need = w.needs[0]
    now = datetime(2026, 11, 24, 6, 0)
    # save_need re-expands from the current time: fix it, or before START every visit
    # (START's too) is in the future and follows the change.
    monkeypatch.setattr(expand_module, "local_now", lambda: now)
    client_service.save_need(need, need.client, earliest=time(8), latest=time(10))
    db.session.commit()
    by_day = {v.date: v for v in visits_of(w.team) if v.care_need_id == need.id}
    assert by_day[START].earliest_start.hour == 7  # the past stays as it was
    assert by_day[START + timedelta(days=1)].earliest_start.hour == 8
    assert by_day[START + timedelta(days=2)].earliest_start.hour == 8
    assert not any(v.cancelled for v in by_day.values())


def test_published_visit_kept_unless_the_change_makes_it_invalid(w, db):
    hand_plan(w)  # starts 07:30 in the morning window 07:00-09:00
    db.session.commit()
    need = w.needs[0]
    now = datetime(2026, 11, 22, 12, 0)
    need.latest = time(9, 30)  # 07:30 still fits: published visits are kept as they are
    counts = reexpand_need(need, now=now)  # also expands the need's coming four weeks
    assert counts["updated"] == 0 and counts["cancelled"] == 0
    need.earliest = time(8)  # 07:30 no longer fits: cancel with a note, make a new visit
    counts = reexpand_need(need, now=now)
    db.session.commit()
    assert counts["cancelled"] == 3 and counts["created"] == 3
    visits = [v for v in visits_of(w.team) if v.care_need_id == need.id]
    cancelled = [v for v in visits if v.cancelled]
    assert {v.cancel_reason for v in cancelled} == {NEED_CHANGED}
    fresh = [v for v in visits if not v.cancelled and v.date >= START]
    assert len([v for v in fresh if START <= v.date < START + timedelta(days=3)]) == 3
    assert all(v.earliest_start.hour == 8 for v in fresh)


def test_performed_visits_are_never_touched(w, db):
    need = w.needs[0]
    visit = next(v for v in visits_of(w.team) if v.care_need_id == need.id)
    visit.outcome = "done"
    need.weekdays = "7"
    reexpand_need(need, now=datetime(2026, 11, 22, 12, 0))
    db.session.commit()
    assert not visit.cancelled and visit.outcome == "done"


def test_deleting_a_need_cancels_its_future_visits(db):
    w = small_team(local_today() + timedelta(days=1))
    need = w.needs[1]
    client_service.delete_need(need)
    db.session.commit()
    lunches = [v for v in visits_of(w.team) if v.kind == "lunch" and v.client_id == w.clients[0].id]
    assert len(lunches) == 3 and all(v.cancelled for v in lunches)


def test_the_job_expands_four_weeks(app, db):
    team = f.make_team("T")
    client = f.make_client(team, active_from=local_today() - timedelta(days=10))
    f.make_need(client, "morning", valid_from=local_today() - timedelta(days=10))
    db.session.commit()
    expand_job(app)
    assert len(visits_of(team)) == 28
    assert expand_upcoming() == 0


def test_client_absence_cancels_and_restores_coming_visits(db):
    w = small_team(local_today() + timedelta(days=1))
    client = w.clients[0]
    day = w.start + timedelta(days=1)
    absence = client_service.add_absence(client, "hospital", day, day)
    db.session.commit()
    away = [v for v in visits_of(w.team, day) if v.client_id == client.id]
    assert len(away) == 2 and all(v.cancelled and v.cancel_reason == "client_away" for v in away)
    assert not any(v.cancelled for v in visits_of(w.team, w.start))
    client_service.delete_absence(absence)
    db.session.commit()
    assert not any(v.cancelled for v in visits_of(w.team, day))


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
def test_two_expansions_at_once_create_each_visit_once(app, db, monkeypatch):
    """Two schedulers (or the job and a lead's edit) expanding one team at the same moment:
    each (need, day) still gets one visit, because the second waits for the first."""
    team = f.make_team("T")
    client = f.make_client(team, active_from=START - timedelta(days=100))
    f.make_need(client, "morning", valid_from=START)
    db.session.commit()
    team_id = team.id
    db.session.remove()
    read = expand_module._existing

    def slow_existing(*args):
        rows = read(*args)
        clock.sleep(0.5)  # both have looked before either inserts, unless one waits
        return rows

    monkeypatch.setattr(expand_module, "_existing", slow_existing)

    def expand(wait) -> None:
        wait()
        expand_visits(_db.session.get(Team, team_id), START, 7)
        _db.session.commit()

    assert at_once(app, expand, expand) == [None, None]
    days = db.session.scalars(sa.select(Visit.date).where(Visit.team_id == team_id)).all()
    assert sorted(days) == [START + timedelta(days=i) for i in range(7)]
