"""App factory, configuration, error pages."""

import pytest

from app import create_app
from config import Config, ProductionConfig, config_from_env


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_to_start_without_database_url(monkeypatch):
    """An operator's unit file without DATABASE_URL (say the scheduler's) ran against a new,
    empty SQLite file in the instance folder, silently: its jobs did nothing for anyone."""
    monkeypatch.setenv("SECRET_KEY", "a-real-production-secret-key")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-real-production-secret-key")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite:///teamplan.db")
    with pytest.raises(RuntimeError, match="DATABASE_URL must be set"):
        create_app(ProductionConfig)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")  # named, even SQLite, is the operator's call
    ProductionConfig.check()


def test_production_is_chosen_from_the_environment(monkeypatch):
    monkeypatch.setenv("TEAMPLAN_ENV", "production")
    assert config_from_env() is ProductionConfig
    monkeypatch.delenv("TEAMPLAN_ENV")
    assert config_from_env() is Config


def test_production_forbids_demo_data():
    assert ProductionConfig.DEMO_ALLOWED is False and Config.DEMO_ALLOWED is True


def test_development_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(Config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///teamplan.db"


def test_404_page_is_swedish(world, auth, client):
    auth.login("lead-a")
    response = client.get("/clients/99999")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def test_403_page_is_swedish(world, auth, client):
    auth.login("eval")
    response = client.get(f"/teams/{world.team_a.id}")
    assert response.status_code == 403
    assert "Ingen behörighet" in response.get_data(as_text=True)


def test_405_page_is_swedish(world, auth, client):
    """A form's answer page opened again (its address reloaded, or the language switched on it)
    showed Werkzeug's English "Method Not Allowed"."""
    auth.login("lead-a")
    response = client.get("/logout")
    page = response.get_data(as_text=True)
    assert response.status_code == 405 and response.headers["Allow"] == "OPTIONS, POST"
    assert "Sidan kan inte öppnas så här" in page and "Method Not Allowed" not in page


def test_stylesheet_is_local_and_has_touch_targets(client):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "--touch: 44px" in css and "@import" not in css
    page = client.get("/login").get_data(as_text=True)
    assert "https://" not in page  # no CDN, no external fonts


def test_favicon_is_served_locally_without_login(client):
    response = client.get("/favicon.ico")  # browsers ask for it on their own
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert client.get("/static/favicon.svg").status_code == 200


def test_413_page_is_swedish(world, auth, client, app):
    """A form post over MAX_CONTENT_LENGTH outside the CSV import (which has its own page):
    Werkzeug's English "Request Entity Too Large" before."""
    auth.login("lead-a")
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/language", data={"language": "sv", "next": big})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Det du skickade är för stort (högst 2 MB)." in page and "Too Large" not in page
