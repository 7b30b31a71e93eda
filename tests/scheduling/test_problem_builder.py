"""build_problem: the database as PROBLEM-FORMAT.md JSON that the solver's parser accepts."""

from datetime import date, datetime, timedelta

import pytest

from followup.service import record_outcome
from scheduling import plans
from scheduling.models import Assignment
from scheduling.problem_builder import REPLAN_CHANGE_WEIGHT, build_problem
from scheduling.solver.problem import DEFAULT_WEIGHTS, parse
from teams.models import Absence, StaffSkill
from tests import factories
from tests.scheduling.planning_world import hand_plan, small_team, visits_of

START = date(2026, 11, 23)


@pytest.fixture
def w(db):
    world = small_team(START)
    db.session.commit()
    return world


def test_problem_parses_with_prefixed_ids(w):
    data = build_problem(w.team, START, 3)
    problem = parse(data)
    assert data["format"] == "teamplan-problem/1"
    assert data["horizon"] == {"start": "2026-11-23", "days": 3}
    assert {s.id for s in problem.staff} == {f"s{s.id}" for s in w.staff}
    assert {c.id for c in problem.clients} == {f"c{c.id}" for c in w.clients}
    assert len(problem.visits) == 3 * 2 * 3
    assert all(s.home == "office" for s in problem.staff)
    assert data["weights"] == DEFAULT_WEIGHTS
    client = problem.client_by_id[f"c{w.clients[0].id}"]
    assert client.contact_staff == (f"s{w.staff[0].id}",)
    assert client.location == f"c{w.clients[0].id}-home"


def test_absence_removes_shifts(w, db):
    w.staff[1].absences.append(Absence(kind="sick", start_date=START, end_date=START))
    db.session.commit()
    staff = {s["id"]: s for s in build_problem(w.team, START, 3)["staff"]}
    shifts = staff[f"s{w.staff[1].id}"]["shifts"]
    assert [s["start"][:10] for s in shifts] == ["2026-11-24", "2026-11-25"]


def test_expired_delegation_is_left_out(w, db):
    w.staff[1].skills.append(StaffSkill(code="insulin", valid_until=START + timedelta(days=1)))
    db.session.commit()
    staff = {s["id"]: s for s in build_problem(w.team, START, 3)["staff"]}
    assert staff[f"s{w.staff[0].id}"]["skills"] == ["insulin"]
    assert staff[f"s{w.staff[1].id}"]["skills"] == []  # runs out inside the horizon


def test_history_previous_and_pins(w, db):
    earlier = START - timedelta(days=7)
    from scheduling.expand import expand_visits

    expand_visits(w.team, earlier, 3)
    old = plans.new_plan(w.team, earlier, 3, None)
    for v in visits_of(w.team):
        if v.date < START:
            db.session.add(Assignment(plan=old, visit=v, staff=w.staff[2], start=v.earliest_start))
    old.state = "published"
    published = hand_plan(w)
    draft = plans.new_draft_from(published)
    claimed = next(a for a in draft.assignments if a.staff_id == w.staff[1].id)
    claimed.source = "claimed"
    db.session.commit()

    data = build_problem(w.team, START, 3)
    parse(data)
    history = {c["id"]: c["history"] for c in data["clients"]}
    assert history[f"c{w.clients[0].id}"] == {f"s{w.staff[2].id}": 6}  # 2 visits x 3 days
    visits = {v["id"]: v for v in data["visits"]}
    pinned = visits[f"v{claimed.visit_id}"]["pinned"]
    assert pinned == [{"staff": f"s{w.staff[1].id}"}]
    some = visits[f"v{published.assignments[0].visit_id}"]
    assert some["previous"]["staff"] == [f"s{published.assignments[0].staff_id}"]


def test_history_counts_who_performed_the_visits(w, db):
    """The follow-up's performed visits (followup.records.performed_staff): a visit done by
    a substitute counts for the substitute, a cancelled or not done one for nobody, one
    with no outcome as published; a visit still to come counts for its published staff
    (an advance record that it will not take place: for nobody)."""
    from scheduling.expand import expand_visits

    earlier = START - timedelta(days=7)
    expand_visits(w.team, earlier, 3)
    sub = factories.make_staff(w.team, "Vik Vikarie", substitute=True)
    old = plans.new_plan(w.team, earlier, 3, None)
    for v in visits_of(w.team):
        if v.date < START:
            db.session.add(Assignment(plan=old, visit=v, staff=w.staff[2], start=v.earliest_start))
    old.state = "published"
    db.session.flush()
    first = [v for v in visits_of(w.team) if v.date < START and v.client_id == w.clients[0].id]
    later = datetime.combine(START, datetime.min.time())
    record_outcome(first[0], "done_by_other", None, done_by_id=sub.id,
                   replaced_id=w.staff[2].id, now=later)  # fmt: skip
    record_outcome(first[1], "cancelled", None, now=later)
    record_outcome(first[2], "not_done", None, now=later)
    db.session.commit()

    data = build_problem(w.team, START, 3, now=later)
    history = {c["id"]: c["history"] for c in data["clients"]}
    assert history[f"c{w.clients[0].id}"] == {f"s{sub.id}": 1, f"s{w.staff[2].id}": 3}
    assert history[f"c{w.clients[1].id}"] == {f"s{w.staff[2].id}": 6}  # no outcome: published
    before = datetime.combine(earlier, datetime.min.time())  # nothing has happened yet
    data = build_problem(w.team, START, 3, now=before)
    history = {c["id"]: c["history"] for c in data["clients"]}
    # The substitute's record is not believed before the start; cancelled and not done stay.
    assert history[f"c{w.clients[0].id}"] == {f"s{w.staff[2].id}": 4}
    assert history[f"c{w.clients[1].id}"] == {f"s{w.staff[2].id}": 6}


def test_pins_of_absent_staff_are_dropped(w, db):
    draft = hand_plan(w, state="draft")
    for a in draft.assignments:
        a.source = "claimed"
    w.staff[0].absences.append(Absence(kind="sick", start_date=START, end_date=START))
    db.session.commit()
    data = build_problem(w.team, START, 3)
    sick = f"s{w.staff[0].id}"
    for v in data["visits"]:
        if v["earliest_start"].startswith("2026-11-23"):
            assert all(p["staff"] != sick for p in v.get("pinned", []))


def test_replan_weights_changes_and_pins_started_visits(w, db):
    published = hand_plan(w)
    db.session.commit()
    from datetime import datetime

    now = datetime(2026, 11, 23, 10, 0)  # the morning visits have started
    data = build_problem(w.team, START, 1, replan_from=published, now=now)
    parse(data)
    assert data["weights"]["changed_from_previous"] == REPLAN_CHANGE_WEIGHT
    morning = [v for v in data["visits"] if v["kind"] == "morning"]
    assert morning and all(v["pinned"][0]["start"] for v in morning)
    lunch = [v for v in data["visits"] if v["kind"] == "lunch"]
    assert lunch and all("pinned" not in v and v["previous"] for v in lunch)


def test_cancelled_visits_and_absent_clients_are_left_out(w, db):
    from clients.models import ClientAbsence

    visits = visits_of(w.team, START)
    visits[0].cancelled = True
    w.clients[2].absences.append(ClientAbsence(kind="hospital", start_date=START, end_date=START))
    db.session.commit()
    ids = {v["id"] for v in build_problem(w.team, START, 1)["visits"]}
    assert f"v{visits[0].id}" not in ids
    assert not any(f"v{v.id}" in ids for v in visits if v.client_id == w.clients[2].id)


def test_staff_wishes_are_an_extra_field(w, db):
    from teams.wishes import Wish

    db.session.add(Wish(staff_id=w.staff[0].id, code="no_evenings", note="private"))
    db.session.commit()
    data = build_problem(w.team, START, 3)
    staff = {s["id"]: s for s in data["staff"]}
    assert staff[f"s{w.staff[0].id}"]["wishes"] == ["no_evenings"]
    assert "wishes" not in staff[f"s{w.staff[1].id}"]
    parse(data)
