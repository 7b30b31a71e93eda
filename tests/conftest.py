"""Fixtures: app, client, db, a login helper and a small two-team world.

The database is TEST_DATABASE_URL if set (e.g. PostgreSQL in CI), else in-memory SQLite.
"""

from datetime import UTC, datetime

import pytest
from flask import g
from flask.testing import FlaskClient

from app import create_app
from config import TestConfig
from extensions import db as _db
from tests import factories


def pytest_report_header(config):
    return f"database: {TestConfig.SQLALCHEMY_DATABASE_URI.split('@')[-1]}"


class FreshRequestClient(FlaskClient):
    """The app fixture keeps one app context pushed (so tests can use db.session), which
    requests then share. Clear what extensions cache on g, so each request starts as in
    production: its own locale (Flask-Babel) and its own user (Flask-Login)."""

    def open(self, *args, **kwargs):
        for key in ("_flask_babel", "_login_user"):
            g.pop(key, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app():
    app = create_app(TestConfig)
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _db.drop_all()  # a server database may hold rows from an interrupted run
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


class Auth:
    """Log the test client in and out (FL tests/conftest.py AuthActions)."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def login(self, username: str, password: str = factories.PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def world(db):
    """Two teams (A and B), each with a lead, a staff member and a client with a care need,
    plus an evaluator and an admin. Usernames: lead-a, staff-a, lead-b, staff-b, eval, admin."""
    w = factories.two_team_world()
    db.session.commit()
    return w


@pytest.fixture
def clock(monkeypatch):
    """Set the app's clock (timeutil: local_now, local_today, utcnow) to a UTC instant, e.g.
    clock(datetime(2026, 12, 31, 23, 30)): 2027-01-01 00:30 in Sweden, while date.today() on
    a UTC server still says 31 December. Code that reads the date elsewhere is not moved."""
    import timeutil

    def set_clock(utc: datetime) -> None:
        class Fixed(datetime):
            @classmethod
            def now(cls, tz=None):
                at = utc.replace(tzinfo=UTC)
                return at.astimezone(tz) if tz is not None else at.replace(tzinfo=None)

        monkeypatch.setattr(timeutil, "datetime", Fixed)

    return set_clock
