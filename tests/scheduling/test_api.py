"""The JSON API: teams, problem, plan and clients; roles, other teams and bad parameters."""

from datetime import date

import pytest

from scheduling import jobs, plans
from scheduling.solver.plan import parse_plan
from scheduling.solver.problem import parse
from scheduling.solver.validate import check_plan
from tests.scheduling.planning_world import small_team

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
