"""Who may see what. Views declare their roles with @roles(...); app.py refuses the rest.
Staff and leads see their own team only: another team's rows answer 404."""

from collections.abc import Callable

from flask import abort
from flask_login import current_user

from extensions import db
from teams.models import StaffMember, Team, User

TEAM_MEMBERS = ("staff", "lead")


def roles(*names: str) -> Callable:
    """Declare which roles may use a view (checked for every request in app.py)."""

    def decorate(view: Callable) -> Callable:
        view.allowed_roles = frozenset(names)
        return view

    return decorate


def own_team_or_404(team_id: int) -> Team:
    """The team, if the current user belongs to it (otherwise 404, hiding that it exists)."""
    if current_user.team_id != team_id:
        abort(404)
    return db.get_or_404(Team, team_id)


def check_team(team_id: int) -> None:
    """404 unless the row's team is the current user's team."""
    if current_user.team_id is None or current_user.team_id != team_id:
        abort(404)


def staff_in_team_or_404(staff_id: int) -> StaffMember:
    staff = db.get_or_404(StaffMember, staff_id)
    check_team(staff.team_id)
    return staff


def is_lead() -> bool:
    return current_user.is_authenticated and current_user.role == "lead"


def require_lead() -> None:
    if not is_lead():
        abort(403)


def may_edit_schedule_of(staff: StaffMember) -> bool:
    """A lead edits anyone's shifts and absences in the team; staff only their own."""
    if current_user.team_id != staff.team_id:
        return False
    return is_lead() or current_user.staff_member_id == staff.id


def acting_user() -> User:
    """The logged-in user as a plain model object (for relationships such as entered_by)."""
    return current_user._get_current_object()
