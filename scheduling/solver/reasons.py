"""Why a visit is not in the plan: a machine code, data for the UI, and an English sentence.

``diagnose`` runs before any modelling and catches what no plan could fix (nobody
with the skills on shift, refusals, contradictory pins). ``explain_unplaced`` names
the likeliest cause for a visit the solver had to leave out.
"""

from __future__ import annotations

from collections import defaultdict

from .chunks import candidate_shifts, start_domain
from .plan import Unassigned
from .problem import Problem, Visit
from .travel import TravelTimes


def _when(p: Problem, v: Visit) -> dict:
    day = p.to_text(v.earliest_start)[:10]
    window = f"{p.to_text(v.earliest_start)[11:]}-{p.to_text(v.latest_start)[11:]}"
    return {"day": day, "window": window}


def _on_shift(p: Problem, v: Visit) -> list[str]:
    lo, hi = start_domain(v)
    return [s.id for s in p.staff if p.holding_shifts(s, lo, hi, v.duration)]


def _too_few(able: list[str], v: Visit) -> dict:
    """For a double visit some could take but too few: how many could, and how many it
    needs (data: `count`, `needed`); {} when nobody could."""
    return {"count": len(able), "needed": v.staff_required} if able else {}


def _needs(v: Visit, short: dict) -> str:
    return f"; the visit needs {v.staff_required}" if short else ""


def diagnose(p: Problem, v: Visit) -> Unassigned | None:
    """The reason no plan can hold the visit, or None when someone could take it."""
    when = _when(p, v)
    on_shift = _on_shift(p, v)
    if len(on_shift) < v.staff_required:
        short = _too_few(on_shift, v)
        who = f"only {len(on_shift)} staff" if short else "no staff"
        return Unassigned(
            v.id,
            f"{who} on shift {when['day']} {when['window']}{_needs(v, short)}",
            "no_staff_on_shift",
            {**when, **short},
        )
    skilled = [s for s in on_shift if v.skills <= p.staff_by_id[s].skills]
    if len(skilled) < v.staff_required:
        skills = sorted(v.skills)
        short = _too_few(skilled, v)
        who = f"only {len(skilled)} staff" if short else "no staff"
        return Unassigned(
            v.id,
            f"{who} with skill {', '.join(skills)} on shift {when['day']} {when['window']}"
            f"{_needs(v, short)}",
            "no_skilled_staff_on_shift",
            {"skills": skills, **when, **short},
        )
    refused = sorted(p.client_by_id[v.client].refused_staff & set(skilled))
    if len(skilled) - len(refused) < v.staff_required:
        return Unassigned(
            v.id,
            f"the client refuses {', '.join(refused)}, the only staff "
            f"who could come {when['day']} {when['window']}",
            "refused_by_client",
            {"refused": refused, **when},
        )
    return pin_problem(p, v)


def pin_problem(p: Problem, v: Visit) -> Unassigned | None:
    """A pin that cannot hold on its own: wrong staff, too many pins, or two start times."""
    if not v.pinned:
        return None
    staff = [pin.staff for pin in v.pinned]
    starts = {pin.start for pin in v.pinned if pin.start is not None}
    eligible = {ref.staff.id for ref in candidate_shifts(p, v)}
    bad = sorted(s for s in staff if s not in eligible)
    why = None
    if len(set(staff)) > v.staff_required:
        why = f"{len(set(staff))} staff pinned to a visit for {v.staff_required}"
    elif len(starts) > 1:
        why = "pinned at two different start times"
    elif any(not v.earliest_start <= t <= v.latest_start for t in starts):
        why = "pinned start outside the visit's window"
    elif bad:
        why = f"pinned staff {', '.join(bad)} cannot take it (skills, refusal or shift)"
    if why is None:
        return None
    return Unassigned(
        v.id, f"pin conflict: {why}", "pin_conflict", {"staff": sorted(set(staff)), **_when(p, v)}
    )


def pin_clashes(p: Problem, tt: TravelTimes) -> dict[str, Unassigned]:
    """Pinned visits of one person at fixed starts that cannot both be reached."""
    fixed = defaultdict(list)
    for v in p.visits:
        for pin in v.pinned:
            start = next((q.start for q in v.pinned if q.start is not None), None)
            if start is not None:
                fixed[pin.staff].append((start, v))
    out = {}
    for sid, items in fixed.items():
        items.sort(key=lambda x: x[0])
        for (s1, v1), (s2, v2) in zip(items, items[1:], strict=False):
            if s1 + v1.duration + tt.minutes(p.location_of(v1), p.location_of(v2)) > s2:
                for v in (v1, v2):
                    out[v.id] = Unassigned(
                        v.id,
                        f"pin conflict: {sid} is pinned to visits {v1.id} and {v2.id} that overlap",
                        "pin_conflict",
                        {"staff": [sid], **_when(p, v)},
                    )
    return out


def explain_unplaced(
    p: Problem, v: Visit, met: set[str], minutes_left: dict[str, int]
) -> Unassigned:
    """The likeliest reason a possible visit was left out by the solver."""
    when = _when(p, v)
    client = p.client_by_id[v.client]
    if v.pinned:
        return Unassigned(
            v.id,
            "pin conflict: the pinned staff cannot also keep their other visits, travel and break",
            "pin_conflict",
            {"staff": sorted({q.staff for q in v.pinned}), **when},
        )
    cap = client.max_distinct_staff
    eligible = {ref.staff.id for ref in candidate_shifts(p, v)}
    if cap is not None and len(met) >= cap and len(eligible & met) < v.staff_required:
        return Unassigned(
            v.id,
            f"client {client.id} already meets {len(met)} staff, its "
            f"maximum, and none of them can come {when['day']} {when['window']}",
            "max_distinct_staff",
            {"max_distinct_staff": cap, **when},
        )
    if eligible and all(minutes_left.get(s, v.duration) < v.duration for s in eligible):
        return Unassigned(
            v.id,
            "every staff member who could come has reached max_minutes",
            "max_minutes",
            {"staff": sorted(eligible), **when},
        )
    data = {"staff": sorted(eligible), **when}
    who = "staff"
    if v.skills:
        # The likeliest shortage on a real team (all of the main bench's visits left out
        # are insulin at dinner): the few holders are busy, often with visits anyone could do.
        data |= {"skills": sorted(v.skills), "count": len(eligible)}
        who = f"the {len(eligible)} staff with skill {', '.join(data['skills'])}"
    return Unassigned(
        v.id,
        f"no room left: {who} on shift {when['day']} {when['window']} "
        "are busy with other visits, travel or breaks",
        "capacity",
        data,
    )
