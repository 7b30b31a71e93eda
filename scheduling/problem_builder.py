"""Database rows -> the problem JSON of PROBLEM-FORMAT.md, in one function: `build_problem`.

Ids are the database ids with a letter: staff "s<id>", clients "c<id>", visits "v<id>",
locations "office" and "c<id>-home". The office is every staff member's `home` (shifts
start and end there).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from clients.models import Client
from extensions import db
from followup.records import Window, known_staff
from followup.service import load_visits
from scheduling.expand import client_expects_visit
from scheduling.models import Assignment, Plan, Visit
from scheduling.plans import client_key, current_assignments, staff_key, visit_key
from scheduling.solver.problem import DEFAULT_TRAVEL, DEFAULT_WEIGHTS, PROBLEM_FORMAT
from teams.models import Shift, StaffMember, Team
from timeutil import local_now

HISTORY_WEEKS = 8
# A re-plan after a sick call should move as few other visits as it can: one changed staff
# place costs more than a new face for a client, but less than leaving a visit unstaffed.
REPLAN_CHANGE_WEIGHT = 20000
OFFICE = "office"


def _t(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _travel(team: Team) -> dict:
    """The team's travel settings (PROBLEM-FORMAT.md "travel"), defaults where unset."""
    return {
        "speed_kmh": team.travel_speed_kmh or DEFAULT_TRAVEL["speed_kmh"],
        "detour_factor": team.travel_detour_factor or DEFAULT_TRAVEL["detour_factor"],
        "minimum_minutes": DEFAULT_TRAVEL["minimum_minutes"]
        if team.travel_minimum_minutes is None
        else team.travel_minimum_minutes,
    }


def absent_days(staff: StaffMember, start: date, end: date) -> set[date]:
    """Days in [start, end) the member is absent (sick, leave, training, other)."""
    days = set()
    for a in staff.absences:
        day = max(a.start_date, start)
        while day <= a.end_date and day < end:
            days.add(day)
            day += timedelta(days=1)
    return days


def _shift_json(sh: Shift) -> dict:
    out = {"start": _t(sh.start), "end": _t(sh.end)}
    if sh.break_minutes and sh.break_earliest and sh.break_latest:
        if (sh.break_latest - sh.break_earliest).total_seconds() >= sh.break_minutes * 60:
            out["break"] = {
                "earliest": _t(sh.break_earliest),
                "latest": _t(sh.break_latest),
                "minutes": sh.break_minutes,
            }
    return out


def _staff_json(s: StaffMember, start: date, end: date, has_office: bool) -> dict:
    """Skills must hold on the horizon's last day: a delegation that runs out within the
    horizon is left out for all of it (a plan must never need an expired delegation)."""
    away = absent_days(s, start, end)
    shifts, last_end = [], None
    for sh in s.shifts:
        if not (start <= sh.start.date() < end) or sh.start.date() in away:
            continue
        if last_end is not None and sh.start < last_end:
            continue  # overlapping shifts are a data error; keep the first
        shifts.append(_shift_json(sh))
        last_end = sh.end
    out = {
        "id": staff_key(s.id),
        "name": s.name,
        "skills": sorted(s.valid_skills(end - timedelta(days=1))),
        "substitute": s.substitute,
        "max_minutes": math.floor(s.contracted_minutes_week * (end - start).days / 7),
        "shifts": shifts,
    }
    if has_office:
        out["home"] = OFFICE
    return out


def _wishes(staff_ids: list[int]) -> dict[int, list[str]]:
    """staff id -> the codes of their standing wishes ("no_evenings"; notes stay out).
    An extra field of the staff JSON: readers ignore it, the planning meeting sees it."""
    from teams.wishes import Wish

    out: dict[int, list[str]] = {}
    query = sa.select(Wish.staff_id, Wish.code).where(Wish.staff_id.in_(staff_ids))
    for staff_id, code in db.session.execute(query.order_by(Wish.code)):
        out.setdefault(staff_id, []).append(code)
    return out


def _history(
    team_id: int, start: date, known: set[str], now: datetime
) -> dict[int, dict[str, int]]:
    """client id -> {staff id: visits} over the eight weeks before `start`: who performed
    the visits that have started by `now`, as the follow-up counts them, and who is
    published for those still to come (followup.records.known_staff over
    followup.service.load_visits)."""
    since = start - timedelta(weeks=HISTORY_WEEKS)
    out: dict[int, dict[str, int]] = {}
    for v in load_visits(team_id, Window(since, (start - since).days), now):
        for staff_id in known_staff(v):
            sid = staff_key(staff_id)
            if sid in known:
                counts = out.setdefault(v.client, {})
                counts[sid] = counts.get(sid, 0) + 1
    return out


def _client_json(c: Client, known: set[str], history: dict[str, int]) -> dict:
    def ids(staff: list[StaffMember]) -> list[str]:
        return [staff_key(s.id) for s in staff if staff_key(s.id) in known]

    out = {
        "id": client_key(c.id),
        "location": f"{client_key(c.id)}-home",
        "contact_staff": ids(c.contact_staff),
        "preferred_staff": ids(c.preferred_staff),
        "refused_staff": ids(c.refused_staff),
        "history": dict(sorted(history.items())),
    }
    if c.max_distinct_staff:
        out["max_distinct_staff"] = c.max_distinct_staff
    return out


def _visits(team_id: int, start: date, end: date) -> list[Visit]:
    query = (
        sa.select(Visit)
        .where(Visit.team_id == team_id, Visit.date >= start, Visit.date < end)
        .where(
            sa.not_(Visit.cancelled), sa.or_(Visit.outcome.is_(None), Visit.outcome != "cancelled")
        )
        .order_by(Visit.earliest_start, Visit.id)
    )
    return [v for v in db.session.scalars(query) if client_expects_visit(v.client, v.date)]


def _pins(assignments: list[Assignment], available) -> list[dict]:
    """Claimed or pinned staff of the newest plan version; a pinned start is kept too."""
    pins = []
    for a in assignments:
        if (a.source == "claimed" or a.pinned) and available(a.staff_id, a.visit.date):
            pins.append(
                {"staff": staff_key(a.staff_id), **({"start": _t(a.start)} if a.pinned else {})}
            )
    return pins[: assignments[0].visit.staff_required] if assignments else []


def _previous(assignments: list[Assignment], known: set[str]) -> dict | None:
    staff = [staff_key(a.staff_id) for a in assignments if staff_key(a.staff_id) in known]
    return {"staff": staff, "start": _t(assignments[0].start)} if staff else None


def _preload(team_id: int) -> list:
    """Load the team's staff and clients with the collections read below in a few queries
    (not one per person: a hand edit builds a problem, and the load test showed ~400 queries).
    The caller keeps the returned rows: the session holds loaded objects only weakly."""
    staff = db.session.scalars(
        sa.select(StaffMember)
        .where(StaffMember.team_id == team_id)
        .options(
            so.selectinload(StaffMember.shifts),
            so.selectinload(StaffMember.absences),
            so.selectinload(StaffMember.skills),
        )
        .execution_options(populate_existing=True)  # rows already in the session too
    ).all()
    clients = db.session.scalars(
        sa.select(Client)
        .where(Client.team_id == team_id)
        .options(
            so.selectinload(Client.contact_staff),
            so.selectinload(Client.preferred_staff),
            so.selectinload(Client.refused_staff),
            so.selectinload(Client.absences),
        )
        .execution_options(populate_existing=True)
    ).all()
    return [*staff, *clients]


def build_problem(
    team: Team,
    start: date,
    days: int,
    *,
    replan_from: Plan | None = None,
    now: datetime | None = None,
) -> dict:
    """The team's planning problem for [start, start + days) as PROBLEM-FORMAT.md JSON.

    Visits: expanded, not cancelled, client at home. Shifts: inside the horizon, not on a
    day of absence. `history`: who performed the client's visits in the eight weeks before
    the horizon, as the follow-up counts performed visits by `now` (default: the current
    local time): the published staff unless an outcome says otherwise (done by someone
    else counts for that person, cancelled or not done for nobody); a visit still to come
    before the horizon counts for its published staff. `previous`: what is published for
    each day. `pinned`: claimed or pinned staff of the newest plan version. With
    `replan_from` (the published plan, after a sick call) changed places cost
    REPLAN_CHANGE_WEIGHT, and visits that have started by `now` stay where they are
    (pinned)."""
    end = start + timedelta(days=days)
    has_office = team.office_lat is not None and team.office_lon is not None
    loaded = _preload(team.id)  # noqa: F841  (kept alive while the problem is built)
    members = [s for s in team.staff if s.active]
    staff = [_staff_json(s, start, end, has_office) for s in members]
    wishes = _wishes([s.id for s in members])
    for member, row in zip(members, staff, strict=True):
        if wishes.get(member.id):
            row["wishes"] = wishes[member.id]
    known = {s["id"] for s in staff}
    away = {s.id: absent_days(s, start, end) for s in members}

    def available(staff_id: int, day: date) -> bool:
        return staff_id in away and day not in away[staff_id]

    visits = _visits(team.id, start, end)
    newest = current_assignments(team.id, start, end, state=None)
    previous = current_assignments(team.id, start, end, state="published")
    now = now or local_now()
    visit_rows = []
    for v in visits:
        row = {
            "id": visit_key(v.id),
            "client": client_key(v.client_id),
            "earliest_start": _t(v.earliest_start),
            "latest_start": _t(v.latest_start),
            "duration": v.duration_min,
            "staff_required": v.staff_required,
            "skills": sorted(v.skills or []),
            "kind": v.kind,
        }
        before = previous.get(v.id, [])
        if replan_from is not None and v.earliest_start < now:
            if not before or not all(available(a.staff_id, v.date) for a in before):
                continue  # started, and its staff are away: it stays as published
            row["pinned"] = [{"staff": staff_key(a.staff_id), "start": _t(a.start)} for a in before]
        elif pins := _pins(newest.get(v.id, []), available):
            row["pinned"] = pins
        if prev := _previous(before, known):
            row["previous"] = prev
        visit_rows.append(row)

    client_ids = sorted(
        {v.client_id for v in visits if visit_key(v.id) in {r["id"] for r in visit_rows}}
    )
    clients = [db.session.get(Client, cid) for cid in client_ids]
    history = _history(team.id, start, known, now)
    locations = (
        [{"id": OFFICE, "lat": team.office_lat, "lon": team.office_lon}] if has_office else []
    )
    for c in clients:
        lat = c.lat if c.lat is not None else (team.office_lat or 0.0)
        lon = c.lon if c.lon is not None else (team.office_lon or 0.0)
        locations.append({"id": f"{client_key(c.id)}-home", "lat": lat, "lon": lon})
    weights = dict(DEFAULT_WEIGHTS)
    if replan_from is not None:
        weights["changed_from_previous"] = REPLAN_CHANGE_WEIGHT
    return {
        "format": PROBLEM_FORMAT,
        "name": f"{team.name}, {start.isoformat()} to {(end - timedelta(days=1)).isoformat()}",
        "horizon": {"start": start.isoformat(), "days": days},
        "travel": _travel(team),
        "locations": locations,
        "staff": staff,
        "clients": [_client_json(c, known, history.get(c.id, {})) for c in clients],
        "visits": visit_rows,
        "weights": weights,
    }
