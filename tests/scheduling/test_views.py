"""Plan pages: propose (run in this request for tests), progress, publish policy, diff,
sick call."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from audit import AuditEvent
from scheduling import plans
from scheduling.models import Plan, SolverRun
from tests.scheduling.planning_world import hand_plan, small_team
from timeutil import local_today


@pytest.fixture
def w(app, db):
    app.config["SOLVER_LAUNCH"] = "inline"
    app.config["SOLVER_TIME_LIMIT_S"] = 1
    small = small_team(local_today())
    db.session.commit()
    return small


def test_any_member_proposes_a_plan(w, client, auth, db):
    auth.login("staff-liten")
    assert client.get(f"/teams/{w.team.id}/plans").status_code == 200
    start = local_today().isoformat()
    response = client.post(f"/teams/{w.team.id}/plans/propose", data={"start": start, "days": 3})
    run = db.session.scalar(sa.select(SolverRun))
    assert response.headers["Location"].endswith(f"/runs/{run.id}")
    assert run.state == "done" and run.plan.state == "draft"
    assert client.get(f"/runs/{run.id}").status_code == 200
    progress = client.get(f"/runs/{run.id}/progress").json
    assert progress["state"] == "done" and progress["fraction"] == 1.0
    assert progress["plan_url"].endswith(f"/plans/{run.plan_id}")
    assert client.get(f"/plans/{run.plan_id}").status_code == 200


def test_bad_proposal_form_changes_nothing(w, client, auth, db):
    auth.login("staff-liten")
    client.post(f"/teams/{w.team.id}/plans/propose", data={"start": "x", "days": 99})
    assert db.session.scalar(sa.select(sa.func.count(SolverRun.id))) == 0


def test_a_refused_proposal_keeps_what_was_typed_and_says_why(w, client, auth, db):
    """Days out of range: the form comes back with the typed start and days and the field's
    error, not with the defaults (sent again, those planned other days than the ones typed)."""
    auth.login("staff-liten")
    start = (local_today() + timedelta(days=8)).isoformat()
    response = client.post(f"/teams/{w.team.id}/plans/propose", data={"start": start, "days": 30})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'value="{start}"' in html and 'value="30"' in html
    assert "Välj mellan 1 och 28 dagar." in html and "Rätta till de markerade fälten." in html
    assert db.session.scalar(sa.select(sa.func.count(SolverRun.id))) == 0


def test_cancel_a_queued_run(w, app, client, auth, db):
    app.config["SOLVER_LAUNCH"] = "none"
    auth.login("staff-liten")
    client.post(
        f"/teams/{w.team.id}/plans/propose", data={"start": local_today().isoformat(), "days": 3}
    )
    run = db.session.scalar(sa.select(SolverRun))
    assert run.state == "queued"
    client.post(f"/runs/{run.id}/cancel")
    db.session.refresh(run)
    assert run.state == "cancelled"
    assert client.get(f"/runs/{run.id}/progress").json["state"] == "cancelled"


@pytest.mark.parametrize("policy, user, published", [
    ("any_member", "staff-liten", True),
    ("lead", "staff-liten", False),
    ("lead", "lead-liten", True),
])  # fmt: skip
def test_publish_follows_the_team_policy(w, client, auth, db, policy, user, published):
    w.team.publish_policy = policy
    draft = hand_plan(w, state="draft")
    db.session.commit()
    auth.login(user)
    client.post(f"/plans/{draft.id}/publish")
    db.session.refresh(draft)
    assert (draft.state == "published") is published
    events = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert ("plan.publish" in events) is published


def test_other_team_and_evaluator_cannot_see_plans(w, world, client, auth, db):
    draft = hand_plan(w, state="draft")
    db.session.commit()
    auth.login("lead-a")
    assert client.get(f"/plans/{draft.id}").status_code == 404
    assert client.post(f"/plans/{draft.id}/publish").status_code == 404
    auth.logout()
    auth.login("eval")
    assert client.get(f"/plans/{draft.id}").status_code == 403


def test_new_draft_and_diff_show_changes_to_my_week(w, client, auth, db):
    published = hand_plan(w)
    draft = plans.new_draft_from(published)
    moved = next(a for a in draft.assignments if a.staff_id == w.staff[1].id)
    moved.start += timedelta(minutes=15)
    gone = next(a for a in draft.assignments if a.staff_id == w.staff[2].id)
    gone.staff_id = w.staff[1].id
    db.session.commit()
    changes = {c.staff.id: c for c in plans.diff_plans(published, draft)}
    assert len(changes[w.staff[1].id].moved) == 1 and len(changes[w.staff[1].id].added) == 1
    assert len(changes[w.staff[2].id].removed) == 1 and w.staff[0].id not in changes
    auth.login("staff-liten")  # staff[1]
    page = client.get(f"/plans/{draft.id}/diff").get_data(as_text=True)
    assert "Ändringar i min vecka" in page and "Flyttat" in page


def test_sick_call_replans_only_the_affected_days(w, client, auth, db):
    published = hand_plan(w)
    db.session.commit()
    today = local_today()
    sick = w.staff[2]
    auth.login("lead-liten")
    response = client.post(
        f"/teams/{w.team.id}/sick-call", data={"staff_id": sick.id, "day": today.isoformat()}
    )
    assert response.status_code == 302
    run = db.session.scalar(sa.select(SolverRun))
    assert run.mode == "replan" and run.days == 1 and run.state == "done", run.error_detail
    draft = run.plan
    assert draft.state == "draft" and draft.based_on_id == published.id
    assert [a.kind for a in sick.absences] == ["sick"]
    replanned = {plans.key_id(v["id"]) for v in run.problem["visits"] if "pinned" not in v}
    assert all(a.staff_id != sick.id for a in draft.assignments if a.visit_id in replanned)
    assert {plans.key_id(v["id"]) for v in run.problem["visits"]} <= {
        a.visit_id for a in draft.assignments
    }
    later = lambda plan: sorted(  # noqa: E731
        (a.visit_id, a.staff_id, a.start) for a in plan.assignments if a.start.date() > today
    )
    assert later(draft) == later(published)  # other days kept unchanged


def test_sick_call_without_published_plan_still_records_the_absence(w, client, auth, db):
    auth.login("lead-liten")
    client.post(
        f"/teams/{w.team.id}/sick-call",
        data={"staff_id": w.staff[2].id, "day": local_today().isoformat()},
    )
    assert [a.kind for a in w.staff[2].absences] == ["sick"]
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 0


def test_sick_call_is_for_the_lead(w, client, auth):
    auth.login("staff-liten")
    assert client.get(f"/teams/{w.team.id}/sick-call").status_code == 403


def test_diff_covers_only_the_days_both_versions_plan(w, db):
    published = hand_plan(w)
    later = plans.new_plan(w.team, w.start + timedelta(days=1), 2, None)
    for a in published.assignments:
        if a.visit.date > w.start:
            plans.copy_assignment(a, later)
    db.session.commit()
    assert plans.diff_plans(published, later) == []  # day one is outside the new version


def test_plan_page_says_why_a_visit_has_no_staff(w, client, auth, db):
    draft = hand_plan(w, state="draft")
    left = draft.assignments[0]
    draft.solver_unassigned = [{"visit": f"v{left.visit_id}", "code": "max_minutes", "data": {}}]
    db.session.delete(left)
    db.session.commit()
    auth.login("staff-liten")
    page = client.get(f"/plans/{draft.id}").get_data(as_text=True)
    assert "Obemannade besök" in page and "arbetstid" in page


def _queued_run(w, app, client, db, days=1) -> SolverRun:
    """A run proposed through the page and left queued (no solver process starts)."""
    app.config["SOLVER_LAUNCH"] = "none"
    client.post(
        f"/teams/{w.team.id}/plans/propose",
        data={"start": local_today().isoformat(), "days": days},
    )
    return db.session.scalar(sa.select(SolverRun))


def test_run_page_reloads_itself_without_javascript_while_the_run_works(w, app, client, auth, db):
    auth.login("staff-liten")
    run = _queued_run(w, app, client, db)
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert "Ladda om nu" in page and "Kontinuitet hittills" in page
    assert "1 dag</small>" in page  # one day, not "1 dagar"
    run.state, run.progress = "done", {"continuity": 2.5, "elapsed_s": 3}
    db.session.commit()
    page = client.get(f"/runs/{run.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "Ladda om nu" not in page
    assert "Kontinuitet hittills" not in page and "<dt" in page and ">Kontinuitet</dt>" in page
    assert 'value="1.0"' in page  # the bar is full once the run has ended


def test_run_page_counts_days_in_the_plural(w, app, client, auth, db):
    auth.login("staff-liten")
    run = _queued_run(w, app, client, db, days=3)
    assert "3 dagar</small>" in client.get(f"/runs/{run.id}").get_data(as_text=True)


def test_plan_without_staffed_visits_shows_continuity_as_a_dash(w, client, auth, db):
    draft = plans.new_plan(w.team, w.start, 1, None)
    draft.solver_metrics = {"continuity": 0.0}
    db.session.commit()
    auth.login("lead-liten")
    page = client.get(f"/plans/{draft.id}").get_data(as_text=True)
    assert "<dt>Kontinuitet</dt><dd>–</dd>" in page
    assert "1 dag</small>" in page
    listing = client.get(f"/teams/{w.team.id}/plans").get_data(as_text=True)
    assert "1 dag</td>" in listing and ">–</td>" in listing


def _draft_with_one_unstaffed_visit(w, db) -> Plan:
    draft = hand_plan(w, state="draft")
    left = draft.assignments[0]
    day = left.visit.date.isoformat()
    draft.solver_unassigned = [
        {
            "visit": f"v{left.visit_id}",
            "code": "no_staff_on_shift",
            "data": {"day": day, "window": "07:00-08:00"},
        }
    ]
    db.session.delete(left)
    db.session.commit()
    return draft


def test_unstaffed_reason_reads_as_a_day_and_a_time(w, client, auth, db):
    draft = _draft_with_one_unstaffed_visit(w, db)
    auth.login("lead-liten")
    page = client.get(f"/plans/{draft.id}").get_data(as_text=True)
    assert "ingen personal har pass" in page and "07:00–08:00" in page
    assert "07:00-08:00" not in page and f"pass {w.start.isoformat()}" not in page


def test_publishing_a_draft_with_unstaffed_visits_needs_an_explicit_tick(w, client, auth, db):
    draft = _draft_with_one_unstaffed_visit(w, db)
    auth.login("lead-liten")
    page = client.get(f"/plans/{draft.id}").get_data(as_text=True)
    assert "1 besök i utkastet saknar personal" in page and "Publicera ändå" in page
    assert 'name="unstaffed_ok" value="1" required' in page
    response = client.post(f"/plans/{draft.id}/publish", follow_redirects=True)
    assert "1 besök skulle bli utan personal" in response.get_data(as_text=True)
    client.post(f"/plans/{draft.id}/publish", data={"unstaffed_ok": "2"})  # another count
    db.session.refresh(draft)
    assert draft.state == "draft"
    client.post(f"/plans/{draft.id}/publish", data={"unstaffed_ok": "1"})
    db.session.refresh(draft)
    assert draft.state == "published"


def test_a_fully_staffed_draft_publishes_with_one_tap(w, client, auth, db):
    draft = hand_plan(w, state="draft")
    db.session.commit()
    auth.login("lead-liten")
    page = client.get(f"/plans/{draft.id}").get_data(as_text=True)
    assert "Publicera ändå" not in page and "unstaffed_ok" not in page
    client.post(f"/plans/{draft.id}/publish")
    db.session.refresh(draft)
    assert draft.state == "published"
