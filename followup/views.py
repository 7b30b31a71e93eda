"""Follow-up pages for evaluators. Metrics come in a later issue; no figures are shown yet."""

import sqlalchemy as sa
from flask import Blueprint, render_template

from extensions import db
from teams.access import roles
from teams.models import Team

bp = Blueprint("followup", __name__, url_prefix="/followup")


@bp.get("/")
@roles("evaluator", "admin")
def index():
    """The teams under evaluation (pilot and comparison), without any client data."""
    teams = db.session.scalars(
        sa.select(Team).where(sa.or_(Team.is_pilot, Team.is_comparison)).order_by(Team.name)
    ).all()
    return render_template("followup/index.html", teams=teams)
