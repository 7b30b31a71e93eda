"""Rule conflicts and solver reasons in words a care worker can act on, with the numbers.

The validator and the solver speak codes and ids (scheduling/solver); this module turns
them into sentences ("Hinner inte: 12 min resväg från Storgatan 3, besöket börjar 08:05").
The figures come from each Violation's ``data`` (never from its English message); a
violation without the keys its sentence needs (DATA_KEYS) is shown with that message.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from clients.models import Client
from extensions import db
from scheduling.boardplan import row_id
from scheduling.solver.plan import Plan as SolverPlan
from scheduling.solver.problem import TIME_FORMAT, Problem
from scheduling.solver.validate import Violation
from teams.models import StaffMember

DELEGATIONS = ("insulin", "medication", "wound", "stoma", "catheter")
# Short skill names for sentences ("Saknar delegering: insulin").
SKILL_WORDS = {
    "insulin": _l("insulin"),
    "medication": _l("medication"),
    "lift": _l("lifting"),
    "wound": _l("wound care"),
    "stoma": _l("stoma care"),
    "catheter": _l("catheter care"),
    "dementia": _l("dementia care"),
    "driving": _l("driving licence"),
}


def _clock(problem: Problem, minute: int) -> str:
    return problem.to_text(minute)[11:]


def _clock_text(text: str) -> str:
    return datetime.strptime(text, TIME_FORMAT).strftime("%H:%M")


def _staff_name(staff_id: str | None) -> str:
    row = db.session.get(StaffMember, row_id(staff_id)) if staff_id else None
    return row.name if row else (staff_id or "")


def _client_of(problem: Problem, visit_id: str) -> Client | None:
    return db.session.get(Client, row_id(problem.visit_by_id[visit_id].client))


def skill_words(codes) -> str:
    return ", ".join(str(SKILL_WORDS.get(c, c)) for c in sorted(codes))


# code -> the keys of Violation.data its sentence takes its figures from (validate.py)
TRAVEL_KEYS = ("needs", "from", "to")
DATA_KEYS: dict[str, tuple[str, ...]] = {
    "no_travel_time": TRAVEL_KEYS,
    "no_time_from_home": TRAVEL_KEYS,
    "no_time_to_home": TRAVEL_KEYS,
    "no_break": ("minutes", "earliest", "latest"),
    "max_minutes": ("minutes", "max_minutes"),
    "max_distinct_staff": ("client", "count", "max_distinct_staff"),
}


def describe(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    """One violation as a Swedish (or English) sentence with names, times and minutes."""
    handler = DESCRIBERS.get(v.code)
    if handler is None or any(key not in v.data for key in DATA_KEYS.get(v.code, ())):
        return v.message
    return handler(v, problem, plan)


def _missing_skill(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    missing = problem.visit_by_id[v.visit].skills - problem.staff_by_id[v.staff].skills
    delegations = sorted(c for c in missing if c in DELEGATIONS)
    others = sorted(missing - set(delegations))
    parts = []
    if delegations:
        parts.append(_("Missing delegation: %(skills)s", skills=skill_words(delegations)))
    if others:
        parts.append(_("Missing skill: %(skills)s", skills=skill_words(others)))
    return f"{_staff_name(v.staff)}: " + "; ".join(parts)


def _refused(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    client = _client_of(problem, v.visit)
    return _(
        "Refused by the client: %(client)s does not want visits from %(staff)s",
        client=client.name if client else "",
        staff=_staff_name(v.staff),
    )


def _window(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    visit, given = problem.visit_by_id[v.visit], plan.assignment_of(v.visit)
    return _(
        "Outside the time window: starts %(start)s, the visit must start %(earliest)s–%(latest)s",
        start=_clock(problem, given.start),
        earliest=_clock(problem, visit.earliest_start),
        latest=_clock(problem, visit.latest_start),
    )


def _outside_shift(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    visit, given = problem.visit_by_id[v.visit], plan.assignment_of(v.visit)
    return _(
        "Outside the shift: %(staff)s has no shift that holds %(start)s–%(end)s",
        staff=_staff_name(v.staff),
        start=_clock(problem, given.start),
        end=_clock(problem, given.start + visit.duration),
    )


def _place(problem: Problem, stop: str) -> str:
    if stop == "home":
        return str(_("the office"))
    client = _client_of(problem, stop)
    return (client.address or client.name) if client else stop


def _travel(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    # "from"/"to" are visit ids; None is the staff member's home (the office)
    minutes, origin, target = v.data["needs"], v.data["from"] or "home", v.data["to"]
    who = _staff_name(v.staff)
    if target is None:
        return _(
            "No time to get back: %(staff)s needs %(minutes)s min travel from %(place)s, "
            "the shift ends before that",
            staff=who,
            minutes=minutes,
            place=_place(problem, origin),
        )
    start = _clock(problem, plan.assignment_of(target).start)
    return (
        _(
            "Not enough time: %(minutes)s min travel from %(place)s, the visit starts %(start)s",
            minutes=minutes,
            place=_place(problem, origin),
            start=start,
        )
        + f" ({who})"
    )


def _no_break(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    return _(
        "Break lost: %(staff)s gets no %(minutes)s-minute break between %(earliest)s and "
        "%(latest)s",
        staff=_staff_name(v.staff),
        minutes=v.data["minutes"],
        earliest=_clock_text(v.data["earliest"]),
        latest=_clock_text(v.data["latest"]),
    )


def _max_minutes(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    return _(
        "Too much work: %(staff)s gets %(minutes)s visit minutes, at most %(max)s",
        staff=_staff_name(v.staff),
        minutes=v.data["minutes"],
        max=v.data["max_minutes"],
    )


def _max_distinct(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    client_id = v.data["client"]
    client = db.session.get(Client, row_id(client_id))
    return _(
        "Too many faces: %(client)s would meet %(count)s different staff, at most %(max)s",
        client=client.name if client else client_id,
        count=v.data["count"],
        max=v.data["max_distinct_staff"],
    )


def _staff_count(v: Violation, problem: Problem, plan: SolverPlan) -> str:
    visit, given = problem.visit_by_id[v.visit], plan.assignment_of(v.visit)
    return _(
        "Double staffing: %(given)s of %(needed)s staff on the visit",
        given=len(given.staff) if given else 0,
        needed=visit.staff_required,
    )


DESCRIBERS = {
    "missing_skill": _missing_skill,
    "refused_staff": _refused,
    "start_outside_window": _window,
    "outside_shift": _outside_shift,
    "no_travel_time": _travel,
    "no_time_from_home": _travel,
    "no_time_to_home": _travel,
    "no_break": _no_break,
    "max_minutes": _max_minutes,
    "max_distinct_staff": _max_distinct,
    "wrong_staff_count": _staff_count,
}


# ---------------------------------------------------------------------------------
# why the solver left a visit out (plan.solver_unassigned codes)

REASONS = {
    "no_staff_on_shift": _l("Nobody works then: no staff on shift %(day)s %(window)s."),
    "no_skilled_staff_on_shift": _l(
        "Nobody on shift %(day)s %(window)s has the delegation or skill: %(skills)s."
    ),
    # the same two codes for a double visit that too few could take (data: count, needed)
    "too_few_on_shift": _l(
        "Only %(count)s work %(day)s %(window)s, and the visit needs %(needed)s staff."
    ),
    "too_few_skilled_on_shift": _l(
        "Only %(count)s of those on shift %(day)s %(window)s have %(skills)s, and the visit "
        "needs %(needed)s staff with it."
    ),
    "refused_by_client": _l("The client has said no to the only staff who could come."),
    "pin_conflict": _l(
        "Claims collide: the staff who claimed it cannot also do their other visits."
    ),
    "max_distinct_staff": _l(
        "The client already meets %(max_distinct_staff)s different staff, the most allowed, "
        "and none of them can come."
    ),
    "max_minutes": _l("Everyone who could come has already reached their working time."),
    "capacity": _l("No room: the staff on shift %(day)s %(window)s are busy with other visits."),
    # capacity, for a visit that needs a skill: who is short, and what the team can do
    "capacity_skilled": _l(
        "No room: all %(count)s on shift %(day)s %(window)s with %(skills)s are busy. "
        "Give their other visits to someone else, or bring in someone with %(skills)s."
    ),
    "not_placed": _l("Not placed in the plan yet."),
}


TOO_FEW = {
    "no_staff_on_shift": "too_few_on_shift",
    "no_skilled_staff_on_shift": "too_few_skilled_on_shift",
}


def _readable_when(data: dict) -> dict:
    """The solver's day and window ("2026-12-09", "07:00-08:00") as a reader writes them
    ("ons 9 dec.", "07:00–08:00"); anything else is left as it came."""
    day, window = data.get("day") or "", data.get("window") or ""
    try:
        day = format_date(date.fromisoformat(day), "EEE d MMM")
    except (TypeError, ValueError):
        pass
    return {**data, "day": day, "window": str(window).replace("-", "–")}


def unassigned_reason(entry: dict | None) -> str:
    """A solver `unassigned` entry ({code, data, reason}) as a sentence in the user's language."""
    if not entry:
        return str(REASONS["not_placed"])
    data = _readable_when(dict(entry.get("data") or {}))
    data.setdefault("max_distinct_staff", "")
    data["skills"] = skill_words(data.get("skills") or [])
    code = entry.get("code") or "not_placed"
    if code == "capacity" and data["skills"] and "count" in data:
        code = "capacity_skilled"
    elif "needed" in data:  # a double visit that too few on shift could take
        code = TOO_FEW.get(code, code)
    template = REASONS.get(code)
    if template is None:
        return entry.get("reason") or str(REASONS["not_placed"])
    try:
        return str(template) % data
    except (KeyError, TypeError, ValueError):
        return entry.get("reason") or str(REASONS["not_placed"])
