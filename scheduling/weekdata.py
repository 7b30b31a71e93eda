"""What the week board, the körlista and the client view show, gathered from plan rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from clients.models import Client
from extensions import db
from scheduling import boardplan, service
from scheduling.conflicts import unassigned_reason
from scheduling.models import Assignment, Plan, Visit
from scheduling.solver.travel import TravelTimes
from teams.models import Absence, StaffMember


@dataclass
class Card:
    """One visit as one staff member (or the unassigned row) sees it."""

    visit: Visit
    start: datetime
    end: datetime
    pinned: bool = False
    changed: bool = False
    partners: list[str] = field(default_factory=list)  # the other person on a double visit
    reason: str = ""  # why unassigned
    flags: list[str] = field(default_factory=list)  # rules the place breaks (policy "flag")


def published_starts(plan: Plan, start: date, end: date) -> dict[tuple[int, int], datetime] | None:
    """(visit, staff) -> start in what is published for the days a draft is shown for (None:
    the plan is published)."""
    if plan.state == "published":
        return None
    published = service.current_assignments(plan.team_id, start, end, "published")
    return {(a.visit_id, a.staff_id): a.start for rows in published.values() for a in rows}


def absences_by_day(team_id: int, start: date, end: date) -> dict[int, dict[date, Absence]]:
    """staff id -> day -> the member's absence (sick, leave, ...) that day, for days in
    [start, end): the boards show who does not work although the plan may still give them
    visits (a sick call not yet re-planned)."""
    rows = db.session.scalars(
        sa.select(Absence)
        .join(Absence.staff)
        .where(StaffMember.team_id == team_id)
        .where(Absence.start_date < end, Absence.end_date >= start)
        .order_by(Absence.start_date, Absence.id)
    )
    out: dict[int, dict[date, Absence]] = defaultdict(dict)
    for absence in rows:
        day = max(absence.start_date, start)
        while day < end and day <= absence.end_date:
            out[absence.staff_id].setdefault(day, absence)
            day += timedelta(days=1)
    return out


def cards_by_staff(
    plan: Plan, start: date, end: date, flags: dict | None = None
) -> dict[int, list[Card]]:
    """Each staff member's visits in [start, end) in time order, marked pinned and changed
    (and with the rules they break, when ``flags`` is given)."""
    rows = boardplan.plan_rows(plan, start, end)
    names = {a.staff_id: a.staff.name for a in rows}
    on_visit: dict[int, list[int]] = defaultdict(list)
    for a in rows:
        on_visit[a.visit_id].append(a.staff_id)
    published = published_starts(plan, start, end)
    out: dict[int, list[Card]] = defaultdict(list)
    for a in rows:
        changed = published is not None and published.get((a.visit_id, a.staff_id)) != a.start
        end_at = a.start + timedelta(minutes=a.visit.duration_min)
        partners = [names[s] for s in on_visit[a.visit_id] if s != a.staff_id]
        card = Card(a.visit, a.start, end_at, a.pinned, changed, partners)
        card.flags = (flags or {}).get((a.visit_id, a.staff_id), [])
        out[a.staff_id].append(card)
    return out


def unassigned_cards(plan: Plan | None, team_id: int, start: date, end: date) -> list[Card]:
    """Visits in [start, end) with a free place in the plan, with the solver's reason."""
    rows = boardplan.plan_rows(plan, start, end) if plan else []
    taken: dict[int, int] = defaultdict(int)
    for a in rows:
        taken[a.visit_id] += 1
    reasons = {u.get("visit"): u for u in (plan.solver_unassigned or [])} if plan else {}
    out = []
    for v in boardplan.team_visits(team_id, start, end):
        if taken[v.id] < v.staff_required:
            end_at = v.earliest_start + timedelta(minutes=v.duration_min)
            card = Card(v, v.earliest_start, end_at)
            card.reason = unassigned_reason(reasons.get(boardplan.vid(v.id)))
            if taken[v.id]:
                card.reason = _("Double staffing: one more person needed.")
            out.append(card)
    return out


def spans(shown: dict[date, Plan | None]) -> list[tuple[Plan | None, date, date]]:
    """Runs of days shown from the same version: (version or None, first day, day after)."""
    out: list[tuple[Plan | None, date, date]] = []
    for day in sorted(shown):
        plan = shown[day]
        if out and _same(out[-1][0], plan) and out[-1][2] == day:
            out[-1] = (plan, out[-1][1], day + timedelta(days=1))
        else:
            out.append((plan, day, day + timedelta(days=1)))
    return out


def _same(a: Plan | None, b: Plan | None) -> bool:
    return (a and a.id) == (b and b.id)


def shown_plans(shown: dict[date, Plan | None]) -> list[Plan]:
    """The versions a page shows, in the order of the days."""
    out: list[Plan] = []
    for plan in shown.values():
        if plan is not None and all(p.id != plan.id for p in out):
            out.append(plan)
    return out


def board_cards(
    team_id: int, shown: dict[date, Plan | None], flags_of: Callable[[Plan], dict] | None = None
) -> tuple[dict[int, list[Card]], list[Card]]:
    """Each staff member's cards and the unassigned cards, every day from the version shown
    for it (``flags_of(plan)``: the rules places break, for a team that flags them)."""
    cards: dict[int, list[Card]] = defaultdict(list)
    unassigned: list[Card] = []
    flags: dict[int, dict] = {}
    for plan, start, end in spans(shown):
        if plan is not None:
            if flags_of is not None and plan.id not in flags:
                flags[plan.id] = flags_of(plan)
            for staff_id, items in cards_by_staff(plan, start, end, flags.get(plan.id)).items():
                cards[staff_id] += items
        unassigned += unassigned_cards(plan, team_id, start, end)
    return cards, unassigned


def grid(cards: dict[int, list[Card]], monday: date) -> dict[int, list[list[Card]]]:
    """staff id -> seven lists of cards, Monday first."""
    out: dict[int, list[list[Card]]] = {}
    for staff_id, items in cards.items():
        days: list[list[Card]] = [[] for _ in range(7)]
        for card in items:
            days[(card.visit.date - monday).days].append(card)
        out[staff_id] = days
    return out


# ---------------------------------------------------------------------------------
# the körlista: one staff member's day with travel and break gaps


@dataclass
class Stop:
    kind: str  # "visit", "travel", "break", "wait"
    start: datetime
    end: datetime
    card: Card | None = None
    minutes: int = 0


def run_list(plan: Plan, staff: StaffMember, day: date) -> list[Stop]:
    """The day in time order: travel between visits, the break and waiting time in the gaps.
    Only visits that will take place, those of the plan's problem: not one cancelled (the
    need changed, the client is away) or recorded ahead as cancelled by the client, whose
    home the problem may not even hold."""
    problem = boardplan.problem_for(plan)
    cards = [
        c
        for c in cards_by_staff(plan, day, day + timedelta(days=1)).get(staff.id, [])
        if boardplan.vid(c.visit.id) in problem.visit_by_id
    ]
    cards.sort(key=lambda c: c.start)
    travel = TravelTimes(problem)
    home = next((s.home for s in problem.staff if s.id == boardplan.sid(staff.id)), None)
    shift = _shift_on(staff, day)
    stops: list[Stop] = []
    place, free_from = home, (shift.start if shift else None)
    breaks = _break_of(shift)
    for card in cards:
        here = f"{boardplan.cid(card.visit.client_id)}-home"
        minutes = travel.minutes(place, here) if place else 0
        if free_from is not None:
            breaks = _fill_gap(stops, free_from, card.start, minutes, breaks)
        stops.append(Stop("visit", card.start, card.end, card))
        place, free_from = here, card.end
    if shift is not None and free_from is not None and home:
        back = travel.minutes(place, home) if place != home else 0
        _fill_gap(stops, free_from, shift.end, back, breaks, leave_early=True)
    return stops


def _fill_gap(
    stops: list[Stop],
    begin: datetime,
    end: datetime,
    travel_min: int,
    brk,
    leave_early: bool = False,
):
    """Free time, the break if it fits its window, and the travel: on the way to a visit the
    travel comes last (leave just in time), on the way home it comes first."""
    travel = timedelta(minutes=travel_min)
    if leave_early and travel_min:
        stops.append(Stop("travel", begin, begin + travel, minutes=travel_min))
        begin += travel
    free_end = end if leave_early else end - travel
    if brk is not None:
        earliest, latest, minutes = brk
        brk_start = max(begin, earliest)
        brk_end = brk_start + timedelta(minutes=minutes)
        if brk_end <= min(free_end, latest):
            _wait(stops, begin, brk_start)
            stops.append(Stop("break", brk_start, brk_end, minutes=minutes))
            begin, brk = brk_end, None
    _wait(stops, begin, free_end)
    if not leave_early and travel_min:
        stops.append(Stop("travel", max(begin, free_end), end, minutes=travel_min))
    return brk


def _wait(stops: list[Stop], begin: datetime, end: datetime) -> None:
    minutes = int((end - begin).total_seconds() // 60)
    if minutes > 0:
        stops.append(Stop("wait", begin, end, minutes=minutes))


def _shift_on(staff: StaffMember, day: date):
    return next((s for s in staff.shifts if s.start.date() == day), None)


def _break_of(shift):
    if shift is None or not shift.break_minutes or shift.break_earliest is None:
        return None
    return shift.break_earliest, shift.break_latest, shift.break_minutes


# ---------------------------------------------------------------------------------
# a client's view: who comes when


def client_visits(client: Client, shown: dict[date, Plan | None]) -> list[tuple[Visit, list]]:
    """The client's visits on the days of ``shown`` with the assignments on each, every day
    from the version shown for it."""
    by_visit: dict[int, list[Assignment]] = defaultdict(list)
    for plan, start, end in spans(shown):
        for a in boardplan.plan_rows(plan, start, end) if plan else []:
            if a.visit.client_id == client.id:
                by_visit[a.visit_id].append(a)
    start, end = min(shown), max(shown) + timedelta(days=1)
    visits = [
        v for v in boardplan.team_visits(client.team_id, start, end) if v.client_id == client.id
    ]
    return [(v, by_visit.get(v.id, [])) for v in visits]


# ---------------------------------------------------------------------------------
# Min vecka: one staff member's week


@dataclass
class StaffDay:
    day: date
    shifts: list
    absence: object | None
    cards: list[Card]
    removed: list[Card]  # in the published plan, no longer in the draft
    draft: bool  # the cards come from a draft newer than the published plan


def staff_week(staff: StaffMember, monday: date) -> list[StaffDay]:
    """Each day Monday to Sunday: shifts, absence, and visits from the version shown for the
    day, marked where a draft differs from what is published."""
    out = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        nxt = day + timedelta(days=1)
        plan = boardplan.current_plan(staff.team_id, day)
        cards = cards_by_staff(plan, day, nxt).get(staff.id, []) if plan else []
        published = boardplan.published_plan(staff.team_id, day)
        removed = []
        if plan is not None and published is not None and published.id != plan.id:
            kept = {c.visit.id for c in cards}
            removed = [
                c
                for c in cards_by_staff(published, day, nxt).get(staff.id, [])
                if c.visit.id not in kept
            ]
        shifts = [s for s in staff.shifts if s.start.date() == day]
        absence = next((a for a in staff.absences if a.start_date <= day <= a.end_date), None)
        draft = plan is not None and plan.state == "draft"
        out.append(StaffDay(day, shifts, absence, cards, removed, draft))
    return out
