"""Client list and detail, client and care-need forms, audit log."""

from datetime import datetime, timedelta

import sqlalchemy as sa

import ui
from audit import AuditEvent
from clients.models import CareNeed, Client
from tests import factories
from timeutil import local_today


def client_data(world, **kw) -> dict:
    data = {
        "name": "Greta Gran",
        "address": "Rydsvägen 10",
        "lat": "58.39",
        "lon": "15.57",
        "birth_year": "1938",
        "active_from": local_today().isoformat(),
        "contact_staff": [str(world.staff_a.id)],
        "notes": "Nyckel i tub",
    }
    return data | kw


def test_client_list_and_detail_in_swedish(world, auth, client):
    auth.login("staff-a")
    listing = client.get(f"/teams/{world.team_a.id}/clients").get_data(as_text=True)
    assert "Klient A" in listing and "Klient B" not in listing and "Kontaktpersoner" in listing
    detail = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert "Insatser" in detail and "Morgonhjälp" in detail and "07:00–09:00" in detail
    assert "Sara Staff A" in detail


def test_staff_sees_no_edit_buttons(world, auth, client):
    auth.login("staff-a")
    assert "/edit" not in client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)


def test_lead_creates_client_and_it_is_audited(world, auth, client, db):
    auth.login("lead-a")
    response = client.post(f"/teams/{world.team_a.id}/clients/new", data=client_data(world))
    assert response.status_code == 302
    greta = db.session.scalar(sa.select(Client).where(Client.name == "Greta Gran"))
    assert greta.team_id == world.team_a.id and greta.birth_year == 1938
    assert [s.id for s in greta.contact_staff] == [world.staff_a.id]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "client.create"))
    assert event.object_id == greta.id and event.team_id == world.team_a.id
    assert "Nyckel" not in str(event.details)  # free text stays out of the log


def test_client_needs_one_or_two_contact_persons(world, auth, client):
    auth.login("lead-a")
    three = [str(world.staff_a.id), str(world.lead_a.id)]
    ok = client.post(
        f"/teams/{world.team_a.id}/clients/new", data=client_data(world, contact_staff=three)
    )
    assert ok.status_code == 302
    none = client.post(
        f"/teams/{world.team_a.id}/clients/new", data=client_data(world, contact_staff=[])
    )
    assert none.status_code == 400
    assert "Välj en eller två kontaktpersoner." in none.get_data(as_text=True)


def test_other_teams_staff_cannot_be_contact_person(world, auth, client):
    auth.login("lead-a")
    response = client.post(
        f"/teams/{world.team_a.id}/clients/new",
        data=client_data(world, contact_staff=[str(world.staff_b.id)]),
    )
    assert response.status_code == 400  # not among the choices


def test_refused_staff_cannot_be_contact(world, auth, client):
    auth.login("lead-a")
    data = client_data(world, refused_staff=[str(world.staff_a.id)])
    response = client.post(f"/clients/{world.client_a.id}/edit", data=data)
    assert response.status_code == 400
    assert "kan inte också vara kontaktperson" in response.get_data(as_text=True)


def test_client_form_shows_swedish_errors_next_to_fields(world, auth, client):
    auth.login("lead-a")
    data = client_data(world, name="", birth_year="1800", lat="200")
    page = client.post(f"/teams/{world.team_a.id}/clients/new", data=data).get_data(as_text=True)
    assert "Fyll i det här fältet." in page
    assert "Ange ett årtal mellan 1900 och i år." in page
    assert "Latituden måste vara mellan -90 och 90." in page
    assert 'id="birth_year-error"' in page


def error_of(page: str, field: str) -> str:
    """The text of a field's error paragraph (templates/_macros.html field_errors)."""
    start = page.index(f'<p class="error" id="{field}-error">') + len(
        f'<p class="error" id="{field}-error">'
    )
    return page[start : page.index("</p>", start)]


def test_unreadable_numbers_get_one_plain_message_per_field(world, auth, client):
    auth.login("lead-a")
    data = client_data(world, lat="999", lon="femton", max_distinct_staff="2.5")
    page = client.post(f"/teams/{world.team_a.id}/clients/new", data=data).get_data(as_text=True)
    assert error_of(page, "lat") == "Latituden måste vara mellan -90 och 90."
    assert error_of(page, "lon") == "Longituden måste vara mellan -180 och 180."
    assert error_of(page, "max_distinct_staff") == "Ange ett tal utan decimaler."
    assert "flyttal" not in page and "heltal" not in page


def test_a_decimal_comma_is_read_as_a_number(world, auth, client, db):
    auth.login("lead-a")
    data = client_data(world, lat="58,39", lon="15,57")
    assert client.post(f"/teams/{world.team_a.id}/clients/new", data=data).status_code == 302
    greta = db.session.scalar(sa.select(Client).where(Client.name == "Greta Gran"))
    assert (greta.lat, greta.lon) == (58.39, 15.57)


def test_edit_form_is_prefilled(world, auth, client):
    auth.login("lead-a")
    page = client.get(f"/clients/{world.client_a.id}/edit").get_data(as_text=True)
    assert 'value="Klient A"' in page
    checkbox = f'type="checkbox" value="{world.staff_a.id}"'
    assert f'checked id="contact_staff-1" name="contact_staff" {checkbox}' in page


def test_lead_adds_double_staffed_insulin_need(world, auth, client, db):
    auth.login("lead-a")
    data = {
        "kind": "medication",
        "weekdays": ["1", "3", "5"],
        "interval_weeks": "1",
        "earliest": "07:30",
        "latest": "08:15",
        "duration_min": "20",
        "staff_required": "2",
        "skills": ["insulin"],
        "valid_from": local_today().isoformat(),
    }
    assert client.post(f"/clients/{world.client_a.id}/needs/new", data=data).status_code == 302
    need = db.session.scalar(sa.select(CareNeed).where(CareNeed.kind == "medication"))
    assert need.weekdays == "135" and need.staff_required == 2 and need.skills == ["insulin"]
    detail = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert "Dubbelbemanning" in detail and "Insulin (delegering)" in detail
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "need.create" in actions


def test_need_validation_in_swedish(world, auth, client):
    auth.login("lead-a")
    data = {
        "kind": "lunch",
        "interval_weeks": "1",
        "earliest": "12:00",
        "latest": "11:00",
        "duration_min": "2",
        "staff_required": "1",
        "valid_from": local_today().isoformat(),
    }
    response = client.post(f"/clients/{world.client_a.id}/needs/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Välj minst en veckodag." in page
    assert "Senaste start kan inte vara före tidigaste start." in page
    assert "Ange mellan 5 och 480 minuter." in page
    data |= {"weekdays": ["1"], "latest": "12:30", "duration_min": "tjugo"}
    page = client.post(f"/clients/{world.client_a.id}/needs/new", data=data).get_data(as_text=True)
    assert error_of(page, "duration_min") == "Ange mellan 5 och 480 minuter."  # one message
    assert "heltal" not in page


def test_lead_edits_and_deletes_need(world, auth, client, db):
    auth.login("lead-a")
    page = client.get(f"/needs/{world.need_a.id}/edit").get_data(as_text=True)
    assert '<input checked id="weekdays-0"' in page  # Monday ticked
    data = {
        "kind": "morning",
        "weekdays": ["6", "7"],
        "interval_weeks": "1",
        "earliest": "08:00",
        "latest": "09:00",
        "duration_min": "25",
        "staff_required": "1",
        "valid_from": local_today().isoformat(),
    }
    assert client.post(f"/needs/{world.need_a.id}/edit", data=data).status_code == 302
    db.session.refresh(world.need_a)
    assert world.need_a.weekdays == "67" and world.need_a.duration_min == 25
    assert client.post(f"/needs/{world.need_a.id}/delete").status_code == 302
    assert db.session.get(CareNeed, world.need_a.id) is None
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert {"need.update", "need.delete"} <= set(actions)


def test_care_needs_show_their_period_and_whether_they_have_started(app, world, auth, client, db):
    today = local_today()
    factories.make_need(world.client_a, "shower", valid_from=today + timedelta(days=10))
    factories.make_need(
        world.client_a,
        "lunch",
        valid_from=today - timedelta(days=30),
        valid_to=today - timedelta(days=1),
    )
    db.session.commit()
    auth.login("staff-a")
    page = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    rows = {kind: row for row in page.split("<tr")[1:] for kind in ("Morgonhjälp", "Dusch", "Lunch")
            if kind in row}  # fmt: skip
    with app.test_request_context():  # dates as the page writes them ("ons 3 dec. 2026")
        fmt = ui.day
        assert f"från {fmt(today - timedelta(days=7))}" in rows["Morgonhjälp"]
        assert f"från {fmt(today + timedelta(days=10))}" in rows["Dusch"]
        ended = f"{fmt(today - timedelta(days=30))} – {fmt(today - timedelta(days=1))}"
        assert ended in rows["Lunch"]
    assert "Inte påbörjad" in rows["Dusch"] and "Inte påbörjad" not in rows["Morgonhjälp"]
    assert "Avslutad" in rows["Lunch"] and 'class="inactive"' in rows["Lunch"]
    assert "Avslutad" not in rows["Morgonhjälp"] + rows["Dusch"]


def test_client_absence_shown_until_further_notice(world, auth, client):
    auth.login("lead-a")
    data = {"kind": "hospital", "start_date": (local_today() + timedelta(days=1)).isoformat()}
    assert client.post(f"/clients/{world.client_a.id}/absences/new", data=data).status_code == 302
    page = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert "Sjukhus" in page and "tills vidare" in page


def test_birth_year_may_be_the_new_year_in_sweden(world, auth, client, db, clock):
    """The largest birth year is this year in Sweden when the form is checked: not the year
    the server process loaded the form (nor the server's UTC date) at New Year's night."""
    year = local_today().year + 1
    clock(datetime(year - 1, 12, 31, 23, 30))  # 00:30 on 1 January in Sweden
    auth.login("lead-a")
    page = client.get(f"/teams/{world.team_a.id}/clients/new").get_data(as_text=True)
    assert f'max="{year}"' in page
    url = f"/teams/{world.team_a.id}/clients/new"
    later = client.post(url, data=client_data(world, name="Nina Ny", birth_year=str(year + 1)))
    assert later.status_code == 400 and "Ange ett årtal mellan 1900 och i år." in later.get_data(
        as_text=True
    )
    born = client.post(url, data=client_data(world, name="Nina Ny", birth_year=str(year)))
    assert born.status_code == 302
    assert db.session.scalar(sa.select(Client.birth_year).where(Client.name == "Nina Ny")) == year
