"""The week board's day view (?day=YYYY-MM-DD, scheduling/board.py day_board)."""

import re
from datetime import timedelta

import pytest

from scheduling.models import Assignment
from tests.scheduling.board_world import at, board_world, make_visit

SV_DAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")


@pytest.fixture
def w(app, db):
    with app.test_request_context():
        world = board_world()
        # A visit the next day, in the plan, so "only that day" has something to leave out.
        world.next_day = world.day + timedelta(days=1)
        world.oskar = make_visit(world.team, world.lars, world.next_day, (9, 0), (9, 30))
        world.plan.assignments.append(
            Assignment(visit=world.oskar, staff=world.bo, start=at(world.next_day, 9))
        )
        db.session.commit()
    return world


def page(response) -> str:
    return response.get_data(as_text=True)


def day_url(w, day) -> str:
    return f"/teams/{w.team.id}/board?day={day.isoformat()}"


def visit_links(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/visits/(\d+)"', html)}


def test_day_view_shows_only_that_days_visits(w, client, auth):
    auth.login("anna")
    response = client.get(day_url(w, w.day))
    html = page(response)
    assert response.status_code == 200
    assert "Dagtavla" in html and "Anna Ek" in html and "Bo Lind" in html
    assert visit_links(html) == {w.morning.id, w.lars_visit.id, w.lunch.id}
    assert "Ej tilldelade besök" in html and "Ingen plats" in html  # the lunch and its reason
    html = page(client.get(day_url(w, w.next_day)))
    assert visit_links(html) == {w.oskar.id}
    assert "Anna Ek" not in html  # nobody without visits that day gets a section


def test_day_view_links_to_the_neighbouring_days_and_the_week(w, client, auth):
    auth.login("bo")
    html = page(client.get(day_url(w, w.day)))
    before, after = w.day - timedelta(days=1), w.day + timedelta(days=1)
    assert re.search(rf'rel="prev"[^>]*href="[^"]*day={before.isoformat()}"', html)
    assert re.search(rf'rel="next"[^>]*href="[^"]*day={after.isoformat()}"', html)
    monday = w.day - timedelta(days=w.day.weekday())
    picker = html[html.index('class="daypicker"') :]
    picker = picker[: picker.index("</ol>")]
    for i, name in enumerate(SV_DAYS):
        assert f"day={(monday + timedelta(days=i)).isoformat()}" in picker
        assert f'<span class="dname">{name}</span>' in picker
    current = re.search(r'href="[^"]*day=([\d-]+)" aria-current="date"', picker)
    assert current and current.group(1) == w.day.isoformat()
    iso = w.day.isocalendar()
    assert f"week={iso.year}-W{iso.week:02d}" in html


def test_day_view_cards_lead_to_the_visit_edits_and_back(w, client, auth):
    auth.login("bo")
    html = page(client.get(day_url(w, w.day)))
    assert f'href="/visits/{w.lunch.id}"' in html
    visit_page = page(client.get(f"/visits/{w.lunch.id}"))
    assert "Ta besöket" in visit_page and f"day={w.day.isoformat()}" in visit_page


def test_week_board_offers_the_day_view(w, client, auth):
    auth.login("anna")
    html = page(client.get(f"/teams/{w.team.id}/board"))
    assert "En dag i taget" in html
    assert re.search(rf'class="button secondary daycta" href="[^"]*day={w.day.isoformat()}"', html)
    # The column headings link to their day: every day of the week shown (the board is
    # today's week, so a fixed "tomorrow" would leave it on a Sunday).
    monday = w.day - timedelta(days=w.day.weekday())
    for i in range(7):
        assert f"day={(monday + timedelta(days=i)).isoformat()}" in html


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2026-02-30", "2026-13-01", "20261123", "0001-01-01", "9999-12-31"]
)
def test_invalid_day_is_a_clear_400_in_swedish(w, client, auth, text):
    auth.login("anna")
    response = client.get(f"/teams/{w.team.id}/board", query_string={"day": text})
    assert response.status_code == 400
    assert "Ange dagen som ÅÅÅÅ-MM-DD" in page(response)


@pytest.mark.parametrize(
    ("user", "status"), [("anna", 200), ("lena", 200), ("outsider", 404), ("eval", 403)]
)
def test_day_view_access_is_that_of_the_week_board(w, client, auth, user, status):
    auth.login(user)
    assert client.get(day_url(w, w.day)).status_code == status
    assert client.get(f"/teams/{w.team.id}/board").status_code == status


def test_day_view_needs_a_login(w, client):
    response = client.get(day_url(w, w.day))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_flag_policy_shows_the_broken_rule_on_the_day_view(w, client, auth, db):
    w.team.edit_rule_policy = "flag"
    db.session.commit()
    auth.login("bo")
    client.post(f"/visits/{w.morning.id}/claim", data={"version": w.morning.version})
    html = page(client.get(day_url(w, w.day)))
    assert "Bryter mot en regel" in html and "Saknar delegering: insulin" in html
