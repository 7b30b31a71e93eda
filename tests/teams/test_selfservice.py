"""Staff self-service: Min vecka and Mina pass (teams/selfservice.py, teams/shiftrules.py)."""

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from audit import AuditEvent
from config import TestConfig
from scheduling.models import Assignment, Plan
from teams.models import Absence, Shift
from teams.wishes import Wish
from tests.concurrency import at_once
from tests.scheduling.board_world import board_world
from timeutil import local_today

ON_POSTGRES = TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql")


@pytest.fixture
def w(app, db):
    with app.test_request_context():
        world = board_world()
        db.session.commit()
    return world


def page(response) -> str:
    return response.get_data(as_text=True)


def next_monday():
    today = local_today()
    return today + timedelta(days=7 - today.weekday())


def shift_data(day, start="07:00", end="15:00", **kw) -> dict:
    data = {
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "break_minutes": "30",
        "break_earliest": "11:00",
        "break_latest": "13:00",
    }
    return data | kw


def anna_shifts(db, w) -> list[Shift]:
    return list(db.session.scalars(sa.select(Shift).where(Shift.staff_id == w.anna.id)))


def test_my_week_shows_my_visits_and_shift(w, client, auth):
    auth.login("anna")
    html = page(client.get("/me/week"))
    assert "Min vecka" in html and "Karin Holm" in html and "07:00–15:00" in html
    assert "Lars Nord" not in html  # Bo's visit


def test_my_week_marks_draft_changes(w, client, auth, db):
    draft = Plan(
        team=w.team,
        horizon_start=w.plan.horizon_start,
        days=14,
        version=2,
        state="draft",
        based_on=w.plan,
    )
    draft.assignments = [
        Assignment(visit=w.lars_visit, staff=w.bo, start=datetime.combine(w.day, time(8, 5)))
    ]
    db.session.add(draft)
    db.session.commit()
    auth.login("anna")
    html = page(client.get("/me/week"))
    assert "Borttaget i utkastet" in html and "Utkast" in html


def test_add_a_shift(w, client, auth, db):
    auth.login("anna")
    day = next_monday()
    response = client.post("/me/shifts/new", data=shift_data(day))
    assert response.status_code == 302
    assert any(s.start == datetime.combine(day, time(7)) for s in anna_shifts(db, w))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start": "15:00", "end": "07:00"}, "Arbetspasset måste sluta efter att det börjar."),
        (
            {"break_earliest": "16:00", "break_latest": "17:00"},
            "Rastfönstret måste ligga inom arbetspasset.",
        ),
    ],
)
def test_shift_validation_in_swedish(w, client, auth, fields, message):
    auth.login("anna")
    response = client.post("/me/shifts/new", data=shift_data(next_monday(), **fields))
    assert response.status_code == 400
    assert message in page(response)


def test_overlapping_shift_is_refused(w, client, auth, db):
    auth.login("anna")
    response = client.post(
        "/me/shifts/new",
        data=shift_data(w.day, "14:00", "20:00", break_earliest="", break_latest=""),
    )
    assert response.status_code == 400
    assert "Krockar med ett pass som redan finns" in page(response)


def test_short_daily_rest_is_refused_for_staff(w, client, auth, db):
    auth.login("anna")
    tomorrow = w.day + timedelta(days=1)
    # Today 07-15, then tomorrow 01:00: only 10 h rest.
    response = client.post(
        "/me/shifts/new",
        data=shift_data(tomorrow, "01:00", "06:00", break_earliest="", break_latest=""),
    )
    assert response.status_code == 400
    assert "Bara 10 h vila" in page(response) and "minst 11 h" in page(response)


def test_lead_may_allow_a_short_rest_as_a_logged_exception(w, client, auth, db):
    auth.login("lena")
    tomorrow = w.day + timedelta(days=1)
    data = shift_data(
        tomorrow,
        "01:00",
        "06:00",
        break_earliest="",
        break_latest="",
        rest_exception="y",
        staff=str(w.anna.id),
    )
    response = client.post(f"/me/shifts/new?staff={w.anna.id}", data=data)
    assert response.status_code == 302
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "shift.rest_exception" in actions


def test_rest_below_nine_hours_is_refused_even_for_a_lead(w, client, auth):
    auth.login("lena")
    tomorrow = w.day + timedelta(days=1)
    data = shift_data(
        tomorrow, "23:00", "23:30", break_earliest="", break_latest="", rest_exception="y"
    )
    data["day"] = w.day.isoformat()  # today 23:00: 8 h after 15:00
    response = client.post(f"/me/shifts/new?staff={w.anna.id}", data=data)
    assert response.status_code == 400


def test_edit_my_shift(w, client, auth, db):
    auth.login("anna")
    shift = anna_shifts(db, w)[0]
    response = client.post(f"/me/shifts/{shift.id}/edit", data=shift_data(w.day, "08:00", "16:00"))
    assert response.status_code == 302
    db.session.refresh(shift)
    assert shift.start.time() == time(8)


def test_staff_cannot_edit_a_colleagues_shift(w, client, auth, db):
    auth.login("bo")
    shift = anna_shifts(db, w)[0]
    assert client.get(f"/me/shifts/{shift.id}/edit").status_code == 403
    assert client.get(f"/me/shifts?staff={w.anna.id}").status_code == 403


def test_other_team_gets_404(w, client, auth, db):
    auth.login("outsider")
    shift = anna_shifts(db, w)[0]
    assert client.get(f"/me/shifts/{shift.id}/edit").status_code == 404


def test_copy_last_week_to_this_and_next_week(w, client, auth, db):
    auth.login("anna")
    this_monday = local_today() - timedelta(days=local_today().weekday())
    last_monday = this_monday - timedelta(days=7)
    for i in range(2):
        db.session.add(
            Shift(
                staff_id=w.anna.id,
                start=datetime.combine(last_monday + timedelta(days=i), time(7)),
                end=datetime.combine(last_monday + timedelta(days=i), time(15)),
            )
        )
    db.session.commit()

    def week(d):
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    response = client.post(
        "/me/shifts/copy",
        data={"source": week(last_monday), "target": week(this_monday + timedelta(days=7))},
        follow_redirects=True,
    )
    assert "2 pass kopierades till vecka" in page(response)
    response = client.post(
        "/me/shifts/copy",
        data={"source": week(last_monday), "target": week(this_monday)},
        follow_redirects=True,
    )
    # Today's shift 07-15 already exists: the copy of that day is skipped unless it is another day.
    copied = [
        s
        for s in anna_shifts(db, w)
        if this_monday <= s.start.date() < this_monday + timedelta(days=7)
    ]
    assert len(copied) >= 2


def test_copy_messages_count_one_shift_in_the_singular(w, client, auth, db):
    auth.login("anna")
    today = local_today()
    last_week_same_day = today - timedelta(days=7)
    db.session.add(
        Shift(
            staff_id=w.anna.id,
            start=datetime.combine(last_week_same_day, time(7)),
            end=datetime.combine(last_week_same_day, time(15)),
        )
    )
    db.session.commit()

    def week(d):
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    source = week(last_week_same_day)
    next_week = today + timedelta(days=7)
    response = client.post(
        "/me/shifts/copy", data={"source": source, "target": week(next_week)}, follow_redirects=True
    )
    assert f"1 pass kopierades till vecka {next_week.isocalendar().week}." in page(response)
    # This week already has today's 07-15 shift: the one shift is not copied, said in the singular.
    response = client.post(
        "/me/shifts/copy", data={"source": source, "target": week(today)}, follow_redirects=True
    )
    assert "1 pass kopierades inte: det krockar" in page(response)


def sick_rows(db, staff) -> list[Absence]:
    return list(db.session.scalars(sa.select(Absence).where(Absence.staff_id == staff.id)))


def test_sick_today_asks_first_then_registers_once(w, client, auth, db):
    auth.login("anna")
    week = page(client.get("/me/week"))
    assert 'href="/me/sick-today"' in week and "Sjukanmäld i dag" not in week
    confirm = page(client.get("/me/sick-today"))  # the tap opens a confirmation, no JS needed
    assert "Sjukanmälan för i dag?" in confirm and "07:00–15:00" in confirm
    assert 'method="post"' in confirm and "Ja, sjuk i dag" in confirm
    assert sick_rows(db, w.anna) == []  # nothing registered by looking
    response = client.post("/me/sick-today", follow_redirects=True)
    assert "Du är sjukanmäld i dag" in page(response)
    (absence,) = sick_rows(db, w.anna)
    assert (absence.kind, absence.start_date, absence.end_date) == (
        "sick",
        local_today(),
        local_today(),
    )
    # Afterwards the page shows the state instead of the button, and a second tap adds nothing.
    week = page(client.get("/me/week"))
    assert "Sjukanmäld i dag" in week and 'href="/me/sick-today"' not in week
    assert "redan registrerad" in page(client.get("/me/sick-today"))
    response = client.post("/me/sick-today", follow_redirects=True)
    assert "redan registrerad" in page(response)
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections (PostgreSQL)")
def test_sick_today_tapped_twice_at_once_registers_once(app, w, db):
    """Found on gunicorn: two taps on "Ja, sjuk i dag" (a double tap; the confirm form has no
    one-time token) both found no sickness registered yet and saved two sick absences for
    the day. The second now waits for the first and finds it."""
    from tests import factories

    clients = []
    for _ in range(2):
        c = app.test_client()
        c.post("/login", data={"username": "anna", "password": factories.PASSWORD})
        clients.append(c)
    anna_id = w.anna.id
    db.session.remove()  # the requests use their own connections

    def tap(c):
        def action(wait) -> int:
            wait()
            return c.post("/me/sick-today").status_code

        return action

    assert at_once(app, *(tap(c) for c in clients)) == [302, 302]
    rows = db.session.scalars(sa.select(Absence).where(Absence.staff_id == anna_id)).all()
    assert [(a.kind, a.start_date) for a in rows] == [("sick", local_today())]


def test_sick_today_without_a_shift_today_says_so_and_saves_nothing(w, client, auth, db):
    auth.login("lena")  # the lead's own schedule has no shift today
    confirm = page(client.get("/me/sick-today"))
    assert "Det finns inget pass i dag" in confirm and "Ja, sjuk i dag" not in confirm
    response = client.post("/me/sick-today", follow_redirects=True)
    assert "Inget pass i dag, så ingen sjukanmälan registrerades." in page(response)
    assert sick_rows(db, w.lead_staff) == []


def test_lead_registers_a_member_sick_today_by_name(w, client, auth, db):
    auth.login("lena")
    confirm = page(client.get(f"/me/sick-today?staff={w.anna.id}"))
    assert "Anna Ek" in confirm and f'action="/me/sick-today?staff={w.anna.id}"' in confirm
    response = client.post(f"/me/sick-today?staff={w.anna.id}", follow_redirects=True)
    assert "Anna Ek är sjukanmäld i dag" in page(response)
    assert [a.kind for a in sick_rows(db, w.anna)] == ["sick"]


def test_leave_with_dates(w, client, auth, db):
    auth.login("anna")
    start = next_monday()
    response = client.post(
        "/me/absences/new",
        data={
            "kind": "leave",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=4)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Absence.kind)).all() == ["leave"]


def test_leave_end_before_start_is_refused(w, client, auth):
    auth.login("anna")
    start = next_monday()
    response = client.post(
        "/me/absences/new",
        data={
            "kind": "training",
            "start_date": start.isoformat(),
            "end_date": (start - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400


def test_state_a_wish(w, client, auth, db):
    auth.login("anna")
    client.post("/me/wishes", data={"code": "no_evenings", "note": ""})
    html = page(client.get("/me/shifts"))
    assert "Helst inte kvällar" in html
    assert db.session.scalars(sa.select(Wish.code)).all() == ["no_evenings"]


def test_evaluator_has_no_self_service(w, client, auth):
    auth.login("eval")
    assert client.get("/me/week").status_code == 403
