"""The JSON API: teams, problem, plan and clients; roles, other teams and bad parameters."""

from datetime import date, timedelta

import pytest

from scheduling import jobs, plans
from scheduling.models import Assignment
from scheduling.solver.plan import parse_plan
from scheduling.solver.problem import parse
from scheduling.solver.validate import check_plan
from tests.scheduling.planning_world import hand_plan, small_team, visits_of

START = date(2026, 11, 23)
QUERY = "start=2026-11-23&days=3"


@pytest.fixture
def w(db, world):
    small = small_team(START)
    db.session.commit()
    return small


def test_teams_lists_own_team_or_all(w, world, client, auth):
    auth.login("lead-liten")
    assert client.get("/api/teams").json == [{"id": w.team.id, "name": "Team Liten"}]
    auth.logout()
    auth.login("eval")
    assert len(client.get("/api/teams").json) == 3


def test_problem_as_json(w, client, auth):
    auth.login("staff-liten")
    response = client.get(f"/api/teams/{w.team.id}/problem?{QUERY}")
    assert response.status_code == 200
    problem = parse(response.json)
    assert len(problem.visits) == 18 and problem.days == 3


@pytest.mark.parametrize(
    "query",
    ["start=23-11-2026&days=3", "start=2026-02-30", "days=0", "days=29", "days=x", "start="],
)
def test_bad_parameters_are_400(w, client, auth, query):
    auth.login("lead-liten")
    response = client.get(f"/api/teams/{w.team.id}/problem?{query}")
    assert response.status_code == 400 and "error" in response.json


def test_bad_state_is_400(w, client, auth):
    auth.login("lead-liten")
    response = client.get(f"/api/teams/{w.team.id}/plan?{QUERY}&state=old")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["problem", "plan", "clients"])
def test_other_team_is_404_and_evaluator_403(w, world, client, auth, path):
    auth.login("lead-a")
    assert client.get(f"/api/teams/{w.team.id}/{path}?{QUERY}").status_code == 404
    auth.logout()
    auth.login("eval")
    response = client.get(f"/api/teams/{w.team.id}/{path}?{QUERY}")
    assert response.status_code == 403 and response.json == {"error": "forbidden"}


def test_clients_with_name_and_address(w, client, auth):
    auth.login("lead-liten")
    rows = client.get(f"/api/teams/{w.team.id}/clients").json
    assert {r["name"] for r in rows} == {"Klara Ros", "Olle Gran", "Maja Al"}
    assert all(r["id"].startswith("c") and r["address"] for r in rows)


def test_no_plan_is_404(w, client, auth):
    auth.login("lead-liten")
    assert client.get(f"/api/teams/{w.team.id}/plan?{QUERY}").status_code == 404


def test_published_plan_from_the_api_validates(w, db, client, auth):
    """The done-when check on a small seeded team: solve, publish, fetch both, validate."""
    run = jobs.run_solver(jobs.start_run(w.team, START, 3, w.lead, 1).id, workers=1)
    plans.publish_plan(run.plan, w.lead)
    db.session.commit()
    auth.login("lead-liten")
    problem_json = client.get(f"/api/teams/{w.team.id}/problem?{QUERY}").json
    plan_response = client.get(f"/api/teams/{w.team.id}/plan?{QUERY}&state=published")
    assert plan_response.json["format"] == "teamplan-plan/1"
    problem = parse(problem_json)
    plan = parse_plan(plan_response.json, problem)
    assert check_plan(problem, plan) == []
    assert len(plan.assignments) + len(plan.unassigned) == len(problem.visits)
    assert client.get(f"/api/teams/{w.team.id}/plan?{QUERY}&state=draft").status_code == 404


def test_without_login_401(w, client):
    response = client.get("/api/teams")
    assert response.status_code == 401 and response.json == {"error": "login required"}
    assert client.get("/teams/1/plans").status_code == 302  # pages still go to the login form


# ---------------------------------------------------------------------------------
# what is published for each day (scheduling/published.py), as the pages show it


@pytest.fixture
def fortnight(db, world):
    """A 14-day plan published (each client's contact person), then a newer version for
    days 3-4 only (a sick-call re-plan) that gives each client the next colleague."""
    w = small_team(START, days=14)
    w.older = hand_plan(w)
    w.newer = plans.new_plan(w.team, START + timedelta(days=3), 2, w.lead)
    for v in visits_of(w.team):
        if w.newer.horizon_start <= v.date < w.newer.horizon_start + timedelta(days=2):
            contact = w.staff.index(v.client.contact_staff[0])
            staff = w.staff[(contact + 1) % len(w.staff)]
            start = v.earliest_start + timedelta(minutes=30)  # time to get there
            db.session.add(Assignment(plan=w.newer, visit=v, staff=staff, start=start))
    db.session.flush()
    plans.publish_plan(w.newer, w.lead)
    db.session.commit()
    return w


def staff_by_day(answer: dict) -> dict[str, set[tuple[str, tuple]]]:
    """ISO day -> {(visit, staff)} of a plan answer."""
    out: dict[str, set] = {}
    for a in answer["assignments"]:
        out.setdefault(a["start"][:10], set()).add((a["visit"], tuple(a["staff"])))
    return out


def rows_by_day(plan) -> dict[str, set[tuple[str, tuple]]]:
    out: dict[str, set] = {}
    for a in plan.assignments:
        out.setdefault(a.visit.date.isoformat(), set()).add((f"v{a.visit_id}", (f"s{a.staff_id}",)))
    return out


def test_published_plan_is_the_newest_published_version_of_each_day(fortnight, client, auth):
    w = fortnight
    auth.login("staff-liten")
    answer = client.get(f"/api/teams/{w.team.id}/plan?start=2026-11-23&days=14").json
    older, newer = rows_by_day(w.older), rows_by_day(w.newer)
    expected = {day: newer.get(day, rows) for day, rows in older.items()}
    assert staff_by_day(answer) == expected and len(expected) == 14
    assert answer["unassigned"] == []
    days = [(START + timedelta(days=d)).isoformat() for d in range(14)]
    newer_days = {"2026-11-26", "2026-11-27"}
    assert answer["metrics"]["versions"] == {
        day: w.newer.version if day in newer_days else w.older.version for day in days
    }
    assert answer["metrics"]["state"] == "published"
    assert answer["metrics"]["plan_version"] == w.newer.version
    problem_json = client.get(f"/api/teams/{w.team.id}/problem?start=2026-11-23&days=14").json
    problem = parse(problem_json)
    assert check_plan(problem, parse_plan(answer, problem)) == []


def test_days_with_nothing_published_are_unassigned(fortnight, client, auth):
    w = fortnight
    auth.login("staff-liten")
    answer = client.get(f"/api/teams/{w.team.id}/plan?start=2026-12-05&days=4").json
    versions = answer["metrics"]["versions"]
    assert versions == {
        "2026-12-05": w.older.version, "2026-12-06": w.older.version,
        "2026-12-07": None, "2026-12-08": None,
    }  # fmt: skip
    assert set(staff_by_day(answer)) == {"2026-12-05", "2026-12-06"}
    later = client.get(f"/api/teams/{w.team.id}/plan?start=2026-12-07&days=4")
    assert later.status_code == 404


def test_only_the_newer_days_published(fortnight, client, auth):
    """A horizon inside the newer version's days answers from it alone, as one version."""
    w = fortnight
    auth.login("staff-liten")
    answer = client.get(f"/api/teams/{w.team.id}/plan?start=2026-11-26&days=2").json
    assert staff_by_day(answer) == rows_by_day(w.newer)
    assert set(answer["metrics"]["versions"].values()) == {w.newer.version}


def test_draft_is_the_newest_draft_as_one_version(fortnight, db, client, auth):
    """A draft is built day by day on what is published: the newer version's days included."""
    w = fortnight
    draft = plans.new_draft_from(w.older, w.lead)
    db.session.commit()
    auth.login("staff-liten")
    answer = client.get(f"/api/teams/{w.team.id}/plan?start=2026-11-23&days=14&state=draft").json
    published = client.get(f"/api/teams/{w.team.id}/plan?start=2026-11-23&days=14").json
    assert staff_by_day(answer) == staff_by_day(published)
    assert set(answer["metrics"]["versions"].values()) == {draft.version}
    assert answer["metrics"]["state"] == "draft"
