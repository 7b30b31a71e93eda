"""Team overview, staff pages and forms, shifts and absences."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from audit import AuditEvent
from teams.models import Absence, Shift, StaffMember
from timeutil import local_today


def test_overview_shows_team_in_swedish(world, auth, client):
    auth.login("staff-a")
    page = client.get(f"/teams/{world.team_a.id}").get_data(as_text=True)
    assert "Team A" in page
    assert "Arbetar i dag" in page
    assert "Sara Staff A" in page  # has a shift today
    assert "Team B" not in page


def test_staff_list_and_detail(world, auth, client):
    auth.login("staff-a")
    page = client.get(f"/teams/{world.team_a.id}/staff").get_data(as_text=True)
    assert "Lena Lead A" in page and "Sara Staff A" in page and "Sara Staff B" not in page
    detail = client.get(f"/staff/{world.staff_a.id}").get_data(as_text=True)
    assert "Kompetenser och delegeringar" in detail
    assert "07:00–15:00" in detail


def test_lead_creates_staff_member(world, auth, client, db):
    auth.login("lead-a")
    data = {
        "name": "Nils Nyman",
        "profession": "vardbitrade",
        "employment_rate": "75",
        "contracted_hours_week": "30",
        "substitute": "y",
        "active": "y",
    }
    response = client.post(f"/teams/{world.team_a.id}/staff/new", data=data)
    assert response.status_code == 302
    nils = db.session.scalar(sa.select(StaffMember).where(StaffMember.name == "Nils Nyman"))
    assert nils.team_id == world.team_a.id
    assert nils.contracted_minutes_week == 1800 and nils.substitute


def test_staff_form_errors_are_swedish_next_to_field(world, auth, client):
    auth.login("lead-a")
    data = {
        "name": "",
        "profession": "vardbitrade",
        "employment_rate": "150",
        "contracted_hours_week": "30",
    }
    response = client.post(f"/teams/{world.team_a.id}/staff/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Fyll i det här fältet." in page
    assert "Ange en procentsats mellan 1 och 100." in page
    assert 'id="employment_rate-error"' in page


def test_lead_adds_skill_with_valid_until(world, auth, client, db):
    auth.login("lead-a")
    until = (local_today() + timedelta(days=200)).isoformat()
    client.post(f"/staff/{world.staff_a.id}/skills", data={"code": "insulin", "valid_until": until})
    db.session.refresh(world.staff_a)
    assert [(s.code, s.valid_until.isoformat()) for s in world.staff_a.skills] == [
        ("insulin", until)
    ]


def test_staff_enters_own_shift_with_break(world, auth, client, db):
    auth.login("staff-a")
    day = local_today() + timedelta(days=2)
    data = {
        "day": day.isoformat(),
        "start": "14:00",
        "end": "22:00",
        "break_earliest": "17:00",
        "break_latest": "19:00",
        "break_minutes": "30",
    }
    response = client.post(f"/staff/{world.staff_a.id}/shifts/new", data=data)
    assert response.status_code == 302
    shift = db.session.scalar(
        sa.select(Shift).where(Shift.start == datetime.combine(day, time(14)))
    )
    assert shift.end == datetime.combine(day, time(22))
    assert shift.break_minutes == 30 and shift.entered_by.username == "staff-a"


def test_night_shift_runs_past_midnight(world, auth, client, db):
    auth.login("staff-a")
    day = local_today() + timedelta(days=1)  # today's 07:00-15:00 shift leaves no daily rest
    data = {"day": day.isoformat(), "start": "21:30", "end": "07:00", "break_minutes": ""}
    assert client.post(f"/staff/{world.staff_a.id}/shifts/new", data=data).status_code == 302
    shift = db.session.scalar(
        sa.select(Shift).where(Shift.start == datetime.combine(day, time(21, 30)))
    )
    assert shift.end == datetime.combine(day + timedelta(days=1), time(7))


def test_break_outside_shift_is_refused_in_swedish(world, auth, client):
    auth.login("staff-a")
    data = {
        "day": local_today().isoformat(),
        "start": "07:00",
        "end": "12:00",
        "break_earliest": "13:00",
        "break_latest": "14:00",
        "break_minutes": "30",
    }
    response = client.post(f"/staff/{world.staff_a.id}/shifts/new", data=data)
    assert response.status_code == 400
    assert "Rastfönstret måste ligga inom arbetspasset." in response.get_data(as_text=True)


def test_absence_dates_must_be_in_order(world, auth, client, db):
    auth.login("staff-a")
    today = local_today()
    bad = {
        "kind": "sick",
        "start_date": today.isoformat(),
        "end_date": (today - timedelta(days=1)).isoformat(),
    }
    response = client.post(f"/staff/{world.staff_a.id}/absences/new", data=bad)
    assert response.status_code == 400
    assert "Slutdatumet kan inte vara före startdatumet." in response.get_data(as_text=True)
    good = bad | {"end_date": today.isoformat()}
    assert client.post(f"/staff/{world.staff_a.id}/absences/new", data=good).status_code == 302
    assert db.session.scalar(sa.select(Absence.kind)) == "sick"


def test_lead_removes_a_colleagues_shift_and_it_is_audited(world, auth, client, db):
    auth.login("lead-a")
    assert client.post(f"/shifts/{world.shift_a.id}/delete").status_code == 302
    assert db.session.get(Shift, world.shift_a.id) is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "shift.delete"))
    assert event.team_id == world.team_a.id and event.user_id is not None


def test_lead_finds_a_members_week_with_copy_week_from_the_staff_page(world, auth, client):
    """A new team's lead enters two weeks of shifts: one week, then "copy a week", also for
    a member without a login; the page was only reachable by typing its address."""
    auth.login("lead-a")
    link = f"/me/shifts?staff={world.staff_a.id}"
    detail = client.get(f"/staff/{world.staff_a.id}").get_data(as_text=True)
    assert f'href="{link}"' in detail and "Vecka för vecka, kopiera en vecka" in detail
    week = client.get(link).get_data(as_text=True)
    assert "Sara Staff A" in week and f'action="/me/shifts/copy?staff={world.staff_a.id}"' in week
    auth.logout()
    auth.login("staff-a")
    lead_page = client.get(f"/staff/{world.lead_a.id}").get_data(as_text=True)
    assert "/me/shifts?staff=" not in lead_page


def test_the_leads_shift_form_keeps_the_shift_rules(world, auth, client, db):
    """The lead's 'New shift' on a member's page saved a shift over the member's 07:00-15:00
    one and one leaving 8 hours of daily rest without a word (the member's own form refuses
    both). Now it refuses them in the same words; a 9-11 h rest is the lead's logged
    exception, as on the member's form."""
    auth.login("lead-a")
    today, tomorrow = local_today(), local_today() + timedelta(days=1)
    url = f"/staff/{world.staff_a.id}/shifts/new"

    def post(day, start, end, **kw):
        data = {"day": day.isoformat(), "start": start, "end": end, "break_minutes": ""}
        return client.post(url, data=data | kw)

    def count() -> int:
        query = sa.select(sa.func.count(Shift.id)).where(Shift.staff_id == world.staff_a.id)
        return db.session.scalar(query)

    r = post(today, "12:00", "20:00")
    assert r.status_code == 400 and "Krockar med ett pass som redan finns" in r.get_data(
        as_text=True
    )
    r = post(today - timedelta(days=1), "18:00", "23:00")  # 8 h before 07:00 today
    assert r.status_code == 400 and "Bara 8 h vila" in r.get_data(as_text=True)
    assert count() == 1
    r = post(tomorrow, "01:00", "05:00")  # 10 h after 15:00: the lead's exception
    assert r.status_code == 400
    assert post(tomorrow, "01:00", "05:00", rest_exception="y").status_code == 302
    assert count() == 2
    logged = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "shift.rest_exception")
    )
    assert logged is not None
