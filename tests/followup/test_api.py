"""GET /api/followup/continuity: shape, figures and who may ask."""

from collections import defaultdict
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scheduling.models import Assignment, Plan, Visit
from tests.followup.conftest import START

URL = "/api/followup/continuity?team={team}&start=2026-11-02&days=14&basis={basis}"


def test_continuity_api_shape_and_figures(pilot, auth, client):
    auth.login("eval")
    body = client.get(URL.format(team=pilot.team_a.id, basis="planned")).get_json()
    assert set(body) >= {"mean", "median", "share_over_20", "eligible_clients",
                         "all_clients_mean", "clients"}  # fmt: skip
    # Klient A met Sara and Lena (the alarm does not count); Yngve is too young.
    assert body["eligible_clients"] == 1 and body["mean"] == 2 and body["median"] == 2
    assert body["share_over_20"] == 0
    assert body["clients"] == [{"client": body["clients"][0]["client"], "distinct_staff": 2}]
    assert body["clients"][0]["client"].startswith("K")
    # All clients: Klient A 3 (with the substitute's alarm), Yngve 1.
    assert body["all_clients_mean"] == 2.0
    text = client.get(URL.format(team=pilot.team_a.id, basis="performed")).get_data(as_text=True)
    assert "Klient" not in text and "Sara" not in text and "Storgatan" not in text


def test_all_clients_mean_equals_recount_from_assignments(pilot, auth, client, db):
    """Independent recount from the Assignment rows of the published plan (the plan API of
    the scheduling package did not exist yet when this was written)."""
    staff_per_client = defaultdict(set)
    rows = db.session.execute(
        Assignment.__table__.join(Visit.__table__, Visit.id == Assignment.visit_id)
        .join(Plan.__table__, Plan.id == Assignment.plan_id)
        .select()
        .with_only_columns(Visit.client_id, Assignment.staff_id)
        .where(
            Plan.state == "published", Visit.date >= START, Visit.date < START + timedelta(days=14)
        )  # fmt: skip
    )
    for client_id, staff_id in rows:
        staff_per_client[client_id].add(staff_id)
    expected = sum(len(s) for s in staff_per_client.values()) / len(staff_per_client)
    auth.login("lead-a")
    body = client.get(URL.format(team=pilot.team_a.id, basis="planned")).get_json()
    assert body["all_clients_mean"] == expected


def test_performed_basis_follows_recorded_outcomes(pilot, after_the_fortnight, auth, client, db):
    from followup import service

    visits = db.session.scalars(
        Visit.__table__.select().where(
            Visit.client_id == pilot.client_a.id, Visit.kind == "morning"
        )
    ).all()
    v = db.session.get(Visit, visits[0])
    service.record_outcome(v, "done_by_other", None, done_by_id=pilot.sub.id)
    db.session.commit()
    auth.login("eval")
    planned = client.get(URL.format(team=pilot.team_a.id, basis="planned")).get_json()
    performed = client.get(URL.format(team=pilot.team_a.id, basis="performed")).get_json()
    assert planned["mean"] == 2 and performed["mean"] == 3


@pytest.mark.parametrize("days", [7, 28])
def test_the_api_refuses_another_window_than_14_days(pilot, auth, client, days):
    # It answered mean 2 for 7 days (and 0 eligible clients for 28) as the 14-day figure.
    auth.login("eval")
    r = client.get(URL.replace("days=14", f"days={days}").format(team=pilot.team_a.id,
                                                                  basis="performed"))  # fmt: skip
    assert r.status_code == 400
    assert "Kontinuiteten räknas över 14 dagar: välj 14 dagar." in r.get_data(as_text=True)


def test_continuity_api_access(pilot, auth, client):
    url = URL.format(team=pilot.team_a.id, basis="planned")
    auth.login("lead-b")
    assert client.get(url).status_code == 404  # another team's lead
    auth.logout()
    auth.login("staff-a")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("lead-a")
    assert client.get(url).status_code == 200
    assert client.get(url.replace("planned", "guess")).status_code == 400
    assert client.get(url.replace("2026-11-02", "yesterday")).status_code == 400


def test_all_clients_mean_equals_recount_from_the_plan_api(pilot, auth, client):
    """Recount from GET /api/teams/<id>/plan (visits mapped to clients by the problem)."""
    auth.login("lead-a")
    window = f"start={START.isoformat()}&days=14"
    team = pilot.team_a.id
    problem = client.get(f"/api/teams/{team}/problem?{window}").get_json()
    plan = client.get(f"/api/teams/{team}/plan?{window}").get_json()
    client_of = {v["id"]: v["client"] for v in problem["visits"]}
    staff_per_client = defaultdict(set)
    for a in plan["assignments"]:
        staff_per_client[client_of[a["visit"]]].update(a["staff"])
    expected = sum(len(s) for s in staff_per_client.values()) / len(staff_per_client)
    body = client.get(URL.format(team=team, basis="planned")).get_json()
    assert len(plan["assignments"]) == 14 * 3 + 1
    assert body["all_clients_mean"] == expected


@pytest.mark.parametrize("too_large", ["99999999999999999999", "134449824344", "2147483648"])
def test_an_id_too_large_for_the_database_is_not_found(pilot, auth, client, db, too_large):
    """Found by tests/test_fuzz.py: a team id past 64 bits made SQLite raise (a 500), one
    past 32 bits PostgreSQL (its INTEGER ids). In the address too: no route matches it."""
    auth.login("lead-a")
    assert client.get(f"/api/followup/continuity?team={too_large}").status_code == 404
    visit = db.session.scalar(sa.select(Visit.id).limit(1))
    form = {"kind": "done_by_other", "done_by": too_large}
    page = client.post(f"/followup/outcomes/{visit}", data=form, follow_redirects=True)
    assert page.status_code == 200 and "Välj vem som gjorde besöket." in page.get_data(as_text=True)
    for path in (f"/teams/{too_large}/board", f"/api/teams/{too_large}/plan",
                 f"/visits/{too_large}"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert client.post(f"/followup/outcomes/{too_large}", data=form).status_code == 404
    # The largest id a row can have is still looked up (and not found here).
    assert client.get("/teams/2147483647/board").status_code == 404


def test_the_default_window_is_the_last_14_whole_days_in_sweden(pilot, auth, client, monkeypatch):
    from datetime import date

    from followup import api

    # 00:30 on 1 Dec in Sweden is still 30 Nov on a server in UTC: the Swedish day counts.
    monkeypatch.setattr(api, "local_today", lambda: date(2026, 12, 1))
    auth.login("eval")
    body = client.get(f"/api/followup/continuity?team={pilot.team_a.id}").get_json()
    assert (body["start"], body["days"]) == ("2026-11-17", 14)  # 17-30 Nov, up to yesterday
