"""The week board, the körlista, a client's view and the edit pages (scheduling/board.py)."""

from datetime import datetime, time

import pytest
import sqlalchemy as sa

from scheduling.models import Plan
from tests.scheduling.board_world import board_world


@pytest.fixture
def w(app, db):
    with app.test_request_context():
        world = board_world()
        db.session.commit()
    return world


def page(response) -> str:
    return response.get_data(as_text=True)


def test_week_board_shows_cards_week_number_and_unassigned_reason(w, client, auth):
    auth.login("anna")
    html = page(client.get(f"/teams/{w.team.id}/board"))
    assert f"vecka {w.day.isocalendar().week}" in html
    assert "Karin Holm" in html and "Lars Nord" in html and "Morgonhjälp" in html
    assert "Ej tilldelade besök" in html
    assert "Ingen plats" in html  # the solver's "capacity" reason, in Swedish
    assert "Publicerad" in html


def test_week_board_is_for_the_own_team_only(w, client, auth):
    auth.login("outsider")
    assert client.get(f"/teams/{w.team.id}/board").status_code == 404
    assert client.get(f"/visits/{w.morning.id}").status_code == 404
    assert client.get(f"/staff/{w.anna.id}/day/{w.day.isoformat()}").status_code == 404


def test_evaluator_has_no_board(w, client, auth):
    auth.login("eval")
    assert client.get(f"/teams/{w.team.id}/board").status_code == 403


def test_run_list_in_time_order_with_travel_and_break(w, client, auth):
    auth.login("anna")
    html = page(client.get(f"/staff/{w.anna.id}/day/{w.day.isoformat()}"))
    assert "Körlista" in html and "Karin Holm" in html and "Storgatan 3" in html
    assert "Resväg" in html and "Rast 30 min" in html
    assert "@media print" not in html  # print rules live in app.css
    assert html.index("07:00") < html.index("08:00")


def test_client_view_counts_different_staff(w, client, auth):
    auth.login("bo")
    html = page(client.get(f"/clients/{w.karin.id}/visits"))
    assert "olika personal" in html and "Anna Ek" in html
    assert "Ej tilldelad" in html


def test_claim_through_the_page(w, client, auth, db):
    auth.login("bo")
    response = client.post(
        f"/visits/{w.lunch.id}/claim",
        data={"version": w.lunch.version, "staff_id": w.bo.id},
        follow_redirects=True,
    )
    html = page(response)
    assert response.status_code == 200
    assert "Antal olika personal för Karin Holm: 1 → 2" in html
    assert db.session.scalar(sa.select(sa.func.max(Plan.version))) == 2


def test_impossible_claim_shows_a_swedish_conflict(w, client, auth, db):
    auth.login("anna")
    response = client.post(
        f"/visits/{w.lars_visit.id}/claim", data={"version": w.lars_visit.version}
    )
    html = page(response)
    assert response.status_code == 409
    assert "Hinner inte" in html and "min resväg från Storgatan 3" in html
    assert db.session.scalar(sa.select(sa.func.max(Plan.version))) == 1


def test_stale_edit_gets_a_clear_message(w, client, auth):
    auth.login("bo")
    response = client.post(
        f"/visits/{w.lunch.id}/claim",
        data={"version": w.lunch.version - 1},
        follow_redirects=True,
    )
    assert "Någon annan hann ändra besöket" in page(response)


def test_staff_cannot_claim_for_a_colleague(w, client, auth):
    auth.login("bo")
    response = client.post(
        f"/visits/{w.lunch.id}/claim", data={"version": w.lunch.version, "staff_id": w.cia.id}
    )
    assert response.status_code == 403


def test_lead_gives_away_someone_elses_visit(w, client, auth, db):
    auth.login("lena")
    response = client.post(
        f"/visits/{w.lars_visit.id}/give",
        data={"version": w.lars_visit.version, "giver_id": w.bo.id, "to_id": 0},
        follow_redirects=True,
    )
    assert response.status_code == 200
    draft = db.session.scalars(sa.select(Plan).order_by(Plan.version.desc())).first()
    assert not [a for a in draft.assignments if a.visit_id == w.lars_visit.id]


def test_staff_moves_own_visit(w, client, auth):
    auth.login("anna")
    response = client.post(
        f"/visits/{w.morning.id}/move",
        data={"version": w.morning.version, "start": "08:15"},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "Sparat" in page(response)


def test_staff_cannot_move_a_colleagues_visit(w, client, auth):
    auth.login("anna")
    response = client.post(
        f"/visits/{w.lars_visit.id}/move", data={"version": w.lars_visit.version, "start": "08:02"}
    )
    assert response.status_code == 403


def test_visit_page_offers_the_edits(w, client, auth):
    auth.login("anna")
    html = page(client.get(f"/visits/{w.morning.id}"))
    assert "Ge bort" in html and "Flytta" in html and "Byt" in html


def test_flag_policy_shows_the_broken_rule_on_the_board(w, client, auth, db):
    w.team.edit_rule_policy = "flag"
    db.session.commit()
    auth.login("bo")
    response = client.post(
        f"/visits/{w.morning.id}/claim",
        data={"version": w.morning.version},
        follow_redirects=True,
    )
    assert "Sparat, men det bryter mot en regel" in page(response)
    html = page(client.get(f"/teams/{w.team.id}/board"))
    assert "Bryter mot en regel" in html and "Saknar delegering: insulin" in html


@pytest.mark.parametrize("how", ["client cancelled", "hospital"])
def test_run_list_without_a_visit_that_will_not_take_place(w, client, auth, db, how):
    """Found crawling the pages on gunicorn: Bo's körlista was a 500 (KeyError 'c<id>-home')
    once Lars's only visit would not take place (the client cancelled it ahead, or went into
    hospital and the visit was cancelled): the plan still held it, but the problem the
    körlista takes its travel from no longer had Lars's home. Such a visit is not driven to."""
    if how == "hospital":
        w.lars_visit.cancelled, w.lars_visit.cancel_reason = True, "client_away"
    else:
        w.lars_visit.outcome = "cancelled"
    db.session.commit()
    auth.login("bo")
    response = client.get(f"/staff/{w.bo.id}/day/{w.day.isoformat()}")
    assert response.status_code == 200
    html = page(response)
    assert "Körlista" in html and "Ekgatan 9" not in html


def test_a_cancelled_visit_is_off_the_week_and_the_board(w, client, auth, db):
    """Lars went into hospital (or his need was removed): his visit is cancelled. The
    published plan still holds it, and Bo's week and the team's board showed it as planned,
    though his calendar feed and körlista leave it out. Now none of them shows it."""
    w.lars_visit.cancelled, w.lars_visit.cancel_reason = True, "client_away"
    db.session.commit()
    auth.login("bo")
    week = page(client.get("/me/week"))
    assert "Min vecka" in week and "Lars Nord" not in week
    board = page(client.get(f"/teams/{w.team.id}/board"))
    assert "Karin Holm" in board and "Lars Nord" not in board
    day = page(client.get(f"/teams/{w.team.id}/board?day={w.day.isoformat()}"))
    assert "Lars Nord" not in day


@pytest.mark.parametrize(
    "who, url", [("anna", "/me/shifts/{id}/delete"), ("lead", "/shifts/{id}/delete")]
)
def test_removing_a_shift_under_published_visits_warns(w, client, auth, db, clock, who, url):
    """Anna's shift holds her published 08:00 visit: removed (by her or by the lead) before
    it, the page says that visit now has nobody on shift (it was removed without a word).
    Cia's holds none and says nothing more."""
    from teams.models import Shift

    clock(datetime.combine(w.day, time(4, 0)))  # 05:00 or 06:00 in Sweden: before 08:00

    anna_shift, cia_shift = (
        db.session.scalar(sa.select(Shift).where(Shift.staff_id == s.id)) for s in (w.anna, w.cia)
    )
    auth.login(w.users[who].username)
    r = client.post(url.format(id=anna_shift.id), follow_redirects=True)
    assert "Arbetspasset är borttaget." in page(r)
    assert "Publicerade besök på passet har nu ingen som arbetar: 1." in page(r)
    assert db.session.get(Shift, anna_shift.id) is None
    if who == "lead":
        r = client.post(url.format(id=cia_shift.id), follow_redirects=True)
        assert db.session.get(Shift, cia_shift.id) is None
        assert "ingen som arbetar" not in page(r)


def test_removing_a_shift_whose_visits_have_begun_says_nothing_more(w, client, auth, db, clock):
    """Removed after the visit's start (noon that day), nothing is left to hand over."""
    from teams.models import Shift

    clock(datetime.combine(w.day, time(11, 0)))  # 12:00 or 13:00 in Sweden
    shift = db.session.scalar(sa.select(Shift).where(Shift.staff_id == w.anna.id))
    auth.login("anna")
    r = client.post(f"/me/shifts/{shift.id}/delete", follow_redirects=True)
    assert "Arbetspasset är borttaget." in page(r) and "ingen som arbetar" not in page(r)


def test_shortening_a_shift_under_published_visits_warns(w, client, auth, db, clock):
    """Anna's published 08:00-08:30 visit: her shift cut to 07:00-08:15 no longer holds it,
    and the page says so (it only said the shift was saved). Cut to 07:00-09:00 it still
    fits, and nothing more is said."""
    from teams.models import Shift

    clock(datetime.combine(w.day, time(4, 0)))  # before the visit
    shift = db.session.scalar(sa.select(Shift).where(Shift.staff_id == w.anna.id))
    auth.login("anna")
    form = {"day": w.day.isoformat(), "start": "07:00", "break_minutes": "0",
            "break_earliest": "", "break_latest": ""}  # fmt: skip
    r = client.post(f"/me/shifts/{shift.id}/edit", data={**form, "end": "09:00"},
                    follow_redirects=True)  # fmt: skip
    assert "Arbetspasset är sparat." in page(r)
    assert "utanför passet" not in page(r)
    r = client.post(f"/me/shifts/{shift.id}/edit", data={**form, "end": "08:15"},
                    follow_redirects=True)  # fmt: skip
    assert "Arbetspasset är sparat." in page(r)
    assert "Publicerade besök ligger nu utanför passet: 1." in page(r)
    assert db.session.get(Shift, shift.id).end == datetime.combine(w.day, time(8, 15))


def test_boards_show_who_is_sick(w, client, auth, db):
    """'Sjuk idag' says 'Teamet ser det på tavlan', but neither board said so: Anna's visit
    stayed under her name with no mark until a re-plan. Both boards mark her day."""
    from teams import service as team_service

    team_service.add_absence(w.anna, "sick", w.day, w.day, None)
    db.session.commit()
    auth.login("bo")
    tag = '<span class="tag warn">Sjuk</span>'
    week = page(client.get(f"/teams/{w.team.id}/board"))
    assert week.count(tag) == 1
    assert week.index("Anna Ek") < week.index(tag) < week.index("Bo Lind")
    day = page(client.get(f"/teams/{w.team.id}/board?day={w.day.isoformat()}"))
    assert day.count(tag) == 1
    assert day.index("Anna Ek") < day.index(tag) < day.index("Bo Lind")


@pytest.mark.parametrize(
    "who, url", [("anna", "/me/absences/new"), ("lead", "/staff/{id}/absences/new")]
)
def test_an_absence_over_published_visits_warns(w, client, auth, db, clock, who, url):
    """Leave entered for today over Anna's published 08:00 visit said only 'Frånvaron är
    sparad.'; the visit stayed hers. Now the page says it needs someone. Tomorrow (no
    visits) says nothing more."""
    from datetime import timedelta

    clock(datetime.combine(w.day, time(4, 0)))  # before the visit
    auth.login(w.users[who].username)
    url = url.format(id=w.anna.id)
    tomorrow = (w.day + timedelta(days=1)).isoformat()
    form = {"kind": "leave", "start_date": tomorrow, "end_date": tomorrow}
    r = client.post(url, data=form, follow_redirects=True)
    assert "Frånvaron är sparad." in page(r) and "under frånvaron" not in page(r)
    form = {**form, "start_date": w.day.isoformat()}
    r = client.post(url, data=form, follow_redirects=True)
    assert "Publicerade besök under frånvaron: 1." in page(r)


def test_a_visit_of_an_earlier_day_is_not_edited(w, client, auth, db):
    """Emma gave away her visit of five days before (found driving the demo): 'Sparat', and
    publishing that draft would have rewritten who made a visit that had taken place (the
    follow-up counts the published staff as performed). A past day's visit is not edited:
    the page offers no edits and points to 'Vad hände'; a sent edit is refused, no draft."""
    from datetime import timedelta

    from scheduling.models import Assignment
    from tests.scheduling.board_world import at, make_visit

    yesterday = w.day - timedelta(days=1)
    w.plan.horizon_start, w.plan.days = yesterday - timedelta(days=yesterday.weekday()), 21
    past = make_visit(w.team, w.karin, yesterday, (7, 30), (8, 30))
    db.session.add(Assignment(plan=w.plan, visit=past, staff=w.anna, start=at(yesterday, 8)))
    db.session.commit()
    auth.login("anna")
    html = page(client.get(f"/visits/{past.id}"))
    assert "planen för dagar som har varit ändras inte" in html
    assert f'action="/visits/{past.id}/give"' not in html
    data = {"version": past.version, "giver_id": w.anna.id, "to_id": 0}
    r = client.post(f"/visits/{past.id}/give", data=data, follow_redirects=True)
    assert "Registrera vad som hände under Vad hände." in page(r)
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 1  # no draft made
    today = page(client.get(f"/visits/{w.morning.id}"))
    assert f'action="/visits/{w.morning.id}/give"' in today


def test_a_cancelled_visit_is_not_edited(w, client, auth, db):
    """Inga Gustafsson went into hospital and her visit was cancelled; its page still said
    who comes, and Emma claimed it: 'Sparat' (found driving the demo). The page says it
    will not take place and offers no edits; a sent claim is refused, no draft."""
    w.morning.cancelled, w.morning.cancel_reason = True, "client_away"
    db.session.commit()
    auth.login("bo")
    html = page(client.get(f"/visits/{w.morning.id}"))
    assert "Besöket blir inte av, så ingen ska dit." in html
    assert "Anna Ek 08:00" not in html and f'action="/visits/{w.morning.id}/claim"' not in html
    data = {"version": w.morning.version, "staff_id": w.bo.id}
    r = client.post(f"/visits/{w.morning.id}/claim", data=data, follow_redirects=True)
    assert "Besöket blir inte av (inställt), så det finns inget att ändra." in page(r)
    assert db.session.scalar(sa.select(sa.func.count(Plan.id))) == 1  # no draft made
