"""A tiny team that the solver plans in well under a second: three staff with day shifts,
three clients with a morning and a lunch need, users for the lead and a staff member."""

from datetime import date, time, timedelta
from types import SimpleNamespace

from extensions import db
from scheduling import plans
from scheduling.expand import expand_visits
from scheduling.models import Assignment, Plan, Visit
from tests import factories as f

DAYS = 3


def small_team(start: date, days: int = DAYS, name: str = "Team Liten") -> SimpleNamespace:
    w = SimpleNamespace(start=start, days=days)
    w.team = f.make_team(name, office_lat=58.41, office_lon=15.62)
    w.staff = [f.make_staff(w.team, n, skills=("insulin",) if i == 0 else ())
               for i, n in enumerate(("Anna Ek", "Bo Lind", "Cia Berg"))]  # fmt: skip
    for s in w.staff:
        for d in range(days):
            f.make_shift(s, start + timedelta(days=d), time(7), time(15))
    # Clients since well before `start` (make_client's default is 30 days before today,
    # which leaves a fixed `start` weeks in the past outside the clients' time).
    w.clients = [
        f.make_client(w.team, n, contact=[w.staff[i]], lat=58.40 + i / 100, lon=15.60 + i / 100,
                      active_from=start - timedelta(days=30))
        for i, n in enumerate(("Klara Ros", "Olle Gran", "Maja Al"))
    ]  # fmt: skip
    w.needs = []
    for c in w.clients:
        w.needs.append(f.make_need(c, "morning", valid_from=start - timedelta(days=14)))
        w.needs.append(
            f.make_need(c, "lunch", earliest=time(11), latest=time(12), duration_min=20,
                        valid_from=start - timedelta(days=14))
        )  # fmt: skip
    w.lead = f.make_user("lead-liten", "lead", w.staff[0])
    w.member = f.make_user("staff-liten", "staff", w.staff[1])
    expand_visits(w.team, start, days)
    db.session.flush()
    return w


def visits_of(team, day: date | None = None) -> list[Visit]:
    query = db.select(Visit).where(Visit.team_id == team.id).order_by(Visit.earliest_start)
    if day is not None:
        query = query.where(Visit.date == day)
    return list(db.session.scalars(query))


def hand_plan(w: SimpleNamespace, state: str = "published", staff_index=None) -> Plan:
    """A valid plan: each visit to the client's contact person, 30 minutes into its window."""
    plan = plans.new_plan(w.team, w.start, w.days, None)
    end = w.start + timedelta(days=w.days)
    for v in [v for v in visits_of(w.team) if w.start <= v.date < end]:
        contact = v.client.contact_staff[0] if staff_index is None else w.staff[staff_index]
        start = v.earliest_start + timedelta(minutes=30)  # leaves time to get there
        db.session.add(Assignment(plan=plan, visit=v, staff=contact, start=start))
    plan.state = state
    db.session.flush()
    return plan
