"""Care needs become visits (DESIGN.md "the flow of data"): expansion and re-expansion.

Recurrence is `scheduling.solver.generate.occurrences` (the one home of the rule). Visits are
never deleted: a visit the need no longer asks for is cancelled with `cancel_reason`
"need_changed", so every plan version that used it stays readable.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

import audit
from clients.models import CareNeed, Client
from extensions import db
from scheduling.models import Assignment, Plan, Visit
from scheduling.published import lock_team
from scheduling.solver.generate import occurrences
from teams.models import Team
from timeutil import local_now, local_today

NEED_CHANGED = "need_changed"
EXPAND_AHEAD_DAYS = 28  # the job keeps the coming four weeks expanded
VISIT_FIELDS = (
    "earliest_start",
    "latest_start",
    "duration_min",
    "staff_required",
    "skills",
    "kind",
)


def client_expects_visit(client: Client, day: date) -> bool:
    """The client is active and at home on the day (not in hospital or short-term stay)."""
    return client.is_active_on(day) and not any(a.covers(day) for a in client.absences)


def need_days(need: CareNeed, start: date, days: int) -> list[date]:
    """The days in [start, start + days) on which the need gives a visit."""
    weekdays = [d - 1 for d in need.weekday_numbers]  # CareNeed is ISO (1 = Monday)
    dates = occurrences(weekdays, need.interval_weeks, start, days, anchor=need.valid_from)
    return [
        d
        for d in dates
        if d >= need.valid_from
        and (need.valid_to is None or d <= need.valid_to)
        and client_expects_visit(need.client, d)
    ]


def visit_fields(need: CareNeed, day: date) -> dict:
    """The fields a visit of this need on this day has (a window past midnight rolls over)."""
    earliest = datetime.combine(day, need.earliest)
    latest = datetime.combine(day, need.latest)
    if latest < earliest:
        latest += timedelta(days=1)
    return {
        "earliest_start": earliest,
        "latest_start": latest,
        "duration_min": need.duration_min,
        "staff_required": need.staff_required,
        "skills": sorted(need.skills or []),
        "kind": need.kind,
    }


def _existing(need_ids: list[int], start: date, end: date) -> dict[tuple[int, date], list[Visit]]:
    rows = db.session.scalars(
        sa.select(Visit).where(
            Visit.care_need_id.in_(need_ids), Visit.date >= start, Visit.date < end
        )
    )
    out: dict[tuple[int, date], list[Visit]] = {}
    for v in rows:
        out.setdefault((v.care_need_id, v.date), []).append(v)
    return out


def _blocks_new_visit(visit: Visit) -> bool:
    """Any visit of (need, day) blocks a new one, except one cancelled because the need changed."""
    return visit.cancel_reason != NEED_CHANGED


def expand_visits(
    team: Team, start: date, days: int, needs: list[CareNeed] | None = None
) -> list[Visit]:
    """Create the missing visits of the team's care needs (or of `needs`) for
    [start, start + days).

    Idempotent: a (need, day) that already has a visit gets no second one. Returns the
    new visits (flushed; the caller commits). Two expansions of a team at once (the job
    and a lead's edit, or a second scheduler) wait for each other: the check for existing
    visits and the inserts happen under the team's row lock."""
    lock_team(team.id)
    if needs is None:
        query = sa.select(CareNeed).join(CareNeed.client).where(Client.team_id == team.id)
        needs = list(db.session.scalars(query))
    if not needs:
        return []
    existing = _existing([n.id for n in needs], start, start + timedelta(days=days))
    created = []
    for need in needs:
        for day in need_days(need, start, days):
            if any(_blocks_new_visit(v) for v in existing.get((need.id, day), [])):
                continue
            visit = Visit(team_id=team.id, client_id=need.client_id, care_need=need, date=day)
            for name, value in visit_fields(need, day).items():
                setattr(visit, name, value)
            db.session.add(visit)
            created.append(visit)
    db.session.flush()
    return created


def expand_upcoming(today: date | None = None) -> int:
    """The scheduler job's work: every team's needs expanded for the coming four weeks."""
    today = today or local_today()
    count = 0
    for team in db.session.scalars(sa.select(Team).order_by(Team.id)):
        count += len(expand_visits(team, today, EXPAND_AHEAD_DAYS))
    return count


def published_visit_ids(visit_ids: list[int]) -> set[int]:
    """Those of the visits that have staff in some published plan."""
    if not visit_ids:
        return set()
    query = (
        sa.select(Assignment.visit_id)
        .join(Assignment.plan)
        .where(Plan.state == "published", Assignment.visit_id.in_(visit_ids))
    )
    return set(db.session.scalars(query))


def _still_valid(visit: Visit, fields: dict) -> bool:
    """A published assignment survives a need change only if its visit is unchanged in
    everything a plan checks, or the new window still holds every assigned start."""
    if any(getattr(visit, k) != fields[k] for k in ("duration_min", "staff_required", "kind")):
        return False
    if not set(fields["skills"]) <= set(visit.skills or []):
        return False
    starts = db.session.scalars(sa.select(Assignment.start).where(Assignment.visit_id == visit.id))
    return all(fields["earliest_start"] <= s <= fields["latest_start"] for s in starts)


def reexpand_need(need: CareNeed, now: datetime | None = None) -> dict[str, int]:
    """After a need was created, changed or ended: bring its future visits in line.

    Never touches visits that have started (before `now`) or have an outcome. A visit that
    staff hold in a published plan is kept as it is unless the change makes it invalid;
    then it is cancelled with a note (cancel_reason) and a new visit is created in its place.
    Returns counts of updated, cancelled and created visits (flushed; the caller commits)."""
    now = now or local_now()
    db.session.flush()
    lock_team(need.client.team_id)  # a change of the same visits at the same moment waits
    future = list(
        db.session.scalars(
            sa.select(Visit)
            .where(
                Visit.care_need_id == need.id,
                Visit.earliest_start >= now,
                Visit.outcome.is_(None),
                sa.not_(Visit.cancelled),
            )
            .execution_options(populate_existing=True)  # as committed before the lock
        )
    )
    held = published_visit_ids([v.id for v in future])
    start = now.date()
    last = max([start + timedelta(days=EXPAND_AHEAD_DAYS)] + [v.date for v in future])
    wanted = set(need_days(need, start, (last - start).days + 1)) if need.id else set()
    counts = {"updated": 0, "cancelled": 0, "created": 0}
    for visit in future:
        fields = visit_fields(need, visit.date)
        if visit.date in wanted and (visit.id not in held or _still_valid(visit, fields)):
            if visit.id not in held and any(getattr(visit, k) != v for k, v in fields.items()):
                for name, value in fields.items():
                    setattr(visit, name, value)
                counts["updated"] += 1
            continue
        visit.cancelled = True
        visit.cancel_reason = NEED_CHANGED
        counts["cancelled"] += 1
    db.session.flush()
    span = (last - start).days + 1
    counts["created"] = len(expand_visits(need.client.team, start, span, needs=[need]))
    if any(counts.values()):
        audit.log("visits.reexpand", need, team_id=need.client.team_id, **counts)
    return counts


def cancel_need_visits(need: CareNeed, now: datetime | None = None) -> int:
    """Before a need is deleted: cancel its future visits that have not been performed."""
    now = now or local_now()
    lock_team(need.client.team_id)
    visits = db.session.scalars(
        sa.select(Visit)
        .where(
            Visit.care_need_id == need.id,
            Visit.earliest_start >= now,
            Visit.outcome.is_(None),
            sa.not_(Visit.cancelled),
        )
        .execution_options(populate_existing=True)
    ).all()
    for visit in visits:
        visit.cancelled = True
        visit.cancel_reason = NEED_CHANGED
    db.session.flush()
    return len(visits)


CLIENT_AWAY = "client_away"


def sync_client_visits(client: Client, now: datetime | None = None) -> dict[str, int]:
    """After a client absence was added or removed: cancel the coming visits on days the
    client is away (cancel_reason "client_away"), and bring back those cancelled so on days
    the client is home again. Started or performed visits are left alone."""
    now = now or local_now()
    db.session.flush()
    lock_team(client.team_id)
    db.session.refresh(client, ["absences"])
    visits = db.session.scalars(
        sa.select(Visit)
        .where(Visit.client_id == client.id, Visit.earliest_start >= now, Visit.outcome.is_(None))
        .execution_options(populate_existing=True)
    ).all()
    counts = {"cancelled": 0, "restored": 0}
    for visit in visits:
        home = client_expects_visit(client, visit.date)
        if not home and not visit.cancelled:
            visit.cancelled, visit.cancel_reason = True, CLIENT_AWAY
            counts["cancelled"] += 1
        elif home and visit.cancelled and visit.cancel_reason == CLIENT_AWAY:
            visit.cancelled, visit.cancel_reason = False, None
            counts["restored"] += 1
    db.session.flush()
    if any(counts.values()):
        audit.log("visits.client_away", client, team_id=client.team_id, **counts)
    return counts
