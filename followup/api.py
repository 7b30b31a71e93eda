"""JSON API of the follow-up: GET /api/followup/continuity (evaluator or the team's lead)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from followup import service
from followup.access import basis_from_args, team_for_followup, window_from_args
from followup.continuity import CONTINUITY_DEFINITION, WINDOW_DAYS
from followup.pseudonyms import pseudonyms
from formutil import Refused
from teams.access import roles
from timeutil import local_today

bp = Blueprint("followup_api", __name__, url_prefix="/api/followup")


@bp.get("/continuity")
@roles("evaluator", "lead")
def continuity():
    """The §2 continuity figure for one team and window; clients only as pseudonyms."""
    team = team_for_followup(request.args.get("team", type=int))
    # Default: the 14 whole days up to yesterday in Sweden, as the lead's page shows.
    window = window_from_args(local_today() - timedelta(days=14))
    if window.days != WINDOW_DAYS:  # the figure is defined over 14 days (DOMAIN.md §2)
        raise Refused(_("Continuity is counted over 14 days: choose 14 days."))
    basis = basis_from_args()
    result = service.continuity_for(service.load_team(team, window), basis)
    names = pseudonyms(result.per_client, "K")
    clients = sorted(
        ({"client": names[c], "distinct_staff": n} for c, n in result.per_client.items()),
        key=lambda row: (-row["distinct_staff"], row["client"]),
    )
    return jsonify(
        {
            "team": team.id,
            "start": window.start.isoformat(),
            "days": window.days,
            "basis": basis,
            "definition": CONTINUITY_DEFINITION,
            "mean": result.mean,
            "median": result.median,
            "share_over_20": result.share_over_20,
            "eligible_clients": result.eligible_clients,
            "all_clients_mean": result.all_clients_mean,
            "distribution": {str(k): n for k, n in result.distribution.items()},
            "clients": clients,
        }
    )
