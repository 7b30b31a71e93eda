"""A tiny hand-made problem and plan shared by the validator, metrics and baseline tests."""

from __future__ import annotations

from scheduling.solver.plan import Assignment, Plan, Unassigned

DAY = "2026-11-23"


def t(hhmm: str) -> str:
    return f"{DAY}T{hhmm}"


def minute(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def base_problem() -> dict:
    """office <-> A and office <-> B take 10 minutes, A <-> B 5."""
    return {
        "format": "teamplan-problem/1",
        "name": "tiny",
        "horizon": {"start": DAY, "days": 1},
        "travel": {
            "matrix": {
                "ids": ["office", "A", "B"],
                "minutes": [[0, 10, 10], [10, 0, 5], [10, 5, 0]],
            }
        },
        "locations": [],
        "staff": [
            {
                "id": "s1",
                "skills": ["insulin", "lift"],
                "home": "office",
                "max_minutes": 600,
                "shifts": [
                    {
                        "start": t("07:00"),
                        "end": t("15:30"),
                        "break": {"earliest": t("11:00"), "latest": t("13:00"), "minutes": 30},
                    }
                ],
            },
            {
                "id": "s2",
                "skills": ["lift"],
                "home": "office",
                "shifts": [
                    {
                        "start": t("07:00"),
                        "end": t("15:30"),
                        "break": {"earliest": t("11:00"), "latest": t("13:00"), "minutes": 30},
                    }
                ],
            },
            {"id": "s3", "home": "office", "shifts": [{"start": t("14:00"), "end": t("22:00")}]},
        ],
        "clients": [
            {"id": "cA", "location": "A", "contact_staff": ["s1"], "history": {"s1": 3}},
            {"id": "cB", "location": "B", "contact_staff": ["s2"], "preferred_staff": ["s2"]},
        ],
        "visits": [
            {
                "id": "v1",
                "client": "cA",
                "earliest_start": t("08:00"),
                "latest_start": t("09:00"),
                "duration": 30,
                "previous": {"staff": ["s2"]},
            },
            {
                "id": "v2",
                "client": "cB",
                "earliest_start": t("08:30"),
                "latest_start": t("10:00"),
                "duration": 30,
                "skills": ["insulin"],
            },
            {
                "id": "v3",
                "client": "cA",
                "earliest_start": t("13:00"),
                "latest_start": t("14:00"),
                "duration": 20,
                "staff_required": 2,
                "skills": ["lift"],
            },
        ],
    }


VALID = {"v1": (("s1",), "08:00"), "v2": (("s1",), "08:40"), "v3": (("s1", "s2"), "13:00")}


def make_plan(rows: dict, unassigned: tuple[str, ...] = ()) -> Plan:
    assignments = [Assignment(v, staff, minute(start)) for v, (staff, start) in rows.items()]
    return Plan("tiny", "FEASIBLE", assignments, [Unassigned(v, "test") for v in unassigned])


def staff_of(data: dict, sid: str) -> dict:
    return next(s for s in data["staff"] if s["id"] == sid)


def client_of(data: dict, cid: str) -> dict:
    return next(c for c in data["clients"] if c["id"] == cid)


def visit_of(data: dict, vid: str) -> dict:
    return next(v for v in data["visits"] if v["id"] == vid)


def person(sid: str, *shifts: tuple[str, str], skills: tuple[str, ...] = (), **extra) -> dict:
    """A staff member working the given (start, end) shifts of DAY, home at the office."""
    rows = [{"start": t(a), "end": t(b)} for a, b in shifts]
    return {"id": sid, "skills": list(skills), "home": "office", "shifts": rows, **extra}


def call(vid: str, cid: str, earliest: str, latest: str, duration: int = 30, **extra) -> dict:
    """A visit on DAY."""
    return {
        "id": vid,
        "client": cid,
        "earliest_start": t(earliest),
        "latest_start": t(latest),
        "duration": duration,
        **extra,
    }


def build(staff: list[dict], visits: list[dict], clients: list[dict] | None = None) -> dict:
    """A one-day problem; every client lives 5 minutes from the office and from each other."""
    cids = sorted({v["client"] for v in visits})
    clients = clients or [{"id": c, "location": c} for c in cids]
    ids = ["office", *[c["location"] for c in clients]]
    minutes = [[0 if i == j else 5 for j in range(len(ids))] for i in range(len(ids))]
    return {
        "format": "teamplan-problem/1",
        "name": "built",
        "horizon": {"start": DAY, "days": 1},
        "travel": {"matrix": {"ids": ids, "minutes": minutes}},
        "locations": [],
        "staff": staff,
        "clients": clients,
        "visits": visits,
    }
