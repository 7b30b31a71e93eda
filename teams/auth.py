"""Logging in and out, the language switch, and where each role lands."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from extensions import db
from teams import service
from teams.access import roles
from teams.forms import PASSWORD_MIN_LENGTH, LanguageForm, LoginForm

bp = Blueprint("auth", __name__)

ALL_ROLES = ("staff", "lead", "evaluator", "admin")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    username, ip = form.username.data.strip(), request.remote_addr or "unknown"
    cfg = current_app.config
    if service.login_locked_out(
        username, ip, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCKOUT_MINUTES"]
    ):
        flash(
            _(
                "Too many failed attempts. Wait %(minutes)s minutes and try again.",
                minutes=cfg["LOGIN_LOCKOUT_MINUTES"],
            ),
            "error",
        )
        return render_template("auth/login.html", form=form), 429
    user = service.authenticate(username, form.password.data)
    if (
        user is not None
        and not cfg["DEMO_ALLOWED"]
        and len(form.password.data) < PASSWORD_MIN_LENGTH
    ):
        user = None  # outside development a password below the policy (the demo's) never works
    service.record_login_attempt(username, ip, succeeded=user is not None)
    db.session.commit()
    if user is None:
        flash(_("Wrong username or password."), "error")
        return render_template("auth/login.html", form=form), 401
    login_user(user)
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))


def _safe_next(target: str | None) -> str | None:
    """Only follow a next= that stays on this site."""
    if (
        not target
        or urlsplit(target).netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target  # browsers read /\host as //host
    ):
        return None
    return target


@bp.post("/logout")
@roles(*ALL_ROLES)
def logout():
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.home"))


@bp.get("/")
@roles(*ALL_ROLES)
def home():
    """Each role lands on its own start page."""
    if current_user.role == "evaluator":
        return redirect(url_for("followup.index"))
    if current_user.role == "admin":
        return redirect(url_for("admin.teams"))
    if current_user.team_id is None:
        abort(403)  # a staff account not yet linked to a staff member
    return redirect(url_for("teams.overview", team_id=current_user.team_id))
