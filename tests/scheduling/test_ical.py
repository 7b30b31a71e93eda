"""The personal iCal feed: valid iCalendar (CRLF, escaping, folding), minimal data, secret URL."""

import pytest

from scheduling.ical import calendar_token, escape, fold
from tests.scheduling.planning_world import hand_plan, small_team
from timeutil import local_today


@pytest.fixture
def w(db):
    small = small_team(local_today())
    hand_plan(small)
    db.session.commit()
    return small


def test_feed_is_valid_icalendar_without_client_names(w, client, db):
    token = calendar_token(w.staff[0]).token
    db.session.commit()
    response = client.get(f"/ical/{token}.ics")  # no login: calendar apps cannot log in
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends in CRLF
    lines = body.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert body.count("BEGIN:VEVENT") == 6 == body.count("END:VEVENT")  # 2 a day, 3 days
    assert "SUMMARY:Morgonhjälp" in body
    assert "DTSTART;TZID=Europe/Stockholm:" in body and "BEGIN:VTIMEZONE" in body
    for c in w.clients:
        assert c.name not in body and c.address not in body


def test_unknown_token_is_404_and_renewal_revokes(w, client, auth, db):
    assert client.get("/ical/nope.ics").status_code == 404
    old = calendar_token(w.staff[1]).token
    db.session.commit()
    auth.login("staff-liten")
    assert old in client.get("/me/calendar").get_data(as_text=True)
    client.post("/me/calendar")
    assert client.get(f"/ical/{old}.ics").status_code == 404


def test_escape_and_fold():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "å" * 80)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts) and all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == "SUMMARY:" + "å" * 80
