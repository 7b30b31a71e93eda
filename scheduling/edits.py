"""Hand edits of a plan with a live rule check: claim, give away, swap, move.

Every edit works the same way (``run_edit``): take the team's lock (published.lock_team, as
every writer of the team's plans and visits does), refuse a visit of an earlier day or one
cancelled, lock the visits it touches (their version must still be the one the user saw),
take the draft to change (a published plan, or a draft overtaken by a newer publication,
gets a new draft version built day by day on what is published: boardplan.draft_for_edit),
apply the change to the draft's rows, check the candidate against the hard rules with the
validator (only the staff and visits the edit touches), and report new conflicts in words.
The team's ``edit_rule_policy`` says whether a rule-breaking edit is refused ("refuse", the
default) or kept with a visible flag ("flag"). The caller commits when ``result.applied``
and rolls back otherwise: nothing is half-written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import audit
from clients.models import Client
from extensions import db
from scheduling import boardplan
from scheduling.boardplan import row_id, sid, vid
from scheduling.conflicts import describe
from scheduling.models import Assignment, Plan, Visit
from scheduling.published import lock_team
from scheduling.solver import metrics
from scheduling.solver.plan import Plan as SolverPlan
from scheduling.solver.problem import Problem
from scheduling.solver.validate import Violation, check_plan
from teams.models import StaffMember, User
from timeutil import local_today

EDIT_RULE_POLICIES = ("refuse", "flag")
CLAIM_STEP_MIN = 5  # a claim tries start times in the window this far apart
# Codes the edit check leaves out: structure (rule 0), pins (the candidate's pins are its
# own rows) and a double visit waiting for its second person (shown on the card instead).
IGNORED_CODES = {"visit_missing", "visit_repeated", "unknown_visit", "unknown_staff"}
IGNORED_CODES |= {"pin_dropped", "pin_moved", "wrong_staff_count"}


class EditError(Exception):
    """An edit that cannot be made at all (code says why; the view words it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class StaleEdit(EditError):
    """Someone changed the visit since the user loaded the page."""

    def __init__(self):
        super().__init__("stale")


@dataclass
class Conflict:
    code: str
    text: str


@dataclass
class EditResult:
    plan: Plan
    applied: bool
    conflicts: list[Conflict] = field(default_factory=list)
    # (client name, distinct staff before, after) for each client of the edited visits.
    continuity: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.applied and bool(self.conflicts)


@dataclass
class Edit:
    """What one edit changes: the visits (with the versions the user saw) and the staff."""

    action: str
    visits: dict[int, int]  # visit id -> version seen
    staff: set[int]
    apply: Callable[[Plan], None]
    details: dict = field(default_factory=dict)


def policy(team) -> str:
    """The team's choice for rule-breaking edits: refuse them, or keep them flagged."""
    return team.edit_rule_policy or "refuse"


def rule_flags(plan: Plan) -> dict[tuple[int, int], list[str]]:
    """(visit id, staff id) -> the rules its place in the plan breaks, in words (the flags a
    team with edit_rule_policy "flag" sees on its board)."""
    problem = boardplan.problem_for(plan)
    solved = boardplan.solver_plan(problem, plan.assignments)
    flags: dict[tuple[int, int], list[str]] = {}
    for v in check_plan(problem, solved):
        if v.code in IGNORED_CODES or v.visit is None or v.staff is None:
            continue
        key = (row_id(v.visit), row_id(v.staff))
        flags.setdefault(key, []).append(describe(v, problem, solved))
    return flags


def lock_visits(team_id: int, seen: dict[int, int]) -> None:
    """Compare-and-set each visit's version: a stale one raises StaleEdit before any write."""
    for visit_id, version in sorted(seen.items()):
        result = db.session.execute(
            sa.update(Visit)
            .where(Visit.id == visit_id, Visit.team_id == team_id, Visit.version == version)
            .values(version=Visit.version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise StaleEdit()
    for visit_id in seen:
        visit = db.session.get(Visit, visit_id)
        if visit is not None:
            db.session.expire(visit)


def is_past(visit: Visit) -> bool:
    """A visit of an earlier day: history, which no edit changes (what happened is recorded
    under "Vad hände"). The visit page shows no edit forms for it."""
    return visit.date < local_today()


def run_edit(edit: Edit, user: User) -> EditResult:
    """Lock, apply to the draft, check; see the module docstring. The caller commits."""
    first = db.session.get(Visit, next(iter(edit.visits)))
    team = first.team
    # The team lock first, as every writer of a team's visits takes it (publish, re-expansion,
    # outcomes): an edit racing a publish waits for it and then edits a new draft instead of
    # the version just published, and no two writers each hold a row the other waits for.
    lock_team(team.id)
    plan = boardplan.current_plan(team.id, first.date)
    if plan is None:
        raise EditError("no_plan")
    db.session.refresh(plan)  # its state as the lock found it, not as this session read it
    touched = [db.session.get(Visit, v) for v in edit.visits]
    if any(is_past(v) for v in touched):
        raise EditError("past_day")  # history: what happened is recorded in "Vad hände"
    if any(v.cancelled for v in touched):
        raise EditError("cancelled")  # the need changed or the client is away: nobody goes
    try:
        lock_visits(team.id, edit.visits)
        draft = boardplan.draft_for_edit(plan, user)
        problem = boardplan.problem_for(draft)
        before = boardplan.solver_plan(problem, draft.assignments)
        edit.apply(draft)
        db.session.flush()
    except (StaleDataError, IntegrityError) as error:
        raise StaleEdit() from error
    db.session.expire(draft, ["assignments"])
    after = boardplan.solver_plan(problem, draft.assignments)
    result = check_edit(problem, before, after, {vid(v) for v in edit.visits}, edit.staff)
    result.plan = draft
    result.applied = not result.conflicts or policy(team) == "flag"
    if result.applied:
        audit.log(
            edit.action,
            draft,
            team_id=team.id,
            visits=sorted(edit.visits),
            staff=sorted(edit.staff),
            conflicts=[c.code for c in result.conflicts],
            **edit.details,
        )
    return result


# ---------------------------------------------------------------------------------
# the check: only the staff and visits the edit touches


def scope(problem: Problem, plans: list[SolverPlan], visits: set[str], staff: set[str]) -> Problem:
    """The problem cut down to the edited staff, their visits and the edited clients' visits."""
    clients = {problem.visit_by_id[v].client for v in visits if v in problem.visit_by_id}
    keep_visits = {v.id for v in problem.visits if v.client in clients} | visits
    keep_staff = set(staff)
    for plan in plans:
        for a in plan.assignments:
            if set(a.staff) & staff:
                keep_visits.add(a.visit)
            if a.visit in keep_visits:
                keep_staff |= set(a.staff)
    return dataclasses.replace(
        problem,
        staff=tuple(s for s in problem.staff if s.id in keep_staff),
        visits=tuple(v for v in problem.visits if v.id in keep_visits),
    )


def _cut(problem: Problem, plan: SolverPlan) -> SolverPlan:
    keep = problem.visit_by_id
    return dataclasses.replace(
        plan,
        assignments=[a for a in plan.assignments if a.visit in keep],
        unassigned=[u for u in plan.unassigned if u.visit in keep],
    )


def _key(v: Violation) -> tuple:
    return (v.code, v.visit, v.staff, v.message if v.rule == 7 else None)


def new_violations(problem: Problem, before: SolverPlan, after: SolverPlan) -> list[Violation]:
    """Violations of ``after`` that ``before`` did not have (the edit's own doing)."""
    old = {_key(v) for v in check_plan(problem, before)}
    return [
        v for v in check_plan(problem, after) if v.code not in IGNORED_CODES and _key(v) not in old
    ]


def check_edit(
    problem: Problem, before: SolverPlan, after: SolverPlan, visits: set[str], staff_ids: set[int]
) -> EditResult:
    """New conflicts in words, and the change in distinct staff for the edited clients."""
    staff = {sid(s) for s in staff_ids}
    small = scope(problem, [before, after], visits, staff)
    before, after = _cut(small, before), _cut(small, after)
    found = new_violations(small, before, after)
    conflicts = [Conflict(v.code, describe(v, small, after)) for v in found]
    result = EditResult(plan=None, applied=False, conflicts=_unique(conflicts))
    result.continuity = continuity_change(small, before, after, visits)
    return result


def _unique(conflicts: list[Conflict]) -> list[Conflict]:
    seen, out = set(), []
    for c in conflicts:
        if c.text not in seen:
            seen.add(c.text)
            out.append(c)
    return out


def continuity_change(
    problem: Problem, before: SolverPlan, after: SolverPlan, visits: set[str]
) -> list[tuple[str, int, int]]:
    """(client name, distinct staff before, after) over the plan horizon, per edited client."""
    old = metrics.distinct_staff_per_client(problem, before)
    new = metrics.distinct_staff_per_client(problem, after)
    out = []
    clients = sorted({problem.visit_by_id[v].client for v in visits if v in problem.visit_by_id})
    for client_id in clients:
        client = db.session.get(Client, row_id(client_id))
        out.append((client.name, old.get(client_id, 0), new.get(client_id, 0)))
    return out


def distinct_staff(plan: Plan, client_id: int) -> int:
    """Different staff the client meets in the plan's horizon."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Assignment.staff_id)))
        .join(Assignment.visit)
        .where(Assignment.plan_id == plan.id, Visit.client_id == client_id)
    )


# ---------------------------------------------------------------------------------
# the four edits


def rows_of(plan: Plan, visit_id: int) -> list[Assignment]:
    return [a for a in plan.assignments if a.visit_id == visit_id]


def _add(
    plan: Plan, visit: Visit, staff_id: int, start: datetime, source: str, user: User, pinned: bool
) -> None:
    plan.assignments.append(
        Assignment(
            visit_id=visit.id,
            staff_id=staff_id,
            start=start,
            source=source,
            pinned=pinned,
            created_by_id=user.id,
        )
    )


def claim(visit: Visit, version: int, staff: StaffMember, user: User) -> EditResult:
    """Pin a visit to staff (a free place, or taking over a single visit from a colleague)."""

    def apply(plan: Plan) -> None:
        rows = rows_of(plan, visit.id)
        mine = next((a for a in rows if a.staff_id == staff.id), None)
        if mine is not None:
            mine.pinned, mine.source = True, "claimed"
            return
        if len(rows) >= visit.staff_required:
            if visit.staff_required > 1:
                raise EditError("visit_full")
            taken_from.append(rows[0].staff_id)
            plan.assignments.remove(rows[0])
        start = rows[0].start if rows else best_start(plan, visit, staff)
        _add(plan, visit, staff.id, start, "claimed", user, pinned=True)

    taken_from: list[int] = []
    edit = Edit("plan.claim", {visit.id: version}, {staff.id}, apply, {"taken_from": taken_from})
    current = boardplan.current_plan(visit.team_id, visit.date)
    if current is not None:
        edit.staff |= {a.staff_id for a in rows_of(current, visit.id)}
    return run_edit(edit, user)


def best_start(plan: Plan, visit: Visit, staff: StaffMember) -> datetime:
    """The first start in the window (every few minutes) that breaks no rule for staff."""
    problem = boardplan.problem_for(plan)
    before = boardplan.solver_plan(problem, plan.assignments)
    small = scope(problem, [before], {vid(visit.id)}, {sid(staff.id)})
    before = _cut(small, before)
    moment = visit.earliest_start
    while moment <= visit.latest_start:
        after = _with_visit(small, before, visit, staff, moment)
        if not new_violations(small, before, after):
            return moment
        moment += timedelta(minutes=CLAIM_STEP_MIN)
    return visit.earliest_start


def _with_visit(
    problem: Problem, plan: SolverPlan, visit: Visit, staff: StaffMember, start: datetime
) -> SolverPlan:
    from scheduling.solver.plan import Assignment as SA

    minute = problem.to_minute(start.strftime("%Y-%m-%dT%H:%M"))
    placed = [a for a in plan.assignments if a.visit != vid(visit.id)]
    placed.append(SA(vid(visit.id), (sid(staff.id),), minute))
    left = [u for u in plan.unassigned if u.visit != vid(visit.id)]
    return dataclasses.replace(plan, assignments=placed, unassigned=left)


def give_away(
    visit: Visit, version: int, giver: StaffMember, to: StaffMember | None, user: User
) -> EditResult:
    """Give one's place on a visit to a colleague, or back to the unassigned pile."""

    def apply(plan: Plan) -> None:
        mine = next((a for a in rows_of(plan, visit.id) if a.staff_id == giver.id), None)
        if mine is None:
            raise EditError("not_on_visit")
        if to is not None and any(a.staff_id == to.id for a in rows_of(plan, visit.id)):
            raise EditError("already_on_visit")
        plan.assignments.remove(mine)
        if to is not None:
            _add(plan, visit, to.id, mine.start, "manual", user, pinned=False)

    staff = {giver.id} | ({to.id} if to else set())
    details = {"from": giver.id, "to": to.id if to else None}
    return run_edit(Edit("plan.give", {visit.id: version}, staff, apply, details), user)


def swap(
    mine: Visit,
    my_version: int,
    theirs: Visit,
    their_version: int,
    me: StaffMember,
    other: StaffMember,
    user: User,
) -> EditResult:
    """Swap visits with a colleague: I take theirs at its time, they take mine at its time."""

    def apply(plan: Plan) -> None:
        a = next((r for r in rows_of(plan, mine.id) if r.staff_id == me.id), None)
        b = next((r for r in rows_of(plan, theirs.id) if r.staff_id == other.id), None)
        if a is None or b is None:
            raise EditError("not_on_visit")
        if any(r.staff_id == other.id for r in rows_of(plan, mine.id)) or any(
            r.staff_id == me.id for r in rows_of(plan, theirs.id)
        ):
            raise EditError("already_on_visit")
        a.staff_id, b.staff_id = other.id, me.id
        a.source = b.source = "manual"
        a.pinned = b.pinned = False

    edit = Edit(
        "plan.swap",
        {mine.id: my_version, theirs.id: their_version},
        {me.id, other.id},
        apply,
        {"gave": mine.id, "took": theirs.id},
    )
    return run_edit(edit, user)


def move(visit: Visit, version: int, start: datetime, user: User) -> EditResult:
    """Move a visit's start time (every staff member on it moves with it)."""

    def apply(plan: Plan) -> None:
        rows = rows_of(plan, visit.id)
        if not rows:
            raise EditError("not_in_plan")
        for a in rows:
            a.start, a.source = start, "manual"
            if a.pinned:
                a.source = "claimed"

    current = boardplan.current_plan(visit.team_id, visit.date)
    staff = {a.staff_id for a in rows_of(current, visit.id)} if current else set()
    details = {"start": start.isoformat(timespec="minutes")}
    return run_edit(Edit("plan.move", {visit.id: version}, staff, apply, details), user)
