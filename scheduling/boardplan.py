"""Reading plans for the week board and the hand edits: which plan is current, the
problem it belongs to, and its rows as a solver plan (so the validator can check it).

Ids follow PROBLEM-FORMAT.md as the app builds it: "s<id>", "c<id>", "v<id>".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from extensions import db
from scheduling import service
from scheduling.models import Assignment, Plan, Visit
from scheduling.solver import plan as sp
from scheduling.solver.problem import TIME_FORMAT, Problem, parse
from teams.models import Team, User

sid = service.staff_key
vid = service.visit_key
cid = service.client_key
row_id = service.key_id


def horizon_end(plan: Plan) -> date:
    return plan.horizon_start + timedelta(days=plan.days)


def current_plan(team_id: int, day: date) -> Plan | None:
    """The newest plan version (draft or published) that covers the day."""
    return service.latest_plan(team_id, day=day)


def published_plan(team_id: int, day: date) -> Plan | None:
    """The newest published plan version that covers the day."""
    return service.latest_plan(team_id, "published", day)


def plan_for_week(team_id: int, monday: date) -> Plan | None:
    """The newest plan that covers any day of the week starting on monday."""
    return service.latest_plan_for(team_id, monday, 7)


def published_for(plan: Plan) -> Plan | None:
    """The published version a draft is compared with (its base, else the newest one)."""
    if plan.state == "published":
        return plan
    base = plan.based_on
    while base is not None and base.state != "published":
        base = base.based_on
    return base or published_plan(plan.team_id, plan.horizon_start)


def draft_for_edit(plan: Plan, user: User | None) -> Plan:
    """The plan a hand edit changes: the draft itself, or a new draft of a published plan.

    Making that draft is serialised per team (a row lock on the team): an edit that found the
    same published plan as a concurrent one waits, then edits the draft the first one made,
    instead of copying the published plan again and hiding the first edit in an older draft.
    """
    if plan.state == "draft":
        return plan
    db.session.execute(sa.select(Team.id).where(Team.id == plan.team_id).with_for_update())
    newer = db.session.scalars(
        sa.select(Plan)
        .where(Plan.team_id == plan.team_id, Plan.state == "draft", Plan.based_on_id == plan.id)
        .where(Plan.version > plan.version)
        .order_by(Plan.version.desc())
    ).first()
    return newer or service.new_draft_from(plan, user)


def plan_rows(plan: Plan, start: date, end: date) -> list[Assignment]:
    """The plan's assignments for visits on days in [start, end), with visit and client."""
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .join(Assignment.visit)
            .where(Assignment.plan_id == plan.id, Visit.date >= start, Visit.date < end)
            .options(sa.orm.joinedload(Assignment.visit).joinedload(Visit.client))
            .order_by(Assignment.start, Assignment.visit_id)
        ).unique()
    )


def team_visits(team_id: int, start: date, end: date) -> list[Visit]:
    """The team's visits (not cancelled) on days in [start, end), by start window."""
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(Visit.team_id == team_id, Visit.date >= start, Visit.date < end)
            .where(sa.not_(Visit.cancelled))
            .options(sa.orm.joinedload(Visit.client))
            .order_by(Visit.earliest_start, Visit.id)
        ).unique()
    )


# ---------------------------------------------------------------------------------
# the problem of a plan, and the plan's rows as a solver plan


def problem_for(plan: Plan) -> Problem:
    """The validator's view of the plan's horizon (PROBLEM-FORMAT.md, via build_problem)."""
    return parse(service.build_problem(plan.team, plan.horizon_start, plan.days))


def _text(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)


def solver_plan(problem: Problem, assignments: Iterable[Assignment]) -> sp.Plan:
    """Assignment rows as a plan of the format: one entry per visit, the rest unassigned."""
    by_visit: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_visit[vid(a.visit_id)].append(a)
    placed, left = [], []
    for v in problem.visits:
        rows = by_visit.get(v.id)
        if rows:
            start = problem.to_minute(_text(min(r.start for r in rows)))
            staff = tuple(sorted(sid(r.staff_id) for r in rows))
            placed.append(sp.Assignment(v.id, staff, start))
        else:
            left.append(sp.Unassigned(v.id, "not in the plan"))
    return sp.Plan(problem.name, "FEASIBLE", placed, left)
