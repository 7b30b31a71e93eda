"""The planning problem of PROBLEM-FORMAT.md as frozen dataclasses, and its parser.

Times inside the solver are whole minutes from 00:00 of the horizon's first day
(local wall-clock time, Europe/Stockholm, as the format says). ``parse`` turns the
JSON (a dict) into a :class:`Problem`; bad input raises :class:`ProblemError`
naming the field and the id, never a bare traceback.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

PROBLEM_FORMAT = "teamplan-problem/1"

# The one home of the objective's default weights (PROBLEM-FORMAT.md, "The objective").
DEFAULT_WEIGHTS: dict[str, int] = {
    "unassigned": 100000,
    "distinct_staff": 1000,
    "contact_missing": 100,
    "history_missing": 20,
    "preferred_missing": 10,
    "travel_minute": 1,
    "changed_from_previous": 50,
}

DEFAULT_TRAVEL = {"speed_kmh": 15.0, "detour_factor": 1.3, "minimum_minutes": 2}

TIME_FORMAT = "%Y-%m-%dT%H:%M"


class ProblemError(ValueError):
    """Malformed problem input: ``path`` names the field (with the id where one exists)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Travel:
    speed_kmh: float = 15.0
    detour_factor: float = 1.3
    minimum_minutes: int = 2


@dataclass(frozen=True)
class Location:
    id: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Break:
    earliest: int  # minute of the horizon
    latest: int
    minutes: int


@dataclass(frozen=True)
class Shift:
    start: int
    end: int
    break_: Break | None = None


@dataclass(frozen=True)
class Staff:
    id: str
    name: str = ""
    skills: frozenset[str] = frozenset()
    home: str | None = None
    substitute: bool = False
    max_minutes: int | None = None
    shifts: tuple[Shift, ...] = ()


@dataclass(frozen=True)
class Client:
    id: str
    location: str
    contact_staff: tuple[str, ...] = ()
    preferred_staff: tuple[str, ...] = ()
    refused_staff: frozenset[str] = frozenset()
    max_distinct_staff: int | None = None
    history: dict[str, int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Pin:
    staff: str
    start: int | None = None


@dataclass(frozen=True)
class Previous:
    staff: tuple[str, ...]
    start: int | None = None


@dataclass(frozen=True)
class Visit:
    id: str
    client: str
    earliest_start: int
    latest_start: int
    duration: int
    staff_required: int = 1
    skills: frozenset[str] = frozenset()
    kind: str = ""
    pinned: tuple[Pin, ...] = ()
    previous: Previous | None = None


@dataclass(frozen=True)
class Matrix:
    ids: tuple[str, ...]
    minutes: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, eq=False)
class Problem:
    name: str
    horizon_start: date
    days: int
    travel: Travel
    locations: tuple[Location, ...]
    staff: tuple[Staff, ...]
    clients: tuple[Client, ...]
    visits: tuple[Visit, ...]
    weights: dict[str, int]
    matrix: Matrix | None = None

    # -- lookups -----------------------------------------------------------------
    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}

    @cached_property
    def client_by_id(self) -> dict[str, Client]:
        return {c.id: c for c in self.clients}

    @cached_property
    def visit_by_id(self) -> dict[str, Visit]:
        return {v.id: v for v in self.visits}

    @cached_property
    def location_by_id(self) -> dict[str, Location]:
        return {loc.id: loc for loc in self.locations}

    @cached_property
    def visits_by_client(self) -> dict[str, list[Visit]]:
        out: dict[str, list[Visit]] = {c.id: [] for c in self.clients}
        for v in self.visits:
            out[v.client].append(v)
        return out

    @property
    def horizon_minutes(self) -> int:
        return self.days * 24 * 60

    def location_of(self, visit: Visit) -> str:
        """The location id where the visit takes place (its client's home)."""
        return self.client_by_id[visit.client].location

    @cached_property
    def _shift_order(self) -> dict[str, tuple[tuple[int, ...], tuple[int, ...], bool]]:
        """Staff id -> (indices of its shifts by start, those starts, whether they are
        disjoint: ``parse`` rejects overlaps, a Problem built by hand may not)."""
        out = {}
        for s in self.staff:
            order = tuple(sorted(range(len(s.shifts)), key=lambda i: s.shifts[i].start))
            ends = [s.shifts[i].end for i in order]
            starts = tuple(s.shifts[i].start for i in order)
            disjoint = all(e <= b for e, b in zip(ends[:-1], starts[1:], strict=True))
            out[s.id] = (order, starts, disjoint)
        return out

    def holding_shifts(self, staff: Staff, lo: int, hi: int, duration: int) -> list[int]:
        """Indices (ascending) of the shifts of ``staff`` where a visit of ``duration``
        can start somewhere in [lo, hi]: a bisection finds the few near the window
        instead of a scan of every shift."""
        order, starts, disjoint = self._shift_order[staff.id]
        out = []
        j = bisect_right(starts, hi)  # shifts starting after hi cannot hold it
        while j > 0:
            j -= 1
            sh = staff.shifts[order[j]]
            if disjoint and sh.end - duration < lo:
                break  # this shift ends too early, and every earlier one ends before it
            if max(sh.start, lo) <= min(hi, sh.end - duration):
                out.append(order[j])
        return sorted(out)

    def fitting_shifts(self, staff: Staff, visit: Visit) -> list[Shift]:
        """Shifts of ``staff`` that can hold ``visit`` somewhere in its start window."""
        return [
            staff.shifts[i]
            for i in self.holding_shifts(
                staff, visit.earliest_start, visit.latest_start, visit.duration
            )
        ]

    def can_serve(self, staff: Staff, visit: Visit) -> bool:
        """Skills held, not refused by the client, and some shift fits the window."""
        client = self.client_by_id[visit.client]
        return (
            visit.skills <= staff.skills
            and staff.id not in client.refused_staff
            and bool(self.fitting_shifts(staff, visit))
        )

    def eligible_staff(self, visit: Visit) -> list[Staff]:
        """Staff who could take a place on ``visit`` (hard rules 1-3 taken one at a time)."""
        return [s for s in self.staff if self.can_serve(s, visit)]

    # -- time conversion -------------------------------------------------------------
    def to_minute(self, text: str) -> int:
        return to_minute(self.horizon_start, text)

    def to_text(self, minute: int) -> str:
        return to_text(self.horizon_start, minute)


# ---------------------------------------------------------------------------------
# time helpers


def to_minute(horizon_start: date, text: str) -> int:
    """``YYYY-MM-DDTHH:MM`` -> minutes from 00:00 of ``horizon_start``."""
    moment = datetime.strptime(text, TIME_FORMAT)
    delta = moment - datetime.combine(horizon_start, datetime.min.time())
    return int(delta.total_seconds() // 60)


def to_text(horizon_start: date, minute: int) -> str:
    """Minutes from 00:00 of ``horizon_start`` -> ``YYYY-MM-DDTHH:MM``."""
    moment = datetime.combine(horizon_start, datetime.min.time()) + timedelta(minutes=minute)
    return moment.strftime(TIME_FORMAT)


# ---------------------------------------------------------------------------------
# parsing


class _Reader:
    """Typed field access that names the path on error."""

    def __init__(self, horizon_start: date | None = None):
        self.horizon_start = horizon_start

    def obj(self, data: Any, path: str) -> dict:
        if not isinstance(data, dict):
            raise ProblemError(path, "expected an object")
        return data

    def req(self, data: dict, key: str, path: str) -> Any:
        if key not in data or data[key] is None:
            raise ProblemError(f"{path}.{key}", "is required")
        return data[key]

    def string(self, data: dict, key: str, path: str, default: str | None = None) -> str:
        if key not in data or data[key] is None:
            if default is not None:
                return default
            raise ProblemError(f"{path}.{key}", "is required")
        value = data[key]
        if not isinstance(value, str):
            raise ProblemError(f"{path}.{key}", f"expected a string, got {value!r}")
        return value

    def integer(
        self,
        data: dict,
        key: str,
        path: str,
        default: int | None = None,
        minimum: int | None = None,
        required: bool = True,
    ) -> int | None:
        if key not in data or data[key] is None:
            if default is not None or not required:
                return default
            raise ProblemError(f"{path}.{key}", "is required")
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise ProblemError(f"{path}.{key}", f"expected a whole number, got {value!r}")
        value = int(value)
        if minimum is not None and value < minimum:
            raise ProblemError(f"{path}.{key}", f"must be at least {minimum}, got {value}")
        return value

    def number(self, data: dict, key: str, path: str, default: float | None = None) -> float:
        if key not in data or data[key] is None:
            if default is not None:
                return default
            raise ProblemError(f"{path}.{key}", "is required")
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ProblemError(f"{path}.{key}", f"expected a number, got {value!r}")
        return float(value)

    def strings(self, data: dict, key: str, path: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise ProblemError(f"{path}.{key}", "expected a list of strings")
        return tuple(value)

    def items(self, data: dict, key: str, path: str, required: bool = True) -> list:
        if key not in data or data[key] is None:
            if required:
                raise ProblemError(f"{path}.{key}", "is required")
            return []
        value = data[key]
        if not isinstance(value, list):
            raise ProblemError(f"{path}.{key}", "expected a list")
        return value

    def time(self, data: dict, key: str, path: str) -> int:
        text = self.string(data, key, path)
        try:
            return to_minute(self.horizon_start, text)
        except ValueError:
            raise ProblemError(
                f"{path}.{key}", f"expected YYYY-MM-DDTHH:MM, got {text!r}"
            ) from None


def _item_path(list_path: str, index: int, item: Any) -> str:
    ident = item.get("id") if isinstance(item, dict) else None
    return f"{list_path}[{ident}]" if isinstance(ident, str) else f"{list_path}[{index}]"


def _unique(ids: list[str], path: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ProblemError(f"{path}[{i}]", "duplicate id")
        seen.add(i)


def parse(data: Any) -> Problem:
    """Build a :class:`Problem` from PROBLEM-FORMAT.md JSON (already decoded)."""
    r = _Reader()
    r.obj(data, "problem")
    fmt = data.get("format", PROBLEM_FORMAT)
    if fmt != PROBLEM_FORMAT:
        raise ProblemError("format", f"expected {PROBLEM_FORMAT!r}, got {fmt!r}")
    horizon = r.obj(r.req(data, "horizon", "problem"), "horizon")
    try:
        start = date.fromisoformat(r.string(horizon, "start", "horizon"))
    except ValueError:
        raise ProblemError("horizon.start", "expected YYYY-MM-DD") from None
    days = r.integer(horizon, "days", "horizon", minimum=1)
    r.horizon_start = start

    travel = _parse_travel(r, data.get("travel") or {})
    locations = tuple(
        _parse_location(r, x, _item_path("locations", i, x))
        for i, x in enumerate(r.items(data, "locations", "problem"))
    )
    _unique([loc.id for loc in locations], "locations")
    staff = tuple(
        _parse_staff(r, x, _item_path("staff", i, x))
        for i, x in enumerate(r.items(data, "staff", "problem"))
    )
    _unique([s.id for s in staff], "staff")
    clients = tuple(
        _parse_client(r, x, _item_path("clients", i, x))
        for i, x in enumerate(r.items(data, "clients", "problem"))
    )
    _unique([c.id for c in clients], "clients")
    visits = tuple(
        _parse_visit(r, x, _item_path("visits", i, x))
        for i, x in enumerate(r.items(data, "visits", "problem"))
    )
    _unique([v.id for v in visits], "visits")
    weights = _parse_weights(r, data.get("weights") or {})
    matrix = _parse_matrix(r, travel, data)
    problem = Problem(
        name=str(data.get("name") or ""),
        horizon_start=start,
        days=days,
        travel=travel,
        locations=locations,
        staff=staff,
        clients=clients,
        visits=visits,
        weights=weights,
        matrix=matrix,
    )
    _check_references(problem)
    return problem


def _parse_travel(r: _Reader, data: Any) -> Travel:
    r.obj(data, "travel")
    speed = r.number(data, "speed_kmh", "travel", DEFAULT_TRAVEL["speed_kmh"])
    if speed <= 0:
        raise ProblemError("travel.speed_kmh", "must be positive")
    return Travel(
        speed_kmh=speed,
        detour_factor=r.number(data, "detour_factor", "travel", DEFAULT_TRAVEL["detour_factor"]),
        minimum_minutes=r.integer(
            data, "minimum_minutes", "travel", DEFAULT_TRAVEL["minimum_minutes"], minimum=0
        ),
    )


def _parse_matrix(r: _Reader, travel: Travel, data: dict) -> Matrix | None:
    # The format allows the matrix inside "travel" (the natural place) or at top level.
    raw = (data.get("travel") or {}).get("matrix") or data.get("matrix")
    if raw is None:
        return None
    r.obj(raw, "travel.matrix")
    ids = r.strings(raw, "ids", "travel.matrix")
    rows = r.items(raw, "minutes", "travel.matrix")
    if len(rows) != len(ids) or any(
        not isinstance(row, list) or len(row) != len(ids) for row in rows
    ):
        raise ProblemError("travel.matrix.minutes", f"expected a {len(ids)}x{len(ids)} matrix")
    try:
        minutes = tuple(tuple(int(x) for x in row) for row in rows)
    except (TypeError, ValueError):
        raise ProblemError("travel.matrix.minutes", "expected whole minutes") from None
    return Matrix(ids=ids, minutes=minutes)


def _parse_location(r: _Reader, data: Any, path: str) -> Location:
    r.obj(data, path)
    lat = r.number(data, "lat", path)
    lon = r.number(data, "lon", path)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ProblemError(path, f"coordinates out of range ({lat}, {lon})")
    return Location(id=r.string(data, "id", path), lat=lat, lon=lon)


def _parse_shift(r: _Reader, data: Any, path: str) -> Shift:
    r.obj(data, path)
    start, end = r.time(data, "start", path), r.time(data, "end", path)
    if end <= start:
        raise ProblemError(path, "shift ends before it starts")
    brk = None
    if data.get("break") is not None:
        b = r.obj(data["break"], f"{path}.break")
        bpath = f"{path}.break"
        brk = Break(
            earliest=r.time(b, "earliest", bpath),
            latest=r.time(b, "latest", bpath),
            minutes=r.integer(b, "minutes", bpath, minimum=0),
        )
        if brk.latest - brk.earliest < brk.minutes:
            raise ProblemError(bpath, "break window is shorter than the break")
    return Shift(start=start, end=end, break_=brk)


def _parse_staff(r: _Reader, data: Any, path: str) -> Staff:
    r.obj(data, path)
    shifts = tuple(
        sorted(
            (
                _parse_shift(r, x, f"{path}.shifts[{i}]")
                for i, x in enumerate(r.items(data, "shifts", path, required=False))
            ),
            key=lambda s: s.start,
        )
    )
    for a, b in zip(shifts, shifts[1:], strict=False):
        if b.start < a.end:
            raise ProblemError(f"{path}.shifts", "shifts overlap")
    return Staff(
        id=r.string(data, "id", path),
        name=r.string(data, "name", path, default=""),
        skills=frozenset(r.strings(data, "skills", path)),
        home=data.get("home") if isinstance(data.get("home"), str) else None,
        substitute=bool(data.get("substitute", False)),
        max_minutes=r.integer(data, "max_minutes", path, minimum=0, required=False),
        shifts=shifts,
    )


def _parse_client(r: _Reader, data: Any, path: str) -> Client:
    r.obj(data, path)
    history_raw = data.get("history") or {}
    if not isinstance(history_raw, dict):
        raise ProblemError(f"{path}.history", "expected an object of staff id -> count")
    history = {}
    for sid, _n in history_raw.items():
        history[sid] = r.integer(history_raw, sid, f"{path}.history", minimum=0)
    return Client(
        id=r.string(data, "id", path),
        location=r.string(data, "location", path),
        contact_staff=r.strings(data, "contact_staff", path),
        preferred_staff=r.strings(data, "preferred_staff", path),
        refused_staff=frozenset(r.strings(data, "refused_staff", path)),
        max_distinct_staff=r.integer(data, "max_distinct_staff", path, minimum=1, required=False),
        history=history,
    )


def _parse_visit(r: _Reader, data: Any, path: str) -> Visit:
    r.obj(data, path)
    earliest, latest = r.time(data, "earliest_start", path), r.time(data, "latest_start", path)
    if latest < earliest:
        raise ProblemError(path, "latest_start is before earliest_start")
    required = r.integer(data, "staff_required", path, default=1, minimum=1)
    if required > 2:
        raise ProblemError(f"{path}.staff_required", "must be 1 or 2")
    pins = []
    for i, p in enumerate(r.items(data, "pinned", path, required=False)):
        ppath = f"{path}.pinned[{i}]"
        r.obj(p, ppath)
        pins.append(
            Pin(
                staff=r.string(p, "staff", ppath),
                start=r.time(p, "start", ppath) if p.get("start") else None,
            )
        )
    previous = None
    if data.get("previous") is not None:
        prev = r.obj(data["previous"], f"{path}.previous")
        previous = Previous(
            staff=r.strings(prev, "staff", f"{path}.previous"),
            start=r.time(prev, "start", f"{path}.previous") if prev.get("start") else None,
        )
    return Visit(
        id=r.string(data, "id", path),
        client=r.string(data, "client", path),
        earliest_start=earliest,
        latest_start=latest,
        duration=r.integer(data, "duration", path, minimum=1),
        staff_required=required,
        skills=frozenset(r.strings(data, "skills", path)),
        kind=r.string(data, "kind", path, default=""),
        pinned=tuple(pins),
        previous=previous,
    )


def _parse_weights(r: _Reader, data: Any) -> dict[str, int]:
    r.obj(data, "weights")
    weights = dict(DEFAULT_WEIGHTS)
    for key in data:
        weights[key] = r.integer(data, key, "weights", minimum=0)
    return weights


def _check_references(p: Problem) -> None:
    """Every id a record names must exist (clear error instead of a KeyError later)."""
    locs = p.location_by_id
    if p.matrix is not None:
        locs = {**locs, **{i: None for i in p.matrix.ids}}
    for s in p.staff:
        if s.home is not None and s.home not in locs:
            raise ProblemError(f"staff[{s.id}].home", f"unknown location {s.home!r}")
    for c in p.clients:
        if c.location not in locs:
            raise ProblemError(f"clients[{c.id}].location", f"unknown location {c.location!r}")
        for key in ("contact_staff", "preferred_staff", "refused_staff"):
            for sid in getattr(c, key):
                if sid not in p.staff_by_id:
                    raise ProblemError(f"clients[{c.id}].{key}", f"unknown staff {sid!r}")
    for v in p.visits:
        if v.client not in p.client_by_id:
            raise ProblemError(f"visits[{v.id}].client", f"unknown client {v.client!r}")
        for pin in v.pinned:
            if pin.staff not in p.staff_by_id:
                raise ProblemError(f"visits[{v.id}].pinned", f"unknown staff {pin.staff!r}")
        if v.previous is not None:
            for sid in v.previous.staff:
                if sid not in p.staff_by_id:
                    raise ProblemError(f"visits[{v.id}].previous", f"unknown staff {sid!r}")


def load(path: str) -> Problem:
    """Read and parse a problem file; JSON syntax errors become ProblemError too."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ProblemError("problem", f"not valid JSON: {exc}") from None
    return parse(data)


def dump(p: Problem) -> dict:
    """The problem as PROBLEM-FORMAT.md JSON (inverse of :func:`parse`)."""
    t = p.to_text

    def shift(sh: Shift) -> dict:
        out = {"start": t(sh.start), "end": t(sh.end)}
        if sh.break_ is not None:
            out["break"] = {
                "earliest": t(sh.break_.earliest),
                "latest": t(sh.break_.latest),
                "minutes": sh.break_.minutes,
            }
        return out

    def staff(s: Staff) -> dict:
        out = {
            "id": s.id,
            "name": s.name,
            "skills": sorted(s.skills),
            "substitute": s.substitute,
            "shifts": [shift(sh) for sh in s.shifts],
        }
        if s.home is not None:
            out["home"] = s.home
        if s.max_minutes is not None:
            out["max_minutes"] = s.max_minutes
        return out

    def client(c: Client) -> dict:
        out = {
            "id": c.id,
            "location": c.location,
            "contact_staff": list(c.contact_staff),
            "preferred_staff": list(c.preferred_staff),
            "refused_staff": sorted(c.refused_staff),
            "history": dict(c.history),
        }
        if c.max_distinct_staff is not None:
            out["max_distinct_staff"] = c.max_distinct_staff
        return out

    def visit(v: Visit) -> dict:
        out = {
            "id": v.id,
            "client": v.client,
            "earliest_start": t(v.earliest_start),
            "latest_start": t(v.latest_start),
            "duration": v.duration,
            "staff_required": v.staff_required,
            "skills": sorted(v.skills),
            "kind": v.kind,
        }
        if v.pinned:
            out["pinned"] = [
                {"staff": pin.staff, **({"start": t(pin.start)} if pin.start is not None else {})}
                for pin in v.pinned
            ]
        if v.previous is not None:
            out["previous"] = {
                "staff": list(v.previous.staff),
                **({"start": t(v.previous.start)} if v.previous.start is not None else {}),
            }
        return out

    travel: dict = {
        "speed_kmh": p.travel.speed_kmh,
        "detour_factor": p.travel.detour_factor,
        "minimum_minutes": p.travel.minimum_minutes,
    }
    if p.matrix is not None:
        travel["matrix"] = {
            "ids": list(p.matrix.ids),
            "minutes": [list(row) for row in p.matrix.minutes],
        }
    return {
        "format": PROBLEM_FORMAT,
        "name": p.name,
        "horizon": {"start": p.horizon_start.isoformat(), "days": p.days},
        "travel": travel,
        "locations": [{"id": loc.id, "lat": loc.lat, "lon": loc.lon} for loc in p.locations],
        "staff": [staff(s) for s in p.staff],
        "clients": [client(c) for c in p.clients],
        "visits": [visit(v) for v in p.visits],
        "weights": dict(p.weights),
    }
