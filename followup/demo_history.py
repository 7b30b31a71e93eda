"""Demo history for the follow-up: past weeks of published plans and what happened.

Each past fortnight of both demo teams, and this week's days before the load day, is
generated from the same team spec the demo uses (same staff and clients, that fortnight's
self-scheduled shifts), planned by a dispatcher and published: travel-first for the
comparison team and for the pilot team before its start, continuity-first for the pilot
team after it. Outcomes and sick absences are drawn from a fixed seed, with less sick
leave and fewer stand-ins in the pilot after its start.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from extensions import db
from followup.models import VisitOutcome
from scheduling.models import Assignment, Plan, Visit
from scheduling.solver import baseline
from scheduling.solver.generate import generate_team, team_to_problem
from scheduling.solver.problem import parse
from teams.models import Absence, Shift, StaffMember, Team
from timeutil import monday_of, utcnow

FORTNIGHTS = 6  # 12 weeks of history; the pilot started half-way (6 weeks ago)
TEST_FORTNIGHTS = 2  # under the test config: enough for a before and an after, and fast
TIME = "%Y-%m-%dT%H:%M"


def seed_history(
    teams: dict[str, Team],
    today: date,
    configs: dict[str, dict],
    fortnights: int = FORTNIGHTS,
    end: date | None = None,
) -> None:
    """Past published plans, performed visits and sick leave for the demo teams (flushes).

    Whole fortnights up to this week's Monday, then this week's days up to `end` (default
    `today`, the load day: the demo's own shifts, needs and plan start there), so that the
    last 14 days before the load day all have performed visits to follow up.
    """
    this_monday = monday_of(today)
    end = today if end is None else end
    first_monday = this_monday - timedelta(days=14 * fortnights)
    pilot_start = first_monday + timedelta(days=14 * (fortnights // 2))
    plans: dict = {}  # the dispatcher's plan is the same every fortnight: make it once
    for key, team in teams.items():
        if team.is_pilot:
            team.pilot_start = pilot_start
        rng = random.Random(configs[key]["seed"] * 101)
        staff = list(
            db.session.scalars(
                sa.select(StaffMember)
                .where(StaffMember.team_id == team.id)
                .order_by(StaffMember.id)
            )
        )
        sick = add_sick_leave(team, staff, first_monday, today, pilot_start, rng)
        starts = [first_monday + timedelta(days=14 * k) for k in range(fortnights)]
        for start in starts + ([this_monday] if this_monday < end else []):
            piloting = team.is_pilot and start >= pilot_start
            plan_key = (key, piloting)
            plans[plan_key] = seed_fortnight(
                team, configs[key], staff, start, piloting, sick, rng, plans.get(plan_key),
                until=min(end, start + timedelta(days=14)),
            )  # fmt: skip
    db.session.flush()


def add_sick_leave(team, staff, first, today, pilot_start, rng) -> dict:
    """Short sick spells (and one long one), fewer in the pilot after its start."""
    sick: dict[int, set[date]] = {}
    for i, member in enumerate(staff):
        day = first
        while day < today:
            rate = 0.025 if team.is_pilot and day >= pilot_start else 0.05
            if rng.random() < rate:
                length = rng.choice((1, 1, 2, 3, 5, 7))
                end = min(day + timedelta(days=length - 1), today - timedelta(days=1))
                member.absences.append(Absence(kind="sick", start_date=day, end_date=end))
                sick.setdefault(member.id, set()).update(
                    day + timedelta(days=d) for d in range((end - day).days + 1)
                )
                day = end + timedelta(days=3)
            day += timedelta(days=7)
        if i == 3 and not team.is_pilot:  # one long spell in the comparison team
            end = today - timedelta(days=2)
            start = end - timedelta(days=75)
            member.absences.append(Absence(kind="sick", start_date=start, end_date=end))
            sick.setdefault(member.id, set()).update(start + timedelta(days=d) for d in range(76))
    return sick


def seed_fortnight(team, cfg, staff, start, piloting, sick, rng, plan=None, until=None):
    """One published fortnight: shifts, visits, plan, assignments and outcomes (bulk rows).
    With `until`, only the days before it (this week's days before the load day)."""
    spec = generate_team(cfg["seed"], n_staff=cfg["n_staff"], n_clients=cfg["n_clients"],
                         start=start, days=14)  # fmt: skip
    problem_json = team_to_problem(spec)
    problem = parse(problem_json)
    if plan is None:  # visit ids and minutes are relative to the fortnight: reusable
        plan = baseline.continuity_first(problem) if piloting else baseline.travel_first(problem)
    until = until or start + timedelta(days=14)
    staff_ids = {s.id: m.id for s, m in zip(spec.staff, staff, strict=True)}
    insert_shifts(spec, staff_ids, until)
    visits = {k: row for k, row in visit_rows(team, spec, problem_json).items()
              if row["date"] < until}  # fmt: skip
    assignments = [a for a in plan.assignments if a.visit in visits]
    subs = [staff_ids[s.id] for s in spec.staff if s.substitute] or list(staff_ids.values())
    regulars = [staff_ids[s.id] for s in spec.staff if not s.substitute]
    stand_ins = regulars if piloting else subs  # the pilot team covers for its own
    starts, outcomes = {}, {}
    for a in assignments:
        starts[a.visit] = datetime.strptime(problem.to_text(a.start), TIME)
        crew = [staff_ids[s] for s in a.staff]
        outcome = draw_outcome(visits[a.visit], crew, starts[a.visit], stand_ins, sick, rng)
        if outcome is not None:
            outcomes[a.visit] = outcome
            visits[a.visit]["outcome"] = outcome["kind"]
    keys = list(visits)
    ids = db.session.scalars(
        sa.insert(Visit.__table__).returning(Visit.__table__.c.id, sort_by_parameter_order=True),
        [visits[k] for k in keys],
    ).all()
    visit_id = dict(zip(keys, ids, strict=True))
    first, second = publish_two_versions(team, start, (until - start).days)
    rows = []
    change_rate = 0.01 if piloting else 0.04
    for a in assignments:
        at = starts[a.visit]
        later = at + timedelta(minutes=10)
        moved = later <= visits[a.visit]["latest_start"] and rng.random() < change_rate
        for sid in a.staff:
            row = {"visit_id": visit_id[a.visit], "staff_id": staff_ids[sid], "source": "solver",
                   "pinned": False, "created_at": utcnow(), "version": 1}  # fmt: skip
            rows += [row | {"plan_id": first.id, "start": at},
                     row | {"plan_id": second.id, "start": later if moved else at}]  # fmt: skip
    db.session.execute(sa.insert(Assignment.__table__), rows)
    if outcomes:
        db.session.execute(
            sa.insert(VisitOutcome.__table__),
            [o | {"visit_id": visit_id[k]} for k, o in outcomes.items()],
        )
    return plan


def insert_shifts(spec, staff_ids: dict, until: date) -> None:
    rows = [
        {"staff_id": staff_ids[s.id], "start": sh.start, "end": sh.end,
         "break_earliest": sh.break_earliest, "break_latest": sh.break_latest,
         "break_minutes": sh.break_minutes, "created_at": utcnow()}
        for s in spec.staff
        for sh in s.shifts
        if sh.start.date() < until
    ]  # fmt: skip
    if rows:
        db.session.execute(sa.insert(Shift.__table__), rows)


def visit_rows(team, spec, problem_json) -> dict[str, dict]:
    """Problem visit id -> the row of its Visit."""
    clients = client_ids(team, spec)
    out = {}
    for v in problem_json["visits"]:
        earliest = datetime.strptime(v["earliest_start"], TIME)
        out[v["id"]] = {
            "team_id": team.id, "client_id": clients[v["client"]], "date": earliest.date(),
            "earliest_start": earliest, "latest_start": datetime.strptime(v["latest_start"], TIME),
            "duration_min": v["duration"], "staff_required": v["staff_required"],
            "skills": v["skills"], "kind": v["kind"], "cancelled": False, "outcome": None,
            "created_at": utcnow(), "version": 1,
        }  # fmt: skip
    return out


def publish_two_versions(team, start, days=14):
    """The fortnight's plan as published, and a re-publication five days later."""
    published = datetime.combine(start - timedelta(days=4), datetime.min.time())
    version = next_version(team.id)
    plans = [
        Plan(team_id=team.id, horizon_start=start, days=days, version=version + i,
             state="published", published_at=published + timedelta(days=5 * i),
             created_at=published + timedelta(days=5 * i))
        for i in (0, 1)
    ]  # fmt: skip
    db.session.add_all(plans)
    db.session.flush()
    return plans


def draw_outcome(visit, staff_ids, at, stand_ins, sick, rng) -> dict | None:
    """What happened: sick staff replaced by a stand-in, a few cancellations and moves."""
    base = {"recorded_at": utcnow(), "done_by_id": None,
            "replaced_id": None, "moved_start": None}  # fmt: skip
    away = [s for s in staff_ids if visit["date"] in sick.get(s, ())]
    if away:
        pool = [s for s in stand_ins if s not in staff_ids and visit["date"] not in sick.get(s, ())]
        return base | {
            "kind": "done_by_other",
            "done_by_id": rng.choice(pool or stand_ins),
            "replaced_id": away[0],
        }
    roll = rng.random()
    if roll < 0.02:
        return base | {"kind": "cancelled"}
    if roll < 0.025:
        return base | {"kind": "not_done"}
    if roll < 0.05:
        return base | {
            "kind": "done_by_other",
            "done_by_id": rng.choice([s for s in stand_ins if s not in staff_ids] or stand_ins),
            "replaced_id": staff_ids[0],
        }
    if roll < 0.09:
        return base | {
            "kind": "moved",
            "moved_start": at + timedelta(minutes=rng.choice((-30, 20, 45))),
        }
    return None


def client_ids(team: Team, spec) -> dict[str, int]:
    """Spec client id -> database id (the demo stores clients in spec order)."""
    from clients.models import Client

    rows = db.session.scalars(
        sa.select(Client.id).where(Client.team_id == team.id).order_by(Client.id)
    )
    return {c.id: cid for c, cid in zip(spec.clients, rows, strict=True)}


def next_version(team_id: int) -> int:
    return (
        db.session.scalar(sa.select(sa.func.max(Plan.version)).where(Plan.team_id == team_id)) or 0
    ) + 1
