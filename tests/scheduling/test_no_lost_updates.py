"""No lost updates (issue #6 item 3): two staff claiming the same visit at the same moment
on real concurrent PostgreSQL connections (exactly one wins, the other is told why), and a
solver result that arrives after a hand edit never hides the edit."""

import threading
import time

import pytest
import sqlalchemy as sa

from config import TestConfig
from extensions import db as _db
from scheduling import boardplan, edits, jobs, published
from scheduling.models import Plan, Visit
from teams.models import StaffMember, User
from tests import factories
from tests.concurrency import at_once
from tests.scheduling.board_world import board_world

ON_POSTGRES = TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")


@pytest.fixture
def w(app, db):
    with app.test_request_context():
        world = board_world()
        db.session.commit()
        yield world


def newest_plan(db) -> Plan:
    return db.session.scalars(sa.select(Plan).order_by(Plan.version.desc())).first()


def race(app, presses: dict[str, tuple[int, int, int, int]]) -> dict[str, str]:
    """Each name claims (visit id, version seen, staff id, user id) in its own thread, with
    its own session and connection, all released at the same moment by a barrier."""
    barrier = threading.Barrier(len(presses))
    outcome: dict[str, str] = {}

    def press(name: str) -> None:
        visit_id, seen, staff_id, user_id = presses[name]
        with app.app_context():  # its own session and connection
            try:
                visit = _db.session.get(Visit, visit_id)
                staff = _db.session.get(StaffMember, staff_id)
                user = _db.session.get(User, user_id)
                barrier.wait(timeout=10)
                result = edits.claim(visit, seen, staff, user)
                if result.applied:
                    _db.session.commit()
                    outcome[name] = "won"
                else:
                    _db.session.rollback()
                    outcome[name] = "refused"
            except edits.StaleEdit:
                _db.session.rollback()
                outcome[name] = "stale"
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=press, args=(n,)) for n in presses]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcome


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_claims_exactly_one_wins(app, w, db, attempt):
    """Bo and Cia press "claim" on the free lunch visit at the same moment."""
    visit_id, seen, team_id, day = w.lunch.id, w.lunch.version, w.team.id, w.day
    people = {"bo": (w.bo.id, w.users["bo"].id), "cia": (w.cia.id, w.users["cia"].id)}
    presses = {name: (visit_id, seen, *ids) for name, ids in people.items()}
    db.session.remove()  # the threads use their own connections; this one holds nothing
    outcome = race(app, presses)
    assert sorted(outcome.values()) == ["stale", "won"], outcome
    winner = next(n for n, o in outcome.items() if o == "won")
    plan = boardplan.current_plan(team_id, day)
    on_lunch = [a.staff_id for a in plan.assignments if a.visit_id == visit_id]
    assert on_lunch == [people[winner][0]]  # the winner's claim is there, exactly once
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 2  # one new draft only


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_claims_of_different_visits_both_land_in_one_draft(app, w, db, attempt):
    """Found by bench/load.py: two first edits of a published plan each copied it into a new
    draft, and the later draft hid the earlier one's claim. Now the second waits and edits
    the first one's draft."""
    team_id, day = w.team.id, w.day
    presses = {
        "bo": (w.lunch.id, w.lunch.version, w.bo.id, w.users["bo"].id),
        "anna": (w.morning.id, w.morning.version, w.anna.id, w.users["anna"].id),
    }
    db.session.remove()
    outcome = race(app, presses)
    assert outcome == {"bo": "won", "anna": "won"}
    plan = boardplan.current_plan(team_id, day)
    held = {(a.visit_id, a.staff_id) for a in plan.assignments}
    assert {(v, s) for v, _seen, s, _u in presses.values()} <= held
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 2  # one new draft only


def test_the_late_claimer_gets_a_clear_message(w, client, db):
    """The loser's request carries the version it saw: refused, in Swedish, nothing written."""
    seen = w.lunch.version
    assert edits.claim(w.lunch, seen, w.bo, w.users["bo"]).applied
    db.session.commit()
    client.post(
        "/login", data={"username": w.users["cia"].username, "password": factories.PASSWORD}
    )
    response = client.post(
        f"/visits/{w.lunch.id}/claim", data={"version": seen}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Någon annan hann ändra besöket" in page
    plan = newest_plan(db)
    assert [a.staff_id for a in plan.assignments if a.visit_id == w.lunch.id] == [w.bo.id]


def test_a_solver_result_after_a_claim_does_not_hide_the_claim(w, db):
    run = jobs.start_run(w.team, w.plan.horizon_start, 7, w.users["anna"], time_limit_s=1)
    db.session.commit()
    assert edits.claim(w.lunch, w.lunch.version, w.bo, w.users["bo"]).applied
    db.session.commit()
    claimed = newest_plan(db)

    run = jobs.run_solver(run.id, workers=1)
    assert (run.state, run.error_code, run.plan_id) == ("failed", "plan_changed", None)
    assert newest_plan(db).id == claimed.id  # the board still shows the claim
    assert w.bo.id in {a.staff_id for a in claimed.assignments if a.visit_id == w.lunch.id}


def test_a_solver_result_without_edits_meanwhile_is_stored(w, db):
    run = jobs.start_run(w.team, w.plan.horizon_start, 7, w.users["anna"], time_limit_s=1)
    db.session.commit()
    run = jobs.run_solver(run.id, workers=1)
    assert run.state == "done" and run.plan_id == newest_plan(db).id


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
def test_two_writers_that_logged_an_audit_event_both_get_the_team_lock(app, w, db):
    """Found on gunicorn: the lead's "Spara" on a care need, sent twice, deadlocked (a 500).
    Each request had written an audit event of the team (its foreign key holds a KEY SHARE
    lock on the team's row) before it asked for the team lock; a FOR UPDATE lock waits for
    every KEY SHARE, so each waited for the other. The team lock is a lock between its own
    takers (FOR NO KEY UPDATE) and lets foreign keys to the team be."""
    import audit

    team_id = w.team.id
    db.session.remove()

    def write(wait) -> None:
        team = _db.session.get(type(w.team), team_id)
        audit.log("test.write", team, team_id=team_id)
        wait()
        published.lock_team(team_id)
        _db.session.commit()

    assert at_once(app, write, write) == [None, None]


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
def test_a_claim_while_the_draft_is_published_goes_into_a_new_draft(app, w, db, monkeypatch):
    """The lead publishes the team's draft while Cia claims the free lunch visit. The claim
    waits for the publication, then lands in a new draft built on it: the version just
    published keeps what the lead published (an edit of a draft took no lock, so the claim
    went into the published version)."""
    from scheduling import plans

    draft = edits.claim(w.lars_visit, w.lars_visit.version, w.bo, w.users["bo"]).plan
    db.session.commit()  # Bo's claim of Lars made the team's draft
    ids = {"draft": draft.id, "lead": w.users["lead"].id, "lunch": w.lunch.id,
           "cia": w.cia.id, "cia_user": w.users["cia"].id}  # fmt: skip
    db.session.remove()
    real_stale = plans.stale_days

    def slow_stale(plan):  # the publication holds the team lock a while
        time.sleep(1.0)
        return real_stale(plan)

    monkeypatch.setattr(plans, "stale_days", slow_stale)

    def publish(wait) -> str:
        plan = _db.session.get(Plan, ids["draft"])
        lead = _db.session.get(User, ids["lead"])
        wait()
        plans.publish_plan(plan, lead)
        _db.session.commit()
        return "published"

    def claim(wait) -> int:
        visit = _db.session.get(Visit, ids["lunch"])
        cia = _db.session.get(StaffMember, ids["cia"])
        user = _db.session.get(User, ids["cia_user"])
        wait()
        time.sleep(0.3)  # the publication has the lock by now
        result = edits.claim(visit, visit.version, cia, user)
        assert result.applied, result.conflicts
        _db.session.commit()
        return result.plan.id

    done, claimed_in = at_once(app, publish, claim)
    assert done == "published", done
    assert claimed_in != ids["draft"], "the claim went into the version being published"
    published_plan = db.session.get(Plan, ids["draft"])
    assert published_plan.state == "published"
    assert ids["lunch"] not in {a.visit_id for a in published_plan.assignments}
    newer = db.session.get(Plan, claimed_in)
    assert newer.state == "draft" and newer.version > published_plan.version
    assert (ids["lunch"], ids["cia"]) in {(a.visit_id, a.staff_id) for a in newer.assignments}
