"""Loads a team's rows into follow-up records and computes its figures (caller commits)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

import audit
from clients.models import Client, ClientAbsence, client_contact_staff
from extensions import db
from followup import continuity as cont
from followup import sickleave, workload
from followup.models import VisitOutcome
from followup.records import (
    OUTCOMES,
    SAYS_PERFORMED,
    AbsenceRecord,
    ClientRecord,
    Outcome,
    ShiftRecord,
    StaffRecord,
    VisitRecord,
    Window,
    has_started,
)
from scheduling.models import Assignment, Plan, Visit
from scheduling.plans import current_assignments
from scheduling.published import lock_team
from scheduling.solver.problem import Location, Travel
from scheduling.solver.travel import formula_minutes
from teams.models import Absence, Shift, StaffMember, Team, User
from timeutil import local_now, utcnow

SNAPSHOT_DEFINITION = "teamplan-followup/1"


@dataclass
class TeamData:
    """Everything the metrics need for one team and window, as plain records."""

    team: Team
    window: Window
    visits: list[VisitRecord] = field(default_factory=list)
    clients: list[ClientRecord] = field(default_factory=list)
    staff: list[StaffRecord] = field(default_factory=list)
    shifts: list[ShiftRecord] = field(default_factory=list)
    absences: list[AbsenceRecord] = field(default_factory=list)
    locations: dict[int, Location] = field(default_factory=dict)
    as_of: datetime | None = None  # visits and shifts after this are not performed yet

    def travel(self, a: int, b: int) -> int:
        """Minutes between two clients' homes by the solver's travel formula."""
        if a == b or a not in self.locations or b not in self.locations:
            return 0
        t = self.team
        rule = Travel(t.travel_speed_kmh, t.travel_detour_factor, t.travel_minimum_minutes)
        return formula_minutes(self.locations[a], self.locations[b], rule)


def pairs(query) -> dict:
    """A two-column select as a dict (first column -> second)."""
    return dict(db.session.execute(query).tuples().all())


def window_end(window: Window) -> date:
    return window.start + timedelta(days=window.days)


def load_visits(team_id: int, window: Window, now: datetime) -> list[VisitRecord]:
    """The team's visits in the window with the plan in force and any recorded outcome;
    those starting after `now` count as planned only (records.has_started)."""
    end = window_end(window)
    planned = current_assignments(team_id, window.start, end, "published")
    o = VisitOutcome
    rows = db.session.execute(
        sa.select(
            Visit.id, Visit.client_id, Visit.date, Visit.earliest_start, Visit.latest_start,
            Visit.duration_min, Visit.kind, Visit.cancelled,
            o.kind, o.done_by_id, o.replaced_id, o.moved_start,
        )
        .outerjoin(o, o.visit_id == Visit.id)
        .where(Visit.team_id == team_id, Visit.date >= window.start, Visit.date < end)
        .order_by(Visit.id)
    )  # fmt: skip
    out = []
    for vid, client, day, earliest, latest, minutes, kind, cancelled, *recorded in rows:
        assigned = sorted(planned.get(vid, []), key=lambda a: a.staff_id)
        outcome = Outcome(*recorded) if recorded[0] is not None else None
        out.append(
            VisitRecord(
                id=vid,
                client=client,
                day=day,
                earliest=earliest,
                latest=latest,
                duration_min=minutes,
                kind=kind,
                planned_staff=tuple(a.staff_id for a in assigned),
                planned_start=assigned[0].start if assigned else None,
                outcome=outcome,
                cancelled=cancelled,
                as_of=now,
            )
        )
    return out


def load_clients(team_id: int, window: Window) -> tuple[list[ClientRecord], dict]:
    clients = db.session.scalars(sa.select(Client).where(Client.team_id == team_id)).all()
    away = defaultdict(set)
    for a in db.session.scalars(
        sa.select(ClientAbsence).join(Client).where(Client.team_id == team_id)
    ):
        away[a.client_id].update(d for d in window.dates() if a.covers(d))
    contacts = defaultdict(set)
    link = client_contact_staff
    for client_id, staff_id in db.session.execute(
        sa.select(link.c.client_id, link.c.staff_id).join(Client, Client.id == link.c.client_id)
        .where(Client.team_id == team_id)
    ):  # fmt: skip
        contacts[client_id].add(staff_id)
    records = [
        ClientRecord(
            c.id,
            c.birth_year,
            frozenset(away[c.id] | {d for d in window.dates() if not c.is_active_on(d)}),
            frozenset(contacts[c.id]),
        )
        for c in clients
    ]
    locations = {c.id: Location(str(c.id), c.lat, c.lon) for c in clients if c.lat is not None}
    return records, locations


def load_staff(team_id: int) -> list[StaffRecord]:
    members = db.session.scalars(sa.select(StaffMember).where(StaffMember.team_id == team_id))
    return [
        StaffRecord(m.id, m.is_health_care, m.substitute, m.contracted_minutes_week)
        for m in members
    ]


def load_shifts_and_absences(
    team_id: int, window: Window, now: datetime | None = None
) -> tuple[list, list]:
    """Shifts worked in the window (those not begun by `now` are not worked yet) and every
    absence of the team's staff."""
    end = window_end(window)
    team_staff = sa.select(StaffMember.id).where(StaffMember.team_id == team_id)
    shifts = db.session.scalars(
        sa.select(Shift).where(
            Shift.staff_id.in_(team_staff),
            Shift.start >= datetime.combine(window.start, datetime.min.time()),
            Shift.start < datetime.combine(end, datetime.min.time()),
        )
    )
    return (
        [
            ShiftRecord(s.staff_id, s.start, s.end, s.break_minutes or 0)
            for s in shifts
            if has_started(s.start, now)
        ],
        load_absences(team_id),
    )


def load_absences(team_id: int) -> list[AbsenceRecord]:
    """Every absence of the team's staff (whatever its dates)."""
    team_staff = sa.select(StaffMember.id).where(StaffMember.team_id == team_id)
    absences = db.session.scalars(sa.select(Absence).where(Absence.staff_id.in_(team_staff)))
    return [AbsenceRecord(a.staff_id, a.start_date, a.end_date, a.kind) for a in absences]


def load_team(team: Team, window: Window, now: datetime | None = None) -> TeamData:
    """All records of one team for the window, as performed by `now` (default: the
    current local time; visits after it are planned, not performed)."""
    now = now or local_now()
    clients, locations = load_clients(team.id, window)
    shifts, absences = load_shifts_and_absences(team.id, window, now)
    return TeamData(
        team,
        window,
        visits=load_visits(team.id, window, now),
        clients=clients,
        staff=load_staff(team.id),
        shifts=shifts,
        absences=absences,
        locations=locations,
        as_of=now,
    )


def continuity_for(data: TeamData, basis: str) -> cont.ContinuityResult:
    return cont.continuity(data.visits, data.clients, data.staff, data.window, basis)


def published_versions(team_id: int, window: Window) -> list[dict]:
    """Each published plan version overlapping the window: visit -> (staff, start)."""
    end = window_end(window)
    plans = db.session.scalars(
        sa.select(Plan)
        .where(Plan.team_id == team_id, Plan.state == "published")
        .order_by(Plan.version)
    ).all()
    out = []
    for p in plans:
        if p.horizon_start >= end or p.horizon_start + timedelta(days=p.days) <= window.start:
            continue
        rows = db.session.execute(
            sa.select(Assignment.visit_id, Assignment.staff_id, Assignment.start)
            .join(Visit, Visit.id == Assignment.visit_id)
            .where(Assignment.plan_id == p.id, Visit.date >= window.start, Visit.date < end)
        )
        by_visit: dict = {}
        for visit_id, staff_id, start in rows:
            staff_ids, _ = by_visit.get(visit_id, ((), start))
            by_visit[visit_id] = (tuple(sorted((*staff_ids, staff_id))), start)
        out.append(by_visit)
    return out


def summary(data: TeamData) -> dict:
    """The team's headline figures for the window (JSON-ready; what snapshots store)."""
    out = {"start": data.window.start.isoformat(), "days": data.window.days}
    for basis in ("planned", "performed"):
        r = continuity_for(data, basis)
        out[f"continuity_{basis}"] = {
            "mean": r.mean,
            "median": r.median,
            "share_over_20": r.share_over_20,
            "eligible_clients": r.eligible_clients,
            "all_clients_mean": r.all_clients_mean,
            "distribution": {str(k): n for k, n in r.distribution.items()},
        }
    # The nightly job loads several weeks at once and cuts them into windows: count only
    # the window's own visits (the metric functions filter by the window themselves).
    in_window = [v for v in data.visits if data.window.contains(v.day)]
    use = workload.time_use(data.visits, data.shifts, data.absences, data.window, data.travel)
    subs = workload.substitute_use(data.visits, data.staff, data.window)
    out |= {
        "contact_share": workload.contact_share(data.visits, data.clients, data.window),
        "substitute_share": subs["share"],
        "distinct_substitutes": subs["distinct_substitutes"],
        "punctuality": workload.punctuality(data.visits, data.window),
        "client_time_share": use.client_share,
        "travel_share": use.travel_share,
        "work_minutes": use.work_minutes,
        "visits": len(in_window),
        "visits_planned": sum(bool(v.staff("planned")) for v in in_window),
        "visits_performed": sum(v.performed() for v in in_window if not v.cancelled),
        "outcomes": workload.day_changes(data.visits, data.window),
        "plan_changes": workload.plan_changes(published_versions(data.team.id, data.window)),
    }
    return out


def sick_leave_months(team: Team, months: list[tuple[int, int]]) -> list[sickleave.SickLeaveMonth]:
    """The SKR key figures of the team for each (year, month)."""
    staff = load_staff(team.id)
    absences = load_absences(team.id)
    return [sickleave.sick_leave_month(staff, absences, y, m) for y, m in months]


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


class OutcomeRefused(Exception):
    """An outcome the rules refuse (nothing is saved); `code` is worded by the view."""

    def __init__(self, code: str, start: datetime):
        super().__init__(code)
        self.code = code
        self.start = start


def assigned_in_force(visit: Visit) -> list[Assignment]:
    """The visit's assignments in the published plan in force for its day."""
    day = visit.date
    return current_assignments(visit.team_id, day, day + timedelta(days=1)).get(visit.id, [])


def planned_start(visit: Visit, assigned: list[Assignment] | None = None) -> datetime:
    """The visit's start in the published plan in force (its earliest start if unplanned);
    `assigned`: its assignments in that plan, when the caller has them already."""
    if assigned is None:
        assigned = assigned_in_force(visit)
    return min(a.start for a in assigned) if assigned else visit.earliest_start


def record_outcome(
    visit: Visit,
    kind: str,
    user: User | None,
    done_by_id: int | None = None,
    replaced_id: int | None = None,
    moved_start: datetime | None = None,
    now: datetime | None = None,
    assigned: list[Assignment] | None = None,
) -> VisitOutcome:
    """Record what happened to a visit (replacing an earlier record) and audit it.

    A visit cannot be recorded as done (by its staff or by someone else) before it has
    started (records.has_started; OutcomeRefused "not_started"), nor as done as planned when
    no staff is planned on it ("no_staff": it was done by someone else, who is named).
    Cancelled, not done and moved may be recorded ahead: they do not say that the visit
    took place. `assigned`: the visit's assignments in the plan in force, when the caller
    has looked them up already."""
    if kind not in OUTCOMES:
        raise ValueError(kind)
    if kind in SAYS_PERFORMED:
        if assigned is None:
            assigned = assigned_in_force(visit)
        start = planned_start(visit, assigned)
        if not has_started(start, now or local_now()):
            raise OutcomeRefused("not_started", start)
        if kind == "done" and not assigned:
            raise OutcomeRefused("no_staff", start)  # done as planned: nobody was planned
    # One record of a visit at a time: a second one sent at the same moment (a double tap,
    # the lead and the staff member together) waits here for the first one's commit, then
    # replaces its record, instead of failing on the visit's version (a 500). The team lock
    # first, as every writer of a team's visits takes it (re-expansion after a need change).
    lock_team(visit.team_id)
    db.session.scalars(
        sa.select(Visit)
        .where(Visit.id == visit.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    row = db.session.scalar(sa.select(VisitOutcome).where(VisitOutcome.visit_id == visit.id))
    if row is None:
        row = VisitOutcome(visit_id=visit.id, kind=kind)
        db.session.add(row)
    row.kind = kind
    row.done_by_id = done_by_id if kind == "done_by_other" else None
    row.replaced_id = replaced_id if kind == "done_by_other" else None
    row.moved_start = moved_start if kind == "moved" else None
    row.recorded_by_id = user.id if user else None
    row.recorded_at = utcnow()
    visit.outcome = kind
    db.session.flush()
    audit.log("visit.outcome", visit, user_id=user.id if user else None, outcome=kind)
    return row
