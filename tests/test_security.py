"""Security headers, session cookie flags, CSRF on every state-changing request, the password
policy and the production settings (issue #6 item 2)."""

import re

import pytest
import sqlalchemy as sa

from app import create_app
from config import ProductionConfig, TestConfig
from extensions import db as _db
from tests import factories
from tests.conftest import FreshRequestClient


def test_every_page_has_the_security_headers(world, auth, client):
    auth.login("lead-a")
    for url in ("/login", f"/teams/{world.team_a.id}", "/static/css/app.css", "/nope"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
    assert client.get(f"/teams/{world.team_a.id}").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(world, auth, client):
    """The CSP forbids inline code, so the pages must not need any."""
    auth.login("lead-a")
    for url in (f"/teams/{world.team_a.id}", f"/clients/{world.client_a.id}", "/me/week",
                f"/staff/{world.staff_a.id}", f"/teams/{world.team_a.id}/board"):  # fmt: skip
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert " style=" not in html and "<style" not in html, url


def test_session_cookie_flags(world, client):
    response = client.post("/login", data={"username": "lead-a", "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


@pytest.fixture
def csrf_app(app):
    """The same database with CSRF checks on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_every_state_changing_request_needs_the_csrf_token(csrf_app, world):
    client = csrf_app.test_client()
    assert client.post("/login", data={"username": "lead-a", "password": "x"}).status_code == 400
    data = {"username": "lead-a", "password": factories.PASSWORD}
    data["csrf_token"] = _token(client, "/login")
    assert client.post("/login", data=data).status_code == 302
    posts = [r for r in csrf_app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) > 20
    for rule in posts:
        target = rule.rule
        for arg in rule.arguments:
            target = re.sub(rf"<(\w+:)?{arg}>", "1", target)
        status = client.post(target, data={"x": "1"}).status_code
        assert status == 400, (rule.endpoint, status)


def _user_form(username: str, password: str) -> dict:
    return {"username": username, "password": password, "role": "admin", "staff_member_id": "0",
            "language": "", "active": "y"}  # fmt: skip


@pytest.mark.parametrize(
    "password, ok",
    [
        ("kort-pw", False),  # shorter than 10
        ("nio-tecke", False),  # 9 characters
        ("ny-anvandare-x", False),  # contains the username
        ("1234567890", False),  # a common password
        ("Hemtjänst-Ryd-7", True),
    ],
)
def test_password_policy_for_new_users(world, auth, client, password, ok):
    auth.login("admin")
    response = client.post("/admin/users/new", data=_user_form("ny-anvandare", password))
    assert (response.status_code == 302) is ok
    if not ok:
        page = response.get_data(as_text=True)
        assert "minst 10 tecken" in page or "inte är användarnamnet" in page


def test_production_refuses_a_weak_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_never_accepts_a_password_below_the_policy(world, app, client):
    """A demo account (password "demo") cannot log in when demo data is not allowed."""
    from teams.models import User

    user = factories.db.session.scalar(sa.select(User).where(User.username == "lead-a"))
    user.set_password("demo")
    factories.db.session.commit()
    app.config["DEMO_ALLOWED"] = False
    response = client.post("/login", data={"username": "lead-a", "password": "demo"})
    assert response.status_code == 401
    app.config["DEMO_ALLOWED"] = True
    response = client.post("/login", data={"username": "lead-a", "password": "demo"})
    assert response.status_code == 302


def test_login_is_throttled(world, client, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert (
            client.post("/login", data={"username": "lead-a", "password": "fel"}).status_code == 401
        )
    data = {"username": "lead-a", "password": factories.PASSWORD}
    assert client.post("/login", data=data).status_code == 429


@pytest.mark.parametrize(("proxies", "scheme", "ip"), [(0, "http", "127.0.0.1"),
                                                       (1, "https", "203.0.113.7")])  # fmt: skip
def test_behind_a_tls_proxy(monkeypatch, proxies, scheme, ip):
    """PROXY_COUNT=1 (a TLS-terminating proxy in front): the calendar link is https and the
    login throttle sees the client's address. Without it the headers are not trusted."""
    from teams.models import LoginAttempt

    monkeypatch.setattr(TestConfig, "PROXY_COUNT", proxies)
    app = create_app(TestConfig)
    app.test_client_class = FreshRequestClient
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
               "X-Forwarded-Host": "teamplan.example.se"}  # fmt: skip
    with app.app_context():
        _db.create_all()
        try:
            factories.make_user("sara", staff=factories.make_staff(factories.make_team()))
            _db.session.commit()
            client = app.test_client()
            client.post("/login", data={"username": "sara", "password": "fel"}, headers=headers)
            assert _db.session.scalar(sa.select(LoginAttempt.ip)) == ip
            client.post("/login", data={"username": "sara", "password": factories.PASSWORD},
                        headers=headers)  # fmt: skip
            page = client.get("/me/calendar", headers=headers).get_data(as_text=True)
            host = "teamplan.example.se" if proxies else "localhost"
            assert f"{scheme}://{host}/ical/" in page
        finally:
            _db.session.remove()
            _db.drop_all()
