"""The JSON API (session login): teams, problem and plan JSON, clients.

Errors answer JSON too: 400 {"error": ...} for bad parameters, 403 for roles that may not
see client data (evaluators, admins), 404 for another team's rows.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from clients.service import team_clients
from extensions import db, login_manager
from scheduling.plans import client_key, days_json, latest_plan_for, plan_json
from scheduling.problem_builder import build_problem
from scheduling.published import published_by_day
from teams.access import TEAM_MEMBERS, own_team_or_404, roles
from teams.models import Team
from timeutil import date_bounds, local_today, parse_day

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_DAYS = 28
STATES = ("published", "draft")


@bp.record_once
def _no_login_redirect(state) -> None:
    """A request without a session gets 401 JSON here, not a redirect to the login page."""
    login_manager.blueprint_login_views[bp.name] = None


@bp.errorhandler(401)
def unauthorized(error):
    return jsonify(error="login required"), 401


class BadParameter(Exception):
    pass


@bp.errorhandler(BadParameter)
def bad_parameter(error):
    return jsonify(error=str(error)), 400


@bp.errorhandler(403)
def forbidden(error):
    return jsonify(error="forbidden"), 403


@bp.errorhandler(404)
def not_found(error):
    return jsonify(error="not found"), 404


def _horizon(team: Team) -> tuple[date, int]:
    """start (YYYY-MM-DD, default today) and days (1-28, default the team's horizon)."""
    text = request.args.get("start")
    start = parse_day(text) if text is not None else local_today()
    if start is None:
        first, last = date_bounds()
        raise BadParameter(f"start must be a date YYYY-MM-DD from {first} to {last}")
    raw = request.args.get("days", str(team.horizon_days))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise BadParameter(f"days must be a whole number from 1 to {MAX_DAYS}")
    return start, int(raw)


@bp.get("/teams")
@roles("staff", "lead", "evaluator", "admin")
def teams():
    """The teams the user may see: their own, or all for evaluators and admins."""
    query = sa.select(Team).order_by(Team.name)
    if current_user.role in TEAM_MEMBERS:
        query = query.where(Team.id == current_user.team_id)
    return jsonify([{"id": t.id, "name": t.name} for t in db.session.scalars(query)])


@bp.get("/teams/<int:team_id>/problem")
@roles(*TEAM_MEMBERS)
def problem(team_id: int):
    team = own_team_or_404(team_id)
    start, days = _horizon(team)
    return jsonify(build_problem(team, start, days))


@bp.get("/teams/<int:team_id>/plan")
@roles(*TEAM_MEMBERS)
def plan(team_id: int):
    """published: what is published for each day (published.published_by_day), so the answer
    may mix versions (metrics "versions" says which for each day); 404 if nothing is for any
    day. draft: the newest draft overlapping the horizon, one version (a draft is built day by
    day on what is published)."""
    team = own_team_or_404(team_id)
    start, days = _horizon(team)
    state = request.args.get("state", "published")
    if state not in STATES:
        raise BadParameter("state must be published or draft")
    if state == "published":
        shown = published_by_day(team.id, start, start + timedelta(days=days))
        if not any(shown.values()):
            abort(404)
        return jsonify(days_json(shown, build_problem(team, start, days)))
    draft = latest_plan_for(team.id, start, days, "draft")
    if draft is None:
        abort(404)
    return jsonify(plan_json(draft, build_problem(team, start, days)))


@bp.get("/teams/<int:team_id>/clients")
@roles(*TEAM_MEMBERS)
def clients(team_id: int):
    team = own_team_or_404(team_id)
    return jsonify(
        [
            {"id": client_key(c.id), "name": c.name, "address": c.address}
            for c in team_clients(team.id)
        ]
    )
