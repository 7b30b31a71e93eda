"""Who may see a team's follow-up figures: evaluators (any team), a lead (own team)."""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user

from extensions import MAX_ID, db
from followup.records import BASES, Window
from formutil import Refused, bounds_message
from teams.models import Team
from timeutil import parse_day

MAX_DAYS = 366


def known_id(value: int | None) -> int | None:
    """An id from a request that could exist in the database, else None."""
    return value if value is not None and 0 < value <= MAX_ID else None


def team_for_followup(team_id: int | None) -> Team:
    """The team if the user may see its figures (404 otherwise, hiding other teams)."""
    team_id = known_id(team_id)
    team = db.session.get(Team, team_id) if team_id is not None else None
    if team is None:
        abort(404)
    if current_user.role == "evaluator":
        return team
    if current_user.role == "lead" and current_user.team_id == team.id:
        return team
    abort(404)


def window_from_args(default_start: date, default_days: int = 14) -> Window:
    """start=YYYY-MM-DD and days=N from the query string (400 when malformed, or when the
    start lies outside timeutil.date_bounds())."""
    text = request.args.get("start")
    start = parse_day(text) if text else default_start
    if start is None:
        raise Refused(bounds_message())
    try:
        days = int(request.args.get("days", default_days))
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise Refused(_("Choose between 1 and %(n)s days.", n=MAX_DAYS))
    return Window(start, days)


def basis_from_args() -> str:
    basis = request.args.get("basis", "performed")
    if basis not in BASES:
        abort(400)
    return basis
