"""Staff shifts as routable units, and the split of the horizon into day chunks.

Every visit is routed inside one chunk: the shifts that start on one calendar day.
Chunks only interact through per-horizon rules (max_minutes, distinct staff per
client), which the solver passes in as fixed context when it routes a chunk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property

from .problem import Pin, Problem, Shift, Staff, Visit

DAY = 24 * 60


@dataclass(frozen=True)
class ShiftRef:
    """One shift of one staff member: the unit that gets a route."""

    staff: Staff
    index: int

    # By staff id and index: hashing the whole Staff record was most of the greedy's time.
    def __hash__(self) -> int:
        return hash((self.staff.id, self.index))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ShiftRef):
            return NotImplemented
        return self.index == other.index and self.staff.id == other.staff.id

    @property
    def shift(self) -> Shift:
        return self.staff.shifts[self.index]

    @cached_property
    def key(self) -> str:
        return f"{self.staff.id}#{self.index}"

    @property
    def day(self) -> int:
        return self.shift.start // DAY


def all_shifts(problem: Problem) -> list[ShiftRef]:
    """Every shift of every staff member."""
    return [ShiftRef(s, i) for s in problem.staff for i in range(len(s.shifts))]


def start_domain(visit: Visit) -> tuple[int, int]:
    """The start window, narrowed to the pinned start if one is given."""
    pinned = {p.start for p in visit.pinned if p.start is not None}
    if len(pinned) == 1:
        t = pinned.pop()
        return t, t
    return visit.earliest_start, visit.latest_start


def holds(ref: ShiftRef, visit: Visit) -> bool:
    """The shift can hold the visit somewhere in its (possibly pinned) start window."""
    lo, hi = start_domain(visit)
    return max(ref.shift.start, lo) <= min(hi, ref.shift.end - visit.duration)


def hold(visit: Visit, staff: tuple[str, ...], start: int, refs: list[ShiftRef]):
    """The visit pinned to ``staff`` at ``start``, with the shifts of ``refs`` that hold it
    there, one per staff member; None when they are not all there."""
    held = replace(visit, pinned=tuple(Pin(sid, start) for sid in staff))
    kept = [r for r in refs if r.staff.id in staff and holds(r, held)]
    return (held, kept) if len(kept) == len(staff) else None


def candidate_shifts(problem: Problem, visit: Visit) -> list[ShiftRef]:
    """Shifts of staff who may take the visit (skills, refusals, window) - hard rules 1-3."""
    lo, hi = start_domain(visit)  # a pinned start narrows the window
    return [
        ShiftRef(s, i)
        for s in problem.eligible_staff(visit)
        for i in problem.holding_shifts(s, lo, hi, visit.duration)
    ]


def chunk_day(visit: Visit, candidates: list[ShiftRef]) -> int:
    """The day whose shifts hold most of the visit's candidates (ties: the earliest day)."""
    if not candidates:
        return visit.earliest_start // DAY
    counts = Counter(ref.day for ref in candidates)
    return min(counts, key=lambda d: (-counts[d], d))


def shift_of(problem: Problem, staff_id: str, start: int, duration: int) -> ShiftRef | None:
    """The shift of staff_id that contains [start, start + duration], if any."""
    staff = problem.staff_by_id[staff_id]
    for i, sh in enumerate(staff.shifts):
        if sh.start <= start and start + duration <= sh.end:
            return ShiftRef(staff, i)
    return None
