"""A small team with a published plan, for the board and edit tests.

Today: Anna (insulin delegation) has Karin's morning visit at 08:00 (Storgatan 3, near the
office), Bo has Lars at 08:05 (Ekgatan 9, about 3 km away); Karin's lunch is unassigned.
Cia has a shift too, and Lars has said no to visits from Cia.
"""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

from extensions import db
from scheduling.models import Assignment, Plan, Visit
from teams.models import Shift
from tests import factories
from timeutil import local_today

OFFICE = (58.4000, 15.5800)


def at(day, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm))


def make_visit(team, client, day, earliest, latest, minutes=30, kind="morning", **kw) -> Visit:
    visit = Visit(
        team=team,
        client=client,
        date=day,
        earliest_start=at(day, *earliest),
        latest_start=at(day, *latest),
        duration_min=minutes,
        kind=kind,
        **kw,
    )
    db.session.add(visit)
    db.session.flush()
    return visit


def make_shift(staff, day, start=(7, 0), end=(15, 0), brk=((11, 0), (13, 0), 30)) -> Shift:
    shift = Shift(staff=staff, start=at(day, *start), end=at(day, *end))
    if brk:
        shift.break_earliest, shift.break_latest = at(day, *brk[0]), at(day, *brk[1])
        shift.break_minutes = brk[2]
    db.session.add(shift)
    db.session.flush()
    return shift


def board_world(policy: str | None = None) -> SimpleNamespace:
    w = SimpleNamespace(day=local_today())
    day = w.day
    w.team = factories.make_team(
        "Team Ryd", office_lat=OFFICE[0], office_lon=OFFICE[1], travel_speed_kmh=15.0
    )
    if policy and hasattr(w.team, "edit_rule_policy"):
        w.team.edit_rule_policy = policy
    w.anna = factories.make_staff(w.team, "Anna Ek", skills=["insulin"])
    w.bo = factories.make_staff(w.team, "Bo Lind")
    w.cia = factories.make_staff(w.team, "Cia Berg")
    for s in (w.anna, w.bo, w.cia):
        make_shift(s, day)
    w.karin = factories.make_client(
        w.team, "Karin Holm", address="Storgatan 3", lat=58.4010, lon=15.5810
    )
    w.lars = factories.make_client(
        w.team, "Lars Nord", address="Ekgatan 9", lat=58.4200, lon=15.6200
    )
    w.lars.refused_staff = [w.cia]
    w.morning = make_visit(w.team, w.karin, day, (7, 30), (8, 30), skills=["insulin"])
    w.lars_visit = make_visit(w.team, w.lars, day, (8, 0), (8, 10))
    w.lunch = make_visit(w.team, w.karin, day, (11, 30), (12, 30), kind="lunch")
    w.plan = Plan(
        team=w.team,
        horizon_start=day - timedelta(days=day.weekday()),
        days=14,
        version=1,
        state="published",
        solver_unassigned=[
            {
                "visit": f"v{w.lunch.id}",
                "code": "capacity",
                "reason": "no room",
                "data": {"day": day.isoformat(), "window": "11:30-12:30"},
            }
        ],
    )
    w.plan.assignments = [
        Assignment(visit=w.morning, staff=w.anna, start=at(day, 8)),
        Assignment(visit=w.lars_visit, staff=w.bo, start=at(day, 8, 5)),
    ]
    db.session.add(w.plan)
    w.users = {
        "anna": factories.make_user("anna", "staff", w.anna),
        "bo": factories.make_user("bo", "staff", w.bo),
        "cia": factories.make_user("cia", "staff", w.cia),
    }
    w.lead_staff = factories.make_staff(w.team, "Lena Lead")
    w.users["lead"] = factories.make_user("lena", "lead", w.lead_staff)
    other = factories.make_team("Team Other")
    w.outsider = factories.make_user("outsider", "staff", factories.make_staff(other, "Olle"))
    factories.make_user("eval", "evaluator")
    db.session.flush()
    return w
