"""Reading plans for the week board and the hand edits: which plan is current, the
problem it belongs to, and its rows as a solver plan (so the validator can check it).

Ids follow PROBLEM-FORMAT.md as the app builds it: "s<id>", "c<id>", "v<id>".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa

from extensions import db
from scheduling import published, service
from scheduling.models import Assignment, Plan, Visit
from scheduling.solver import plan as sp
from scheduling.solver.problem import TIME_FORMAT, Problem, parse
from teams.models import User

sid = service.staff_key
vid = service.visit_key
cid = service.client_key
row_id = service.key_id


horizon_end = published.horizon_end
published_plan = published.published_plan  # what is published for a day (the one rule)
current_plan = published.current_plan  # the version a page shows for a day


def plans_by_day(team_id: int, start: date, end: date) -> dict[date, Plan | None]:
    """Day -> the version the pages show for it (current_plan), for days in [start, end)."""
    return {day: current_plan(team_id, day) for day in published.days_between(start, end)}


def draft_for_edit(plan: Plan, user: User | None) -> Plan:
    """The plan a hand edit changes: the draft itself if it is still built on what is
    published for all its days, else a new draft (new_draft_from: the published plan, or an
    overtaken draft's edits on the days it still fits).

    Called with the team's lock held (edits.run_edit takes it first), so making that draft is
    serialised per team: an edit that found the same plan as a concurrent one waits, then
    edits the draft the first one made, instead of copying the plan again and hiding the
    first edit in an older draft.
    """
    if plan.state == "draft" and not published.stale_days(plan):
        return plan
    newer = db.session.scalars(
        sa.select(Plan)
        .where(Plan.team_id == plan.team_id, Plan.state == "draft", Plan.based_on_id == plan.id)
        .where(Plan.version > plan.version)
        .order_by(Plan.version.desc())
    )
    fresh = next((d for d in newer if not published.stale_days(d)), None)
    return fresh or service.new_draft_from(plan, user)


def plan_rows(plan: Plan, start: date, end: date) -> list[Assignment]:
    """The plan's assignments for visits on days in [start, end), with visit and client.
    Not those of visits cancelled since (the need changed, the client is away): the plan
    keeps them, but nobody goes there (the calendar feed leaves them out too)."""
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .join(Assignment.visit)
            .where(Assignment.plan_id == plan.id, Visit.date >= start, Visit.date < end)
            .where(sa.not_(Visit.cancelled))
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
