"""Run the app for the browser tests: a fresh SQLite file with the demo teams, two past
fortnights of follow-up history with their weekly snapshots, this week's visits, a published
plan, and a note of which visits demo-staff can and cannot claim (and of the names and
addresses that must never reach an evaluator).

    python -m tests.e2e.server --db /tmp/x.db --port 5123 --facts /tmp/facts.json
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date, timedelta

import sqlalchemy as sa


def seed(today: date) -> dict:
    """Demo data, visits and a published baseline plan; returns ids the tests need."""
    import demo
    from extensions import db
    from scheduling import service
    from scheduling.solver.baseline import travel_first
    from scheduling.solver.generate import generate_team
    from scheduling.solver.plan import to_json
    from scheduling.solver.problem import parse
    from teams.models import User

    monday = today - timedelta(days=today.weekday())
    teams = demo.seed_demo(monday, generate_team)
    team = teams["pilot"]
    db.session.commit()
    seed_followup(teams, today)
    service.expand_visits(team, monday, 14)
    problem_json = service.build_problem(team, monday, 14)
    problem = parse(problem_json)
    plan = service.store_solver_plan(team, problem_json, to_json(travel_first(problem), problem))
    service.publish_plan(plan, None)
    db.session.commit()
    staff_user = db.session.scalar(sa.select(User).where(User.username == "demo-staff"))
    facts = {"team": team.id, "staff": staff_user.staff_member_id, "plan": plan.id,
             "comparison": teams["comparison"].id}  # fmt: skip
    facts.update(find_claims(staff_user, today))
    lead_user = db.session.scalar(sa.select(User).where(User.username == "demo-lead"))
    staff_day = date.fromisoformat(facts["day"])
    facts.update(find_lead_claim(lead_user, staff_user.staff_member_id, staff_day, monday))
    facts.update(personal_data())
    return facts


def seed_followup(teams: dict, today: date) -> None:
    """Two past fortnights of published plans and outcomes, and their weekly snapshots."""
    import demo
    from extensions import db
    from followup import jobs
    from followup.demo_history import TEST_FORTNIGHTS, seed_history

    configs = {"pilot": demo.PILOT, "comparison": demo.COMPARISON}
    monday = today - timedelta(days=today.weekday())  # seed() makes this week's own visits
    seed_history(teams, today, configs, TEST_FORTNIGHTS, end=monday)
    jobs.snapshot_missing(today)
    db.session.commit()


def personal_data() -> dict:
    """Every client's and staff member's name and every address (for the privacy checks)."""
    from clients.models import Client
    from extensions import db
    from teams.models import StaffMember

    clients = db.session.execute(sa.select(Client.name, Client.address)).all()
    staff = db.session.scalars(sa.select(StaffMember.name)).all()
    return {
        "client_names": sorted({c.name for c in clients}),
        "addresses": sorted({c.address for c in clients if c.address}),
        "staff_names": sorted(set(staff)),
    }


def _claims(user, day: date, skip_staff: frozenset[int] = frozenset()):
    """(visit, claim result) for each single-staff visit of ``day``, earliest first, that
    neither ``user`` nor ``skip_staff`` holds; every claim is rolled back."""
    from extensions import db
    from scheduling import boardplan, edits
    from scheduling.models import Visit

    staff = user.staff_member
    plan = boardplan.current_plan(staff.team_id, day)
    held = {a.visit_id for a in plan.assignments if a.staff_id in skip_staff | {staff.id}}
    visits = db.session.scalars(
        sa.select(Visit).where(Visit.team_id == staff.team_id, Visit.date == day)
        .where(Visit.staff_required == 1).order_by(Visit.earliest_start)
    ).all()  # fmt: skip
    for visit in visits:
        if visit.id not in held:
            result = edits.claim(visit, visit.version, staff, user)
            db.session.rollback()
            yield visit, result


def find_claims(user, today: date) -> dict:
    """A day of demo-staff's within the week from ``today`` with a visit demo-staff may
    claim without breaking a rule and one that breaks one (the first such working day;
    which days have both depends on the weekday the tests run on)."""
    staff = user.staff_member
    days = [
        today + timedelta(days=i)
        for i in range(7)
        if any(s.start.date() == today + timedelta(days=i) for s in staff.shifts)
    ] or [today]
    first = None
    for day in days:
        found: dict = {"day": day.isoformat()}
        for visit, result in _claims(user, day):
            texts = " ".join(c.text for c in result.conflicts)
            if result.applied and "ok" not in found:
                found["ok"] = visit.id
            elif not result.applied and "impossible" not in found and "Hinner inte" in texts:
                found["impossible"], found["conflict"] = visit.id, texts
            if "ok" in found and "impossible" in found:
                return found
        first = first or found
    return first  # no day has both: the tests that need them fail on the missing fact


def find_lead_claim(user, staff_id: int, staff_day: date, monday: date) -> dict:
    """The first day after demo-staff's (within the seeded fortnight) with a visit held by
    neither of them that demo-lead can claim. Which days leave the lead room depends on the
    weekday the tests run on, so the day view's claim test is told rather than guessing."""
    for i in range(1, (monday + timedelta(days=14) - staff_day).days):
        day = staff_day + timedelta(days=i)
        tries = _claims(user, day, frozenset({staff_id}))
        visit = next((v.id for v, result in tries if result.applied), None)
        if visit is not None:
            return {"lead_day": day.isoformat(), "lead_ok": visit}
    raise RuntimeError("demo-lead can claim no visit after demo-staff's day")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--facts", required=True)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ.setdefault("SOLVER_TIME_LIMIT_S", "8")

    from app import create_app
    from extensions import db
    from timeutil import local_today

    app = create_app()
    with app.app_context():
        db.create_all()
    with app.test_request_context():
        facts = seed(local_today())
    with open(args.facts, "w") as f:
        json.dump(facts, f)
    from werkzeug.serving import make_server

    make_server("127.0.0.1", args.port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
