"""Settings, read from the environment with defaults fit for development."""

import os

DEV_SECRET_KEY = "dev-only-not-secret"
DEV_DATABASE_URL = "sqlite:///teamplan.db"


class Config:
    """Development defaults; every value can be overridden from the environment."""

    ENV_NAME = os.environ.get("TEAMPLAN_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    # Relative SQLite paths resolve to the Flask instance folder.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", DEV_DATABASE_URL)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    LANGUAGES = ("sv", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
    SOLVER_TIME_LIMIT_S = int(os.environ.get("SOLVER_TIME_LIMIT_S", "60"))
    SCHEDULER_ENABLED = os.environ.get("SCHEDULER_ENABLED") == "1"
    # Reverse proxies (TLS terminators) in front of the app that set X-Forwarded-For, -Proto
    # and -Host: with 1, links such as the calendar feed are https and the login throttle
    # counts the client's address, not the proxy's. 0 trusts no such header.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    DEMO_ALLOWED = True
    # No request is bigger than a CSV import (1 MB, clients/csvfile.py) sent back for confirmation
    # as base64 (+33 %); a bigger upload is a 413, which the import page shows in words.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

    @classmethod
    def check(cls) -> None:
        """Refuse settings that are unsafe for this environment (nothing in development)."""


class ProductionConfig(Config):
    """Production: a real SECRET_KEY and DATABASE_URL are required, no demo data."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    DEMO_ALLOWED = False

    @classmethod
    def check(cls) -> None:
        if not os.environ.get("SECRET_KEY") or cls.SECRET_KEY == DEV_SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set to a real secret in production.")
        if len(cls.SECRET_KEY) < 16:
            raise RuntimeError("SECRET_KEY is too short for production (at least 16 characters).")
        if not os.environ.get("DATABASE_URL") and cls.SQLALCHEMY_DATABASE_URI == DEV_DATABASE_URL:
            raise RuntimeError(
                "DATABASE_URL must be set in production (e.g. "
                "postgresql+psycopg://user@host:5432/teamplan); without it the app would use "
                "a new SQLite file in the instance folder."
            )


class TestConfig(Config):
    """Tests: in-memory SQLite unless TEST_DATABASE_URL names another database."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    SCHEDULER_ENABLED = False


def config_from_env() -> type[Config]:
    """The config class named by TEAMPLAN_ENV (or FLASK_ENV): production or development."""
    env = os.environ.get("TEAMPLAN_ENV") or os.environ.get("FLASK_ENV") or "development"
    return ProductionConfig if env == "production" else Config
