"""Far-off dates: the one range of timeutil.date_bounds(). A date or week in the address outside
it answers 404 or a redirect to this week, never a 500; a form date outside it is refused in
Swedish and nothing is saved (teams, clients, scheduling and follow-up alike)."""

import base64
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from audit import AuditEvent
from clients.models import CareNeed, Client
from scheduling.models import SolverRun
from teams.models import Absence, Shift
from timeutil import date_bounds, local_today, monday_of, parse_day, parse_week, week_param

REFUSED = "Ange ett datum från"


def page(response) -> str:
    return response.get_data(as_text=True)


def counts(db) -> tuple:
    models = (Shift, Absence, CareNeed, Client, SolverRun, AuditEvent)
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models)


def test_the_range_is_whole_years_around_today():
    first, last = date_bounds(date(2026, 11, 25))
    assert (first, last) == (date(2021, 1, 1), date(2028, 12, 31))


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2026-11-23", True), ("9999-12-30", False), ("0001-01-01", False), ("2026-02-30", False),
     ("20261123", False), ("", False), (None, False), ("٢٠٢٦-١١-٢٣", False)],
)  # fmt: skip
def test_parse_day(text, ok):
    assert (parse_day(text) is not None) is ok


@pytest.mark.parametrize(
    "text", ["9999-W52", "0001-W01", "2026-W99", "2026-W00", "2026W48", "x", "", None]
)
def test_parse_week_refuses_what_is_no_week_in_the_range(text):
    assert parse_week(text) is None


def test_parse_week_reads_back_week_param():
    monday = monday_of(local_today())
    assert parse_week(week_param(monday)) == monday


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2026-W99", "nonsense"])
@pytest.mark.parametrize("path", ["/me/shifts", "/me/week", "board"])
def test_a_week_outside_the_range_redirects_to_this_week(world, auth, client, path, week):
    auth.login("staff-a")
    path = f"/teams/{world.team_a.id}/board" if path == "board" else path
    response = client.get(path, query_string={"week": week})
    assert response.status_code == 302
    assert response.location.endswith(path)
    followed = client.get(response.location)
    assert followed.status_code == 200
    assert "Den veckan kan inte visas" in page(followed)


def test_another_query_argument_is_kept_when_redirecting(world, auth, client):
    auth.login("lead-a")
    response = client.get(
        "/me/shifts", query_string={"week": "9999-W52", "staff": world.staff_a.id}
    )
    assert response.status_code == 302 and f"staff={world.staff_a.id}" in response.location


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "tomorrow"])
def test_a_day_outside_the_range_is_a_404(world, auth, client, day):
    auth.login("staff-a")
    assert client.get(f"/staff/{world.staff_a.id}/day/{day}").status_code == 404
    assert client.get("/followup/outcomes", query_string={"day": day}).status_code == 404
    assert client.get("/me/shifts/new", query_string={"day": day}).status_code == 404


def test_a_day_inside_the_range_still_works(world, auth, client):
    auth.login("staff-a")
    today = local_today().isoformat()
    assert client.get(f"/staff/{world.staff_a.id}/day/{today}").status_code == 200
    assert client.get("/followup/outcomes", query_string={"day": today}).status_code == 200
    assert client.get("/me/shifts/new", query_string={"day": today}).status_code == 200


def test_apis_answer_400_for_a_start_outside_the_range(world, auth, client):
    auth.login("lead-a")
    response = client.get(f"/api/teams/{world.team_a.id}/problem?start=9999-12-31&days=28")
    assert response.status_code == 400 and "start must be a date" in response.json["error"]
    export = f"/followup/export?team={world.team_a.id}&start=9999-12-31&days=14"
    assert client.get(export).status_code == 400


SHIFT = {"start": "07:00", "end": "15:00", "break_minutes": "30"}
FAR = ["9999-12-30", "2020-06-01", "0001-01-01"]


@pytest.mark.parametrize("day", FAR)
def test_a_shift_on_a_far_off_day_is_refused(world, auth, client, db, day):
    auth.login("staff-a")
    before = counts(db)
    for path in ("/me/shifts/new", f"/staff/{world.staff_a.id}/shifts/new"):
        response = client.post(path, data=SHIFT | {"day": day})
        assert response.status_code == 400, path
        assert REFUSED in page(response)
    assert counts(db) == before


@pytest.mark.parametrize("end", ["9999-12-31", "the day after the range"])
def test_an_absence_until_a_far_off_day_is_refused(world, auth, client, db, end):
    if end == "the day after the range":  # 2029-01-01 in 2026, inside the range from 2027 on
        end = (date_bounds()[1] + timedelta(days=1)).isoformat()
    auth.login("lead-a")
    before = counts(db)
    data = {"kind": "leave", "start_date": local_today().isoformat(), "end_date": end}
    for path in ("/me/absences/new", f"/staff/{world.staff_a.id}/absences/new"):
        response = client.post(path, data=data)
        assert response.status_code == 400 and REFUSED in page(response), path
    absence = {"kind": "hospital", "start_date": "9999-12-30"}
    response = client.post(f"/clients/{world.client_a.id}/absences/new", data=absence)
    assert response.status_code == 400 and REFUSED in page(response)
    assert counts(db) == before


def test_a_care_need_or_client_starting_in_9999_is_refused(world, auth, client, db):
    auth.login("lead-a")
    before = counts(db)
    need = {"kind": "morning", "weekdays": ["1"], "interval_weeks": "1", "earliest": "07:00",
            "latest": "09:00", "duration_min": "30", "staff_required": "1",
            "valid_from": "9999-12-30"}  # fmt: skip
    response = client.post(f"/clients/{world.client_a.id}/needs/new", data=need)
    assert response.status_code == 400 and REFUSED in page(response)
    person = {"name": "Ny Klient", "active_from": "9999-12-30",
              "contact_staff": [str(world.staff_a.id)]}  # fmt: skip
    response = client.post(f"/teams/{world.team_a.id}/clients/new", data=person)
    assert response.status_code == 400 and REFUSED in page(response)
    assert counts(db) == before


def test_plan_and_sick_call_forms_refuse_far_off_days(world, auth, client, db):
    auth.login("lead-a")
    before = counts(db)
    response = client.post(
        f"/teams/{world.team_a.id}/plans/propose", data={"start": "9999-12-30", "days": "14"}
    )
    assert response.status_code == 400 and REFUSED in page(response)  # the page, saying why
    sick = {"staff_id": str(world.staff_a.id), "day": "9999-12-30"}
    response = client.post(f"/teams/{world.team_a.id}/sick-call", data=sick)
    assert response.status_code == 400 and REFUSED in page(response)
    assert counts(db) == before


def test_copying_shifts_to_a_far_off_week_is_refused(world, auth, client, db):
    auth.login("staff-a")
    before = counts(db)
    this_week = week_param(monday_of(local_today()))
    response = client.post("/me/shifts/copy", data={"source": this_week, "target": "9999-W52"})
    assert response.status_code == 400
    assert counts(db) == before


def test_the_csv_import_refuses_a_far_off_start_per_row(world, auth, client, db):
    auth.login("lead-a")
    header = "namn;kontaktpersoner;insats;veckodagar;tid_från;tid_till;längd_min;från_datum"
    row = f"Ny Klient;{world.staff_a.name};Morgonhjälp;mån;07:00;09:30;45;9999-12-30"
    content = base64.b64encode(f"{header}\r\n{row}\r\n".encode()).decode()
    before = counts(db)
    response = client.post(
        f"/teams/{world.team_a.id}/clients/import/confirm", data={"content": content}
    )
    assert response.status_code == 400 and REFUSED in page(response)
    assert counts(db) == before


def test_date_inputs_tell_the_browser_the_range(world, auth, client):
    auth.login("staff-a")
    first, last = date_bounds()
    html = page(client.get("/me/shifts/new"))
    assert f'min="{first.isoformat()}"' in html and f'max="{last.isoformat()}"' in html
