"""Follow-up pages: the evaluator's and the lead's dashboards, the export, and recording
what happened to each visit (staff and leads)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import click
import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

import audit
import ui
from extensions import db
from followup import dashboards, export, jobs, service
from followup.access import known_id, team_for_followup, window_from_args
from followup.models import VisitOutcome
from followup.records import OUTCOMES, has_started
from formutil import day_arg
from scheduling.models import Visit
from scheduling.plans import current_assignments
from teams.access import acting_user, check_team, roles
from teams.models import StaffMember
from timeutil import local_today

bp = Blueprint("followup", __name__, url_prefix="/followup")


@bp.get("/")
@roles("evaluator", "admin")
def index():
    """Pilot against comparison teams, before and after the pilot start (aggregates only)."""
    return render_template("followup/evaluator.html", **dashboards.evaluator_view())


@bp.get("/team")
@roles("lead")
def team():
    """The lead's dashboard for their own team."""
    own = team_for_followup(current_user.team_id)
    return render_template("followup/lead.html", **dashboards.lead_view(own))


@bp.get("/export")
@roles("evaluator", "lead")
def download():
    """The pseudonymised export as a zip (CSV files or an XLSX workbook + data dictionary)."""
    team = team_for_followup(request.args.get("team", type=int))
    window = window_from_args(local_today() - timedelta(days=14))
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(400)
    data = service.load_team(team, window)
    payload = export.build_zip(data, fmt)
    audit.log(
        "followup.export", team, team_id=team.id, format=fmt,
        start=window.start.isoformat(), days=window.days, version=export.EXPORT_VERSION,
    )  # fmt: skip
    db.session.commit()
    return send_file(
        io.BytesIO(payload),
        mimetype="application/zip",
        as_attachment=True,
        download_name=export.filename(data, fmt),
    )


@bp.get("/outcomes")
@roles("staff", "lead")
def outcomes():
    """Today's or yesterday's visits with big buttons for what happened."""
    day = day_arg()
    team_id = current_user.team_id
    if team_id is None:
        abort(404)
    planned = current_assignments(team_id, day, day + timedelta(days=1), "published")
    mine = current_user.role != "lead" or request.args.get("mine") == "1"
    team_rows = visit_rows(team_id, day, planned)
    me = current_user.staff_member_id if mine else None
    rows = team_rows if me is None else [r for r in team_rows if is_own(r, me)]
    staff = db.session.scalars(
        sa.select(StaffMember).where(StaffMember.team_id == team_id, StaffMember.active)
        .order_by(StaffMember.name)
    ).all()  # fmt: skip
    return render_template(
        "followup/outcomes.html", rows=rows, day=day, staff=staff, mine=mine,
        team_visits=len(team_rows), outcomes=OUTCOMES, today=local_today(),
        yesterday=local_today() - timedelta(days=1),
    )  # fmt: skip


def visit_rows(team_id: int, day: date, planned: dict) -> list[dict]:
    """The day's visits (not cancelled) with their planned start, staff and outcome."""
    visits = db.session.scalars(
        sa.select(Visit).where(Visit.team_id == team_id, Visit.date == day, ~Visit.cancelled)
    ).all()
    recorded = {
        o.visit_id: o
        for o in db.session.scalars(
            sa.select(VisitOutcome).where(VisitOutcome.visit_id.in_([v.id for v in visits]))
        )
    }
    rows, now = [], service.local_now()
    for v in visits:
        assigned = planned.get(v.id, [])
        start = service.planned_start(v, assigned)
        rows.append({"visit": v, "start": start, "staff": [a.staff for a in assigned],
                     "staff_ids": {a.staff_id for a in assigned},
                     "outcome": recorded.get(v.id),
                     # "Done" is refused before the start (service.record_outcome): no button
                     "started": has_started(start, now)})  # fmt: skip
    return sorted(rows, key=lambda r: (r["start"], r["visit"].id))


def is_own(row: dict, staff_id: int) -> bool:
    """A visit of the staff member's own: planned for them, or recorded as done by them."""
    outcome = row["outcome"]
    return staff_id in row["staff_ids"] or bool(outcome and outcome.done_by_id == staff_id)


@bp.post("/outcomes/<int:visit_id>")
@roles("staff", "lead")
def record(visit_id: int):
    """Record one visit's outcome; staff for their own visits, the lead for the team's."""
    visit = db.get_or_404(Visit, visit_id)
    check_team(visit.team_id)
    kind = request.form.get("kind", "")
    if kind not in OUTCOMES:
        abort(400)
    assigned = service.assigned_in_force(visit)
    ids = [a.staff_id for a in assigned]
    me = current_user.staff_member_id
    if current_user.role != "lead" and me not in ids:
        abort(403)
    back = url_for(".outcomes", day=visit.date.isoformat(), mine=request.args.get("mine"))
    done_by = known_id(request.form.get("done_by", type=int))
    if kind == "done_by_other":
        member = db.session.get(StaffMember, done_by) if done_by else None
        if member is None or member.team_id != visit.team_id:
            flash(_("Choose who did the visit."), "error")
            return redirect(back)
    moved = None
    if kind == "moved":
        try:
            moved = datetime.combine(
                visit.date, datetime.strptime(request.form["time"], "%H:%M").time()
            )
        except (KeyError, ValueError):
            flash(_("Give the new start time."), "error")
            return redirect(back)
    replaced = me if (me in ids and current_user.role != "lead") else None
    if kind == "done_by_other" and replaced is None and len(ids) > 1:
        # A double-staffed visit recorded by the lead: whom the other person replaced is
        # asked, not guessed (the figures count the one who stayed and the one who came).
        replaced = known_id(request.form.get("replaced", type=int))
        if replaced not in ids:
            flash(_("Choose who was replaced on the visit."), "error")
            return redirect(back)
    try:
        service.record_outcome(
            visit, kind, acting_user(), done_by, replaced, moved, assigned=assigned
        )
    except service.OutcomeRefused as refused:
        db.session.rollback()
        if refused.code == "no_staff":
            flash(_("No one is planned on this visit: choose who did it."), "error")
        else:
            flash(not_started_message(refused.start), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Saved."))
    return redirect(back)


def not_started_message(start: datetime) -> str:
    return _(
        "The visit starts %(day)s at %(time)s. It cannot be recorded as done before it has "
        "started.",
        day=ui.day(start),
        time=ui.clock(start),
    )


@bp.cli.command("snapshots")
@click.option("--weeks", default=jobs.WEEKS_BACK, help="How many past weeks to fill in.")
def snapshots_command(weeks: int) -> None:
    """Compute missing weekly follow-up snapshots now (the nightly job does the same)."""
    made = jobs.snapshot_missing(weeks=weeks)
    db.session.commit()
    click.echo(f"{made} snapshots made.")
