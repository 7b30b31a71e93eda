"""Login, logout, throttling, CSRF and the language switch."""

import pytest

from app import create_app
from config import TestConfig
from tests import factories


def test_login_page_is_swedish(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="sv"' in page
    assert "Logga in" in page
    assert "Användarnamn" in page


def test_login_and_logout(world, auth, client):
    response = auth.login("lead-a")
    assert response.status_code == 302
    assert client.get(f"/teams/{world.team_a.id}").status_code == 200
    auth.logout()
    assert client.get(f"/teams/{world.team_a.id}").status_code == 302


def test_wrong_password_is_refused_in_swedish(world, auth):
    response = auth.login("lead-a", "wrong")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(world, auth, db):
    factories.make_user("old", active=False)
    db.session.commit()
    assert auth.login("old").status_code == 401


def test_missing_fields_show_swedish_errors(client):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 400
    assert "Fyll i det här fältet." in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_for_that_address(world, auth, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert auth.login("lead-a", "wrong").status_code == 401
    locked = auth.login("lead-a")  # even the right password is refused now
    assert locked.status_code == 429
    assert "För många misslyckade försök" in locked.get_data(as_text=True)
    assert auth.login("staff-a").status_code == 302  # other usernames are not affected


def test_success_resets_the_failure_count(world, auth, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        auth.login("lead-a", "wrong")
    assert auth.login("lead-a").status_code == 302
    auth.logout()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        auth.login("lead-a", "wrong")
    assert auth.login("lead-a").status_code == 302


def test_next_only_follows_local_paths(world, client):
    data = {"username": "lead-a", "password": factories.PASSWORD}
    response = client.post("/login?next=https://evil.example/x", data=data)
    assert "evil" not in response.headers["Location"]


def test_logout_needs_post(world, auth, client):
    auth.login("lead-a")
    assert client.get("/logout").status_code == 405


class CsrfConfig(TestConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def csrf_client(app):
    return create_app(CsrfConfig).test_client()


def test_forms_without_csrf_token_are_refused(world, csrf_client):
    data = {"username": "lead-a", "password": factories.PASSWORD}
    response = csrf_client.post("/login", data=data)
    assert response.status_code == 400
    assert "Felaktig begäran" in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(world, auth, client, db):
    auth.login("lead-a")
    client.post("/language", data={"language": "en", "next": "/login"})
    page = client.get(f"/teams/{world.team_a.id}").get_data(as_text=True)
    assert 'lang="en"' in page and "Working today" in page
    client.post("/language", data={"language": "sv"})
    assert "Arbetar i dag" in client.get(f"/teams/{world.team_a.id}").get_data(as_text=True)


def test_saved_language_follows_the_user(world, auth, client):
    auth.login("lead-a")
    client.post("/language", data={"language": "en"})
    auth.logout()
    with client.session_transaction() as session:
        session.clear()
    assert "Log in" not in client.get("/login").get_data(as_text=True)  # Swedish when anonymous
    auth.login("lead-a")
    assert "Working today" in client.get(f"/teams/{world.team_a.id}").get_data(as_text=True)


def test_language_switch_keeps_the_page_and_its_query(world, auth, client):
    auth.login("lead-a")
    board = f"/teams/{world.team_a.id}/board?day=2026-11-24"
    page = client.get(board).get_data(as_text=True)
    assert f'name="next" value="{board}"' in page  # the switch posts back to this very page
    response = client.post("/language", data={"language": "en", "next": board})
    assert response.status_code == 302 and response.headers["Location"] == board


def test_language_switch_on_a_form_answer_returns_to_the_form_page(world, auth, client):
    """A page that answered a form (here a refused proposal) lives at an address that takes only
    the form: the switch goes back to the page the form was sent from, not to a 405."""
    auth.login("lead-a")
    plans = f"/teams/{world.team_a.id}/plans"
    propose = {"start": "2026-11-24", "days": "99"}
    answer = client.post(
        f"{plans}/propose", data=propose, headers={"Referer": f"http://localhost{plans}"}
    )
    assert answer.status_code == 400
    assert f'name="next" value="{plans}"' in answer.get_data(as_text=True)
    elsewhere = client.post(
        f"{plans}/propose", data=propose, headers={"Referer": "https://evil.example/x"}
    )
    assert 'name="next" value=""' in elsewhere.get_data(as_text=True)  # the start page


def test_language_switch_never_leaves_the_site(world, auth, client):
    auth.login("lead-a")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "evil"):
        response = client.post("/language", data={"language": "en", "next": target})
        assert response.headers["Location"] == "/", target
