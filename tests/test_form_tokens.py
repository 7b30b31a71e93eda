"""A create form sent a second time with its one-time token (Back and Save again, a double
click) creates nothing new; the user lands where the first send led, with a notice
(formutil.CreateForm, formtokens.py). Edit forms carry no token."""

import base64
import io
import os
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from clients.models import CareNeed, Client, ClientAbsence
from formtokens import FormToken, clear_job
from scheduling.models import SolverRun
from teams.models import Absence, Shift, StaffMember, StaffSkill, Team, User
from teams.wishes import Wish
from tests import factories
from timeutil import local_today, monday_of, utcnow

NOTICE = "Formuläret var redan sparat. Det sparades inte en gång till."
TOKEN_INPUT = re.compile(r'<input[^>]*name="form_token"[^>]*>')


def day(offset: int) -> str:
    return (local_today() + timedelta(days=offset)).isoformat()


def token_in(html: str) -> str:
    field = TOKEN_INPUT.search(html)
    assert field, "the form has no one-time token"
    assert 'type="text"' in field[0] and " hidden " in field[0] and "data-once" in field[0]
    return re.search(r'value="([^"]+)"', field[0])[1]


# name: (user, form page, where it posts (None: the page), data, the model it creates)
CREATE_FORMS = {
    "team": ("admin", "/admin/teams/new", None, lambda w: {
        "name": "Team C", "travel_speed_kmh": "15", "travel_detour_factor": "1.3",
        "travel_minimum_minutes": "2", "horizon_days": "14", "publish_policy": "lead",
        "edit_rule_policy": "refuse"}, Team),
    "user": ("admin", "/admin/users/new", None, lambda w: {
        "username": "ny-utv", "password": "langt-losenord", "role": "evaluator",
        "staff_member_id": "0", "language": "", "active": "y"}, User),
    "staff": ("lead-a", "/teams/{team}/staff/new", None, lambda w: {
        "name": "Ny Person", "profession": "underskoterska", "employment_rate": "100",
        "contracted_hours_week": "38.25", "active": "y"}, StaffMember),
    "skill": ("lead-a", "/staff/{staff}", "/staff/{staff}/skills",
              lambda w: {"code": "insulin"}, StaffSkill),
    "shift": ("lead-a", "/staff/{staff}/shifts/new", None, lambda w: {
        "day": day(10), "start": "07:00", "end": "15:00", "break_minutes": "30"}, Shift),
    "absence": ("lead-a", "/staff/{staff}/absences/new", None, lambda w: {
        "kind": "leave", "start_date": day(20), "end_date": day(21)}, Absence),
    "my shift": ("staff-a", "/me/shifts/new", None, lambda w: {
        "day": day(11), "start": "07:00", "end": "15:00", "break_minutes": "30"}, Shift),
    "my absence": ("staff-a", "/me/absences/new", None, lambda w: {
        "kind": "leave", "start_date": day(30), "end_date": day(31)}, Absence),
    "wish": ("staff-a", "/me/shifts", "/me/wishes",
             lambda w: {"code": "no_evenings", "note": ""}, Wish),
    "client": ("lead-a", "/teams/{team}/clients/new", None, lambda w: {
        "name": "Ny Klient", "active_from": day(0), "contact_staff": [str(w.staff_a.id)]},
        Client),
    "care need": ("lead-a", "/clients/{client}/needs/new", None, lambda w: {
        "kind": "morning", "weekdays": ["1", "3"], "interval_weeks": "1", "earliest": "07:00",
        "latest": "09:00", "duration_min": "30", "staff_required": "1",
        "valid_from": day(0)}, CareNeed),
    "client absence": ("lead-a", "/clients/{client}/absences/new", None,
                       lambda w: {"kind": "hospital", "start_date": day(5)}, ClientAbsence),
    "propose": ("lead-a", "/teams/{team}/plans", "/teams/{team}/plans/propose", lambda w: {
        "start": (monday_of(local_today()) + timedelta(days=7)).isoformat(), "days": "7"},
        SolverRun),
    "sick call": ("lead-a", "/teams/{team}/sick-call", None,
                  lambda w: {"staff_id": str(w.staff_a.id), "day": day(40)}, Absence),
}  # fmt: skip


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def paths(world, *templates):
    ids = {"team": world.team_a.id, "staff": world.staff_a.id, "client": world.client_a.id}
    return [t.format(**ids) if t else None for t in templates]


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_create_form_sent_twice_creates_one_record(app, world, auth, client, db, name):
    app.config["SOLVER_LAUNCH"] = "none"
    user, form_page, action, data, model = CREATE_FORMS[name]
    form_page, action = paths(world, form_page, action)
    auth.login(user)
    token = token_in(client.get(form_page).get_data(as_text=True))
    sent = data(world) | {"form_token": token}
    before = count(db, model)
    first = client.post(action or form_page, data=sent)
    assert first.status_code == 302, first.get_data(as_text=True)[-3000:]
    assert count(db, model) == before + 1
    again = client.post(action or form_page, data=sent)
    assert again.status_code == 302 and again.location == first.location
    assert count(db, model) == before + 1
    assert NOTICE in client.get(again.location).get_data(as_text=True)


def test_back_and_save_again_after_an_error_still_creates_one(world, auth, client, db):
    """The form came back with an error first: its token was not used up by that."""
    auth.login("lead-a")
    url = f"/clients/{world.client_a.id}/needs/new"
    token = token_in(client.get(url).get_data(as_text=True))
    need = CREATE_FORMS["care need"][3](world) | {"form_token": token}
    refused = client.post(url, data=need | {"duration_min": "1"})
    assert refused.status_code == 400 and token_in(refused.get_data(as_text=True)) == token
    before = count(db, CareNeed)
    assert client.post(url, data=need).status_code == 302
    assert client.post(url, data=need).status_code == 302
    assert count(db, CareNeed) == before + 1
    assert count(db, FormToken) == 1


def test_a_new_form_is_a_new_record(world, auth, client, db):
    auth.login("lead-a")
    url = f"/clients/{world.client_a.id}/needs/new"
    need = CREATE_FORMS["care need"][3](world)
    before = count(db, CareNeed)
    for _ in range(2):
        token = token_in(client.get(url).get_data(as_text=True))
        assert client.post(url, data=need | {"form_token": token}).status_code == 302
    assert count(db, CareNeed) == before + 2


def test_without_a_token_nothing_changes(world, auth, client, db):
    """A client that sends no token (or one we did not make) is served as before."""
    auth.login("lead-a")
    url = f"/clients/{world.client_a.id}/needs/new"
    need = CREATE_FORMS["care need"][3](world)
    before = count(db, CareNeed)
    assert client.post(url, data=need).status_code == 302
    assert client.post(url, data=need | {"form_token": "<x>"}).status_code == 302
    assert count(db, CareNeed) == before + 2 and count(db, FormToken) == 0


def test_another_users_token_is_refused(world, auth, client, db):
    auth.login("lead-a")
    url = f"/teams/{world.team_a.id}/clients/new"
    person = CREATE_FORMS["client"][3](world)
    token = token_in(client.get(url).get_data(as_text=True))
    assert client.post(url, data=person | {"form_token": token}).status_code == 302
    auth.logout()
    auth.login("lead-b")
    person = {"name": "B Klient", "active_from": day(0), "contact_staff": [str(world.staff_b.id)]}
    response = client.post(
        f"/teams/{world.team_b.id}/clients/new", data=person | {"form_token": token}
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Client).where(Client.name == "B Klient")) is None


def test_the_csv_import_confirmed_twice_lands_on_the_client_list(world, auth, client, db):
    auth.login("lead-a")
    header = "namn;kontaktpersoner;insats;veckodagar;tid_från;tid_till;längd_min"
    row = f"Importerad Klient;{world.staff_a.name};Morgonhjälp;mån;07:00;09:30;45"
    data = f"{header}\r\n{row}\r\n".encode()
    url = f"/teams/{world.team_a.id}/clients/import"
    preview = client.post(
        url, data={"file": (io.BytesIO(data), "f.csv")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    confirm = {"content": base64.b64encode(data).decode(), "form_token": token_in(preview)}
    before = count(db, Client)
    first = client.post(f"{url}/confirm", data=confirm)
    again = client.post(f"{url}/confirm", data=confirm)
    assert first.status_code == again.status_code == 302 and again.location == first.location
    assert count(db, Client) == before + 1
    assert NOTICE in client.get(again.location).get_data(as_text=True)


@pytest.mark.parametrize(
    "template",
    ["/clients/{client}/edit", "/needs/{need}/edit", "/staff/{staff}/edit"],
)
def test_edit_forms_have_no_token(world, auth, client, template):
    auth.login("lead-a")
    url = template.format(client=world.client_a.id, need=world.need_a.id, staff=world.staff_a.id)
    response = client.get(url)
    assert response.status_code == 200 and b'name="form_token"' not in response.data


def test_old_tokens_are_cleared_by_the_daily_job(app, world, auth, client, db):
    old = FormToken(token="x" * 20, user_id=world.staff_a.user.id, url="/")
    old.created_at = utcnow() - timedelta(days=8)
    db.session.add(old)
    db.session.commit()
    auth.login("lead-a")
    url = f"/clients/{world.client_a.id}/needs/new"
    token = token_in(client.get(url).get_data(as_text=True))
    client.post(url, data=CREATE_FORMS["care need"][3](world) | {"form_token": token})
    assert sorted(db.session.scalars(sa.select(FormToken.token))) == sorted(["x" * 20, token])
    clear_job(app)
    db.session.expire_all()
    assert db.session.scalars(sa.select(FormToken.token)).all() == [token]


def test_a_token_taken_meanwhile_gives_the_first_sends_record(app, world, db):
    """Two sends at once: both find the token free, one commits first; the other's insert
    fails on the primary key and it answers with the first one's record."""
    from flask_login import login_user

    import formtokens

    lead = db.session.scalar(sa.select(User).where(User.username == "lead-a"))
    db.session.add(FormToken(token="t" * 20, user_id=lead.id, url="/clients/1"))
    db.session.commit()
    with app.test_request_context("/", method="POST"):
        login_user(lead)
        earlier = formtokens.claim("t" * 20)
    assert earlier is not None and earlier.url == "/clients/1"


ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.mark.skipif(not ON_POSTGRES, reason="two connections at once need a server database")
def test_a_double_click_creates_one_record(app, world, db):
    """Two sends of one form at the same moment, each on its own connection."""
    url = f"/clients/{world.client_a.id}/needs/new"
    need = CREATE_FORMS["care need"][3](world) | {"form_token": "d" * 32}
    before = count(db, CareNeed)
    db.session.remove()  # the fixture's connection holds no lock while the threads run
    start, answers = threading.Barrier(2), []

    def send():
        with app.app_context():
            browser = app.test_client()
            browser.post("/login", data={"username": "lead-a", "password": factories.PASSWORD})
            start.wait()
            answers.append(browser.post(url, data=need))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].location == answers[1].location
    assert count(db, CareNeed) == before + 1
