"""A visit counts as performed only once its time has come, never in the future (DOMAIN.md §2:
performed figures come from what happened, planned figures separately). The clock is fixed
by an explicit `as_of` on records and by patching followup.service.local_now in the app."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from followup import dashboards, service
from followup.continuity import continuity
from followup.models import VisitOutcome
from followup.records import ClientRecord, Outcome, StaffRecord, VisitRecord, Window
from followup.workload import contact_share, day_changes, punctuality, substitute_use
from scheduling.models import Visit
from tests.followup.conftest import START

NOW = datetime(2026, 11, 8, 12, 0)  # day 7 of the pilot fixture's fortnight, at noon
STAFF = [StaffRecord(s) for s in "ABC"]


def record(vid, day, hour, staff=("A",), outcome=None, as_of=NOW, client="c1", minute=0):
    at = datetime.combine(START + timedelta(days=day), datetime.min.time()).replace(
        hour=hour, minute=minute
    )
    return VisitRecord(
        id=vid, client=client, day=at.date(), earliest=at - timedelta(minutes=15),
        latest=at + timedelta(minutes=15), duration_min=30, kind="morning",
        planned_staff=tuple(staff), planned_start=at, outcome=outcome, as_of=as_of,
    )  # fmt: skip


def test_a_visit_still_to_come_is_planned_not_performed():
    past, later_today, tomorrow = (
        record("p", 6, 8),
        record("t", 6, 21, minute=28),
        record("f", 7, 8),
    )
    assert past.performed() and past.staff("performed") == ("A",)
    for v in (later_today, tomorrow):
        assert not v.performed() and v.staff("performed") == ()
        assert v.staff("planned") == ("A",) and v.start("planned") == v.planned_start
    assert record("edge", 6, 12).performed()  # starts exactly now: it has started


def test_no_outcome_makes_a_future_visit_performed():
    done = record("d", 6, 21, outcome=Outcome("done"))
    other = record("o", 7, 8, outcome=Outcome("done_by_other", done_by="B"))
    for v in (done, other):
        assert not v.performed() and v.staff("performed") == () and v.outcome_kind() is None
    # Moved to a time that has passed (done early): performed at the moved time.
    early = record("e", 6, 21, outcome=Outcome("moved", moved_start=datetime(2026, 11, 8, 10)))
    assert early.performed() and early.outcome_kind() == "moved"
    # Moved into the future: recorded, but not performed yet.
    late = record("l", 6, 8, outcome=Outcome("moved", moved_start=datetime(2026, 11, 8, 15)))
    assert not late.performed() and late.outcome_kind() == "moved"
    assert record("c", 7, 8, outcome=Outcome("cancelled")).outcome_kind() == "cancelled"


def test_continuity_and_workload_count_only_what_has_happened():
    window = Window(START, 14)
    visits = [record(f"{d}-{h}", d, h, ("A",) if h == 8 else ("B",)) for d in range(14)
              for h in (8, 17)]  # fmt: skip
    visits.append(record("sub", 10, 9, ("C",)))  # a substitute, in the future
    clients = [ClientRecord("c1", 1940, contact_staff=frozenset({"A"}))]
    staff = [StaffRecord("A"), StaffRecord("B"), StaffRecord("C", substitute=True)]
    planned = continuity(visits, clients, staff, window, "planned")
    performed = continuity(visits, clients, staff, window, "performed")
    assert planned.per_client == {"c1": 3}
    assert performed.eligible_clients == 0 and performed.all_clients == {"c1": 2}
    # Performed visits: days 0-5 both, day 6 the 08:00 one: 13, 7 of them with contact A.
    assert contact_share(visits, clients, window) == pytest.approx(7 / 13)
    assert substitute_use(visits, staff, window) == {"share": 0.0, "distinct_substitutes": 0}
    assert punctuality(visits, window) == 1.0
    assert day_changes(visits, window) == {"done": 13}


def visits_csv(payload: bytes) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        text = z.read("visits.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def summary_csv(payload: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        text = z.read("summary.csv").decode("utf-8-sig")
    return {row["metric"]: row["value"] for row in csv.DictReader(io.StringIO(text))}


def test_export_leaves_visits_still_to_come_unperformed(pilot, auth, client, db, monkeypatch):
    monkeypatch.setattr(service, "local_now", lambda: NOW)
    # A "done" recorded for this evening's visit before it started (as the old page allowed).
    evening = db.session.scalar(
        sa.select(Visit).where(Visit.date == NOW.date(), Visit.kind == "evening")
    )
    db.session.add(VisitOutcome(visit_id=evening.id, kind="done"))
    db.session.commit()
    auth.login("eval")
    r = client.get(f"/followup/export?team={pilot.team_a.id}&start={START}&days=14&format=csv")
    rows = visits_csv(r.data)
    assert len(rows) == 43  # 3 visits a day for 14 days and one alarm
    # Day 7 = 8 November: the 08:00 and 09:00 visits have happened, the 18:00 one has not.
    future = [x for x in rows if int(x["day"]) > 7 or (x["day"] == "7" and x["kind"] == "evening")]
    assert len(future) == 22
    for row in future:
        assert row["performed_start"] == "" and row["performed_staff"] == "", row
        assert row["planned_start"] and row["planned_staff"] and row["outcome"] == ""
    past = [x for x in rows if x not in future]
    assert all(x["performed_start"] and x["performed_staff"] for x in past)
    summary = summary_csv(r.data)
    assert summary["visits_planned"] == "43" and summary["visits_performed"] == "21"
    assert summary["outcome_done"] == "21"
    assert summary["continuity_performed_eligible_clients"] == "0"
    assert summary["continuity_planned_mean"] == "2.00"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        assert "Performed as of: 2026-11-08 12:00" in z.read("data_dictionary.txt").decode()


def test_lead_dashboard_counts_the_last_14_whole_days(pilot, app, db, monkeypatch):
    """On 16 November before any visit, the last 14 days are 2-15 November (all performed);
    today, which has not happened yet, is not one of them."""
    today = START + timedelta(days=14)
    monkeypatch.setattr(dashboards, "local_today", lambda: today)
    monkeypatch.setattr(service, "local_now", lambda: datetime.combine(today, datetime.min.time()))
    with app.test_request_context():
        view = dashboards.lead_view(pilot.team_a)
    assert (view["now"].start, view["now"].dates()[-1]) == (START, date(2026, 11, 15))
    figures = view["summary_now"]["continuity_performed"]
    assert figures["mean"] == 2 and figures["eligible_clients"] == 1


def test_an_unplanned_visit_done_by_someone_counts_at_its_earliest_start():
    """Before, its performed start was None and punctuality (and the lead's page) raised."""
    v = record("u", 6, 8, staff=(), outcome=Outcome("done_by_other", done_by="B"))
    v = VisitRecord(**{**v.__dict__, "planned_start": None})
    assert v.start("planned") is None and v.start("performed") == v.earliest
    assert v.performed() and v.staff("performed") == ("B",)
    assert punctuality([v], Window(START, 14)) == 1.0
    later = VisitRecord(**{**v.__dict__, "as_of": v.earliest - timedelta(minutes=1)})
    assert not later.performed()
