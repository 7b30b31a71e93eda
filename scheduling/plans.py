"""Plan versions: ids shared with the problem JSON, lookups, drafts, publishing and diffs.

A plan version is never changed after publishing; edits go to a new draft copied, day by
day, from what is published (`new_draft_from`, scheduling/published.py). A draft overtaken
by a newer publication is not published. Functions flush; the view or job commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

import audit
from extensions import db
from scheduling.models import Assignment, Plan, Visit
from scheduling.published import (
    base_by_day,
    base_record,
    covers,
    current_plan,
    days_between,
    horizon_end,
    ids_by_day,
    lock_team,
    newest_by_day,
    rows_on_days,
    stale_days,
)
from teams.models import StaffMember, Team, User
from timeutil import utcnow

TIME_FORMAT = "%Y-%m-%dT%H:%M"


class PlanError(Exception):
    """A plan change the rules refuse; `code` is translated by the view."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# -- ids of the problem JSON ("s12", "c7", "v345") -------------------------------------


def staff_key(staff_id: int) -> str:
    return f"s{staff_id}"


def client_key(client_id: int) -> str:
    return f"c{client_id}"


def visit_key(visit_id: int) -> str:
    return f"v{visit_id}"


def key_id(key: str) -> int:
    """The database id in a problem id ("v345" -> 345)."""
    return int(key[1:])


# -- lookups -----------------------------------------------------------------------------


def latest_plan(team_id: int, state: str | None = None, day: date | None = None) -> Plan | None:
    """The newest version of the team's plan (in `state`, covering `day`, if given)."""
    if day is not None:
        return newest_by_day(team_id, day, day + timedelta(days=1), state)[day]
    query = sa.select(Plan).where(Plan.team_id == team_id).order_by(Plan.version.desc())
    if state is not None:
        query = query.where(Plan.state == state)
    return db.session.scalars(query).first()


def latest_plan_for(team_id: int, start: date, days: int, state: str | None = None) -> Plan | None:
    """The newest version (in `state`) whose horizon overlaps [start, start + days)."""
    end = start + timedelta(days=days)
    query = sa.select(Plan).where(Plan.team_id == team_id).order_by(Plan.version.desc())
    if state is not None:
        query = query.where(Plan.state == state)
    for plan in db.session.scalars(query):
        if plan.horizon_start < end and start < plan.horizon_start + timedelta(days=plan.days):
            return plan
    return None


def current_assignments(
    team_id: int, start: date, end: date, state: str | None = "published"
) -> dict[int, list[Assignment]]:
    """visit id -> its assignments in the newest plan version (in `state`) covering the visit's
    day, for visits in [start, end). With the default: what is published for each day
    (published.published_by_day), the plan in force."""
    if start >= end:
        return {}
    return rows_on_days(ids_by_day(newest_by_day(team_id, start, end, state)))


def next_version(team_id: int) -> int:
    current = db.session.scalar(sa.select(sa.func.max(Plan.version)).where(Plan.team_id == team_id))
    return (current or 0) + 1


# -- drafts and publishing -------------------------------------------------------------


def new_plan(team: Team, start: date, days: int, user: User | None, **fields) -> Plan:
    """An empty draft version for the team that records what is published for each of its
    days now, the state it is built on (flushed)."""
    plan = Plan(
        team_id=team.id,
        horizon_start=start,
        days=days,
        version=next_version(team.id),
        state="draft",
        created_by_id=user.id if user else None,
        base_by_day=base_record(team.id, start, start + timedelta(days=days)),
        **fields,
    )
    db.session.add(plan)
    db.session.flush()
    return plan


def copy_assignment(a: Assignment, plan: Plan) -> Assignment:
    copy = Assignment(
        plan=plan,
        visit_id=a.visit_id,
        staff_id=a.staff_id,
        start=a.start,
        source=a.source,
        pinned=a.pinned,
        created_by_id=a.created_by_id,
    )
    db.session.add(copy)
    return copy


def new_draft_from(plan: Plan, user: User | None = None) -> Plan:
    """A new draft version with `plan`'s horizon, to edit: on each day `plan`'s assignments if
    it is (or was built on) what is published for the day now, else what is published. So a
    draft overtaken by a newer publication keeps its edits only on the days it still fits."""
    draft = new_plan(
        plan.team, plan.horizon_start, plan.days, user, based_on_id=plan.id,
        solver_status=plan.solver_status, solver_objective=plan.solver_objective,
        solver_bound=plan.solver_bound, solver_seconds=plan.solver_seconds,
        solver_metrics=plan.solver_metrics,
    )  # fmt: skip
    published = base_by_day(draft)
    own = base_by_day(plan) if plan.state == "draft" else dict.fromkeys(published, plan.id)
    copy_days(draft, {d: plan.id if own.get(d) == p else p for d, p in published.items()})
    audit.log("plan.draft", draft, user_id=user.id if user else None, based_on=plan.id,
              version=draft.version)  # fmt: skip
    return draft


def copy_days(plan: Plan, chosen: dict[date, int | None], skip: set[int] = frozenset()) -> None:
    """Copy into a new version, for each day, the assignments of the version chosen for it
    and the solver's reasons for that version's visits without staff (not the visits in
    `skip`, which the caller places)."""
    for rows in rows_on_days(chosen).values():
        for a in rows:
            if a.visit_id not in skip:
                copy_assignment(a, plan)
    source_ids = {plan_id for plan_id in chosen.values() if plan_id is not None}
    sources = db.session.scalars(sa.select(Plan).where(Plan.id.in_(source_ids)))
    entries = [(p.id, e) for p in sources for e in p.solver_unassigned or [] if e.get("visit")]
    visit_ids = {key_id(e["visit"]) for _, e in entries} - set(skip)
    days = dict(
        db.session.execute(sa.select(Visit.id, Visit.date).where(Visit.id.in_(visit_ids)))
        .tuples()
        .all()
    )
    kept = [e for p, e in entries if chosen.get(days.get(key_id(e["visit"]))) == p]
    plan.solver_unassigned = [*(plan.solver_unassigned or []), *kept]
    db.session.flush()


def may_publish(user: User, team: Team) -> bool:
    """Team publish_policy: "lead" lets only the team lead publish, "any_member" every member."""
    if user.team_id != team.id:
        return False
    return user.role == "lead" or team.publish_policy == "any_member"


def publish_plan(plan: Plan, user: User | None) -> Plan:
    """Freeze a draft version as the published plan (PlanError if not allowed). A draft built
    on a published state that has changed since for any of its days is refused
    ("plan_stale"): it would undo the newer plan there; the team makes a new proposal."""
    if plan.state != "draft":
        raise PlanError("not_a_draft")
    if user is not None and not may_publish(user, plan.team):
        raise PlanError("publish_not_allowed")
    lock_team(plan.team_id)
    if stale_days(plan):
        raise PlanError("plan_stale")
    plan.state = "published"
    plan.published_at = utcnow()
    plan.published_by_id = user.id if user else None
    db.session.flush()
    audit.log("plan.publish", plan, user_id=user.id if user else None, version=plan.version,
              assignments=len(plan.assignments))  # fmt: skip
    return plan


# -- storing a solver result ----------------------------------------------------------------


def store_solver_plan(
    team: Team,
    problem: dict,
    plan_json: dict,
    user: User | None = None,
    based_on: Plan | None = None,
) -> Plan:
    """Store a solved plan (PROBLEM-FORMAT.md JSON) as a new draft version.

    With `based_on` (a re-plan), the draft has that version's horizon, and for the visits
    outside the problem each day is copied unchanged from the version the pages show for it
    (published.current_plan): what is published, with the team's edits not yet published
    (claims, give-aways, swaps, moves in a draft built on it). Staff pinned in the problem
    keep source "claimed"."""
    start = date.fromisoformat(problem["horizon"]["start"])
    days = problem["horizon"]["days"]
    shown: dict[date, int | None] = {}
    if based_on is not None:
        start, days = based_on.horizon_start, based_on.days
        for day in days_between(start, start + timedelta(days=days)):
            version = current_plan(team.id, day)
            shown[day] = version.id if version is not None else None
    plan = new_plan(
        team, start, days, user, based_on_id=based_on.id if based_on else None,
        solver_status=plan_json.get("status"), solver_objective=plan_json.get("objective"),
        solver_bound=plan_json.get("bound"), solver_seconds=plan_json.get("solve_seconds"),
        solver_metrics=plan_json.get("metrics") or {},
        solver_unassigned=plan_json.get("unassigned") or [],
    )  # fmt: skip
    pins = {(v["id"], p["staff"]): p for v in problem["visits"] for p in v.get("pinned") or []}
    for a in plan_json["assignments"]:
        start_at = datetime.strptime(a["start"], TIME_FORMAT)
        for sid in a["staff"]:
            pin = pins.get((a["visit"], sid))
            db.session.add(
                Assignment(
                    plan=plan,
                    visit_id=key_id(a["visit"]),
                    staff_id=key_id(sid),
                    start=start_at,
                    source="claimed" if pin else "solver",
                    pinned=bool(pin and pin.get("start")),
                )
            )
    if based_on is not None:
        solved = {key_id(v["id"]) for v in problem["visits"]}
        copy_days(plan, shown, skip=solved)
    db.session.flush()
    audit.log("plan.propose", plan, user_id=user.id if user else None, version=plan.version,
              status=plan.solver_status, based_on=based_on.id if based_on else None)  # fmt: skip
    return plan


# -- diff ------------------------------------------------------------------------------------


@dataclass
class StaffChanges:
    """What changed for one staff member between two versions."""

    staff: StaffMember
    added: list[Assignment] = field(default_factory=list)
    removed: list[Assignment] = field(default_factory=list)
    moved: list[tuple[Assignment, Assignment]] = field(default_factory=list)  # (old, new)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.moved)


def diff_plans(old: Plan | None, new: Plan, staff_id: int | None = None) -> list[StaffChanges]:
    """Per staff member: visits added, removed, or moved to another start, from old to new,
    on the days both versions cover."""
    first, end = new.horizon_start, horizon_end(new)
    if old is not None:
        first, end = max(first, old.horizon_start), min(end, horizon_end(old))

    def within(plan: Plan | None) -> list[Assignment]:
        rows = plan_assignments(plan) if plan else []
        return [a for a in rows if first <= a.visit.date < end]

    return _changes(within(old), within(new), staff_id)


def diff_from_base(new: Plan, staff_id: int | None = None) -> list[StaffChanges]:
    """Per staff member, what the version changes in what was published for each of its days
    when it was made (for a published version: what publishing it changed)."""
    before = [a for rows in rows_on_days(base_by_day(new)).values() for a in rows]
    return _changes(before, plan_assignments(new), staff_id)


def base_versions(plan: Plan) -> list[int]:
    """The version numbers of the published versions `plan` was built on, oldest first."""
    ids = {plan_id for plan_id in base_by_day(plan).values() if plan_id is not None}
    query = sa.select(Plan.version).where(Plan.id.in_(ids)).order_by(Plan.version)
    return list(db.session.scalars(query)) if ids else []


def _changes(
    old_rows: list[Assignment], new_rows: list[Assignment], staff_id: int | None
) -> list[StaffChanges]:
    before = {(a.visit_id, a.staff_id): a for a in old_rows}
    after = {(a.visit_id, a.staff_id): a for a in new_rows}
    changes: dict[int, StaffChanges] = {}

    def entry(a: Assignment) -> StaffChanges:
        return changes.setdefault(a.staff_id, StaffChanges(staff=a.staff))

    for key, a in after.items():
        if key not in before:
            entry(a).added.append(a)
        elif before[key].start != a.start:
            entry(a).moved.append((before[key], a))
    for key, a in before.items():
        if key not in after:
            entry(a).removed.append(a)
    result = [c for c in changes.values() if staff_id is None or c.staff.id == staff_id]
    for c in result:
        c.added.sort(key=lambda a: a.start)
        c.removed.sort(key=lambda a: a.start)
        c.moved.sort(key=lambda pair: pair[1].start)
    return sorted(result, key=lambda c: c.staff.name)


def plan_assignments(plan: Plan) -> list[Assignment]:
    """A version's assignments with visit, client and staff loaded (for pages), by start."""
    query = (
        sa.select(Assignment)
        .where(Assignment.plan_id == plan.id)
        .options(
            so.selectinload(Assignment.visit).selectinload(Visit.client),
            so.selectinload(Assignment.staff),
        )
        .order_by(Assignment.start, Assignment.id)
    )
    return list(db.session.scalars(query))


def team_plans(team_id: int) -> list[Plan]:
    """Every version of the team's plan, newest first."""
    query = sa.select(Plan).where(Plan.team_id == team_id).order_by(Plan.version.desc())
    return list(db.session.scalars(query))


def plan_json(plan: Plan | None, problem: dict) -> dict:
    """A stored plan version as teamplan-plan/1 JSON for `problem` (built by build_problem):
    its assignments of the problem's visits; every other visit of the problem is unassigned."""
    start = date.fromisoformat(problem["horizon"]["start"])
    days = days_between(start, start + timedelta(days=problem["horizon"]["days"]))
    return days_json({day: plan if plan and covers(plan, day) else None for day in days}, problem)


def days_json(shown: dict[date, Plan | None], problem: dict) -> dict:
    """teamplan-plan/1 JSON for `problem` with each day's visits as the version given for the
    day has them (`shown`: day -> version, e.g. published.published_by_day); every other
    visit is unassigned. `metrics` says where it comes from: `state`, `plan_version` (the
    newest version used) and `versions` (ISO day -> version number, None: no version)."""
    from scheduling.solver import plan as solver_plan
    from scheduling.solver.problem import parse

    parsed = parse(problem)
    by_visit = rows_on_days(ids_by_day(shown))
    used = {p.id: p for p in shown.values() if p is not None}
    assignments, unassigned = [], []
    for v in parsed.visits:
        rows = sorted(by_visit.get(key_id(v.id), []), key=lambda a: a.staff_id)
        if rows:
            start = parsed.to_minute(rows[0].start.strftime(TIME_FORMAT))
            staff = tuple(staff_key(a.staff_id) for a in rows)
            assignments.append(solver_plan.Assignment(visit=v.id, staff=staff, start=start))
        else:
            day = date.fromisoformat(parsed.to_text(v.earliest_start)[:10])
            reason = "not staffed in this plan version"
            if shown.get(day) is None:
                reason = "no plan version for this day"
            unassigned.append(solver_plan.Unassigned(visit=v.id, reason=reason, code="not_in_plan"))
    newest = max(used.values(), key=lambda p: p.version) if used else None
    plan = newest if len(used) == 1 else None  # one version: its solver's figures
    metrics = {}
    if newest is not None:
        versions = {day.isoformat(): p.version if p else None for day, p in shown.items()}
        metrics = {"plan_version": newest.version, "state": newest.state, "versions": versions}
    result = solver_plan.Plan(
        problem=parsed.name,
        status=(plan.solver_status if plan else None) or "FEASIBLE",
        assignments=assignments,
        unassigned=unassigned,
        objective=plan.solver_objective if plan else None,
        bound=plan.solver_bound if plan else None,
        solve_seconds=(plan.solver_seconds if plan else None) or 0.0,
        metrics=metrics,
    )
    return solver_plan.to_json(result, parsed)
