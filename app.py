"""The Teamplan app factory."""

import sqlalchemy as sa
from flask import Flask, abort, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import Config, config_from_env
from extensions import MAX_ID, babel, csrf, db, login_manager, migrate
from formutil import Refused

# Only this site's own files: no inline script or style, no framing, forms post here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Endpoints anyone may reach without logging in; every other one needs a role (see access.roles).
PUBLIC_ENDPOINTS = frozenset({"static", "auth.login", "auth.set_language", "ical.feed"})


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    config_class.check()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    register_proxy(app)
    register_id_converter(app)
    register_extensions(app)
    register_blueprints(app)
    register_favicon(app)
    register_access_control(app)
    register_form_tokens(app)
    register_security_headers(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    start_scheduler(app)
    return app


def select_locale() -> str:
    """The user's saved language, then the session's choice, then Swedish."""
    languages = ("sv", "en")
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("locale") in languages:
        return session["locale"]
    return "sv"


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number no id column can hold is no match (404), not
    a query PostgreSQL refuses (its INTEGER is 32 bits: a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def register_id_converter(app: Flask) -> None:
    """Before any route is added: the routes' ``int`` converter is IdConverter."""
    app.url_map.converters["int"] = IdConverter


def register_proxy(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take scheme, host and client address from their
    X-Forwarded-* headers (werkzeug's ProxyFix); with none, those headers are ignored."""
    count = app.config.get("PROXY_COUNT", 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    import models  # noqa: F401  (every model registered before migrations look)

    db.init_app(app)
    register_sqlite_pragmas(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(models.User, int(user_id))


def register_sqlite_pragmas(app: Flask) -> None:
    """An SQLite file runs in WAL mode: readers never block the writer, and a crash mid-write
    leaves the last committed state. A busy writer is waited for, not failed at once."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return

    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    with app.app_context():
        sa.event.listen(db.engine, "connect", on_connect)


def register_blueprints(app: Flask) -> None:
    from clients.views import bp as clients_bp
    from followup.api import bp as followup_api_bp
    from followup.views import bp as followup_bp
    from scheduling.api import bp as scheduling_api_bp
    from scheduling.board import bp as board_bp
    from scheduling.ical import bp as ical_bp
    from scheduling.views import bp as scheduling_bp
    from teams.admin import bp as admin_bp
    from teams.auth import bp as auth_bp
    from teams.selfservice import bp as selfservice_bp
    from teams.views import bp as teams_bp

    for bp in (
        auth_bp,
        teams_bp,
        clients_bp,
        admin_bp,
        followup_bp,
        followup_api_bp,
        board_bp,
        selfservice_bp,
    ):
        app.register_blueprint(bp)
    for bp in (scheduling_bp, scheduling_api_bp, ical_bp):
        app.register_blueprint(bp)


def register_favicon(app: Flask) -> None:
    """Browsers ask for /favicon.ico on their own: serve the static one (endpoint "static",
    so it is public and cached like the other static files)."""
    app.add_url_rule(
        "/favicon.ico", endpoint="static", view_func=app.view_functions["static"],
        defaults={"filename": "favicon.ico"},
    )  # fmt: skip


def register_access_control(app: Flask) -> None:
    """Deny by default: a view without declared roles is reachable by nobody."""

    @app.before_request
    def require_role():
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        view = app.view_functions[request.endpoint]
        if current_user.role not in getattr(view, "allowed_roles", ()):
            abort(403)
        return None


def register_form_tokens(app: Flask) -> None:
    """A create form sent twice creates one record (formtokens.py)."""
    import formtokens

    formtokens.install(app)


def register_security_headers(app: Flask) -> None:
    """Headers on every response; pages with care data are never stored by caches."""

    @app.after_request
    def add_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_error_handlers(app: Flask) -> None:
    def render_error(code: int):
        return render_template(f"errors/{code}.html"), code

    @app.errorhandler(400)
    def bad_request(error):
        said = error.description if isinstance(error, Refused) else None  # the app's words
        return render_template("errors/400.html", message=said), 400

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400)

    @app.errorhandler(403)
    def forbidden(error):
        return render_error(403)

    @app.errorhandler(404)
    def not_found(error):
        return render_error(404)

    @app.errorhandler(405)
    def method_not_allowed(error):
        # e.g. the address of a form's answer (a board conflict) opened again or reloaded
        page, code = render_error(405)
        return page, code, {"Allow": ", ".join(sorted(error.valid_methods or []))}

    @app.errorhandler(413)
    def too_large(error):
        # Only a paste of megabytes reaches it (the CSV import has its own page for a file).
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        message = _("What you sent is too large (at most %(mb)s MB).", mb=limit)
        return render_template("errors/400.html", message=message), 413

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def register_template_helpers(app: Flask) -> None:
    import ui

    ui.register(app)
    app.jinja_env.globals["get_locale"] = get_locale


def start_scheduler(app: Flask) -> None:
    """The deployment's one APScheduler, only when SCHEDULER_ENABLED (see scheduling/jobs.py)."""
    from scheduling.jobs import start_scheduler as start

    start(app)


def register_commands(app: Flask) -> None:
    import commands

    commands.register(app)
