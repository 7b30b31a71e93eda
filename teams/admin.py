"""Administration: teams and their settings, users and their roles."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from extensions import db
from formutil import form_page, options
from teams import service
from teams.access import roles
from teams.forms import TeamForm, UserForm
from teams.models import StaffMember, Team, User

bp = Blueprint("admin", __name__, url_prefix="/admin")

TEAM_FIELDS = (
    "name",
    "area",
    "office_address",
    "office_lat",
    "office_lon",
    "travel_speed_kmh",
    "travel_detour_factor",
    "travel_minimum_minutes",
    "horizon_days",
    "publish_policy",
    "edit_rule_policy",
    "is_pilot",
    "pilot_start",
    "is_comparison",
)
USER_FIELDS = ("username", "role", "active")


@bp.get("/teams")
@roles("admin")
def teams():
    rows = db.session.execute(
        sa.select(Team, sa.func.count(StaffMember.id))
        .outerjoin(StaffMember, StaffMember.team_id == Team.id)
        .group_by(Team.id)
        .order_by(Team.name)
    ).all()
    return render_template("admin/teams.html", rows=rows)


@bp.route("/teams/new", methods=["GET", "POST"])
@roles("admin")
def team_new():
    return _team_form(None)


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@roles("admin")
def team_edit(team_id: int):
    return _team_form(db.get_or_404(Team, team_id))


def _team_form(team: Team | None):
    form = TeamForm(obj=team)
    valid = form.validate_on_submit()
    if form.is_submitted() and _name_free(form, team) and valid:
        service.save_team(team, **{name: getattr(form, name).data for name in TEAM_FIELDS})
        db.session.commit()
        flash(_("Team saved."))
        return redirect(url_for(".teams"))
    return form_page(form, team.name if team else _("New team"), url_for(".teams"))


def _name_free(form: TeamForm, team: Team | None) -> bool:
    other = db.session.scalar(sa.select(Team).where(Team.name == form.name.data))
    if other is not None and other is not team:
        form.name.errors.append(_("A team with this name already exists."))
        return False
    return True


@bp.get("/users")
@roles("admin")
def users():
    rows = db.session.scalars(sa.select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@roles("admin")
def user_new():
    return _user_form(None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles("admin")
def user_edit(user_id: int):
    return _user_form(db.get_or_404(User, user_id))


def _user_form(user: User | None):
    form = UserForm(obj=user)
    if user is not None and not form.is_submitted():
        form.staff_member_id.data = user.staff_member_id or 0
        form.language.data = user.language or ""
    form.staff_member_id.choices = _staff_choices()
    form.new_staff_team_id.choices = _team_choices()
    valid = form.validate_on_submit()
    if form.is_submitted() and _user_checks(form, user) and valid:
        fields = {name: getattr(form, name).data for name in USER_FIELDS}
        fields["staff_member_id"] = form.staff_member_id.data or _new_staff_id(form)
        fields["language"] = form.language.data or None
        service.save_user(user, form.password.data, **fields)
        db.session.commit()
        flash(_("User saved."))
        return redirect(url_for(".users"))
    return form_page(form, user.username if user else _("New user"), url_for(".users"))


def _staff_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(StaffMember.id, StaffMember.name, Team.name)
        .join(Team, StaffMember.team_id == Team.id)
        .order_by(Team.name, StaffMember.name)
    ).all()
    return options([(0, _("None"))] + [(sid, f"{name} ({team})") for sid, name, team in rows])


def _team_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(sa.select(Team.id, Team.name).order_by(Team.name)).all()
    return options([(0, "–")] + [(team_id, name) for team_id, name in rows])


def _new_staff_id(form: UserForm) -> int | None:
    """The staff member the form asks to create with the user (a new team's first lead)."""
    team = db.session.get(Team, form.new_staff_team_id.data or 0)
    if team is None:
        return None
    staff = service.save_staff(None, team, name=form.new_staff_name.data.strip())
    return staff.id  # save_staff's audit entry flushed it


def _user_checks(form: UserForm, user: User | None) -> bool:
    """Rules that need the database: unique username, one user per staff member, a password,
    and an active administrator left."""
    ok = True
    other = db.session.scalar(sa.select(User).where(User.username == form.username.data))
    if other is not None and other is not user:
        form.username.errors.append(_("This username is taken."))
        ok = False
    linked = form.staff_member_id.data and db.session.scalar(
        sa.select(User).where(User.staff_member_id == form.staff_member_id.data)
    )
    if linked and linked is not user:
        form.staff_member_id.errors.append(_("This staff member already has a user."))
        ok = False
    if user is None and not form.password.data:
        form.password.errors.append(_("A new user needs a password."))
        ok = False
    if service.removes_last_admin(user, form.role.data, form.active.data):
        field = form.active if user.role == form.role.data else form.role
        field.errors.append(
            _(
                "This is the last active administrator: nobody could manage users then. "
                "Make another user an active administrator first."
            )
        )
        ok = False
    return ok
