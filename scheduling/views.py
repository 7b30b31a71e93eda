"""Plan pages: propose (solver run with progress), versions, publish, diff, sick call."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

import ui
from extensions import db
from formutil import ConfirmForm
from scheduling import jobs, plans, sickcall
from scheduling.conflicts import unassigned_reason
from scheduling.models import Plan, SolverRun, Visit
from scheduling.plan_forms import ProposeForm, SickCallForm
from teams.access import TEAM_MEMBERS, acting_user, check_team, own_team_or_404, roles
from teams.service import team_staff
from timeutil import local_today

bp = Blueprint("scheduling", __name__)

RUN_PAGE_REFRESH_S = 5  # how often the run page reloads itself when JavaScript is off

# Why a run failed or a change was refused, by code (stored codes, translated here).
MESSAGES = {
    "invalid_problem": _l("The planning data could not be read. No plan was changed."),
    "invalid_plan": _l("The proposal broke a planning rule and was thrown away. No plan changed."),
    "crashed": _l("The planning stopped because of an error. No plan was changed."),
    "plan_changed": _l(
        "The plan was changed by hand while the planner worked. The proposal was not saved, "
        "so it cannot undo that change: propose again."
    ),
    "timeout": _l("The planning took too long and was stopped. No plan was changed."),
    "not_a_draft": _l("Only a draft can be published."),
    "publish_not_allowed": _l("In this team only the team lead publishes plans."),
    "no_published_plan": _l("There is no published plan for that day to re-plan from."),
    "plan_stale": _l(
        "A newer plan has been published for some of this draft's days since the draft was "
        "made. Publishing the draft would undo that plan, so it was not published: make a new "
        "proposal."
    ),
}


def message(code: str | None) -> str:
    return str(MESSAGES.get(code or "", code or ""))


def plan_in_team_or_404(plan_id: int) -> Plan:
    plan = db.get_or_404(Plan, plan_id)
    check_team(plan.team_id)
    return plan


def run_in_team_or_404(run_id: int) -> SolverRun:
    run = db.get_or_404(SolverRun, run_id)
    check_team(run.team_id)
    return run


def dispatch(run: SolverRun) -> None:
    """Start a committed run: in its own process (SOLVER_LAUNCH "process", the default),
    in this request ("inline", tests only) or not at all ("none", tests)."""
    mode = current_app.config.get("SOLVER_LAUNCH", "process")
    if run.state != "queued" or mode == "none":
        return
    if mode == "inline":
        jobs.run_solver(run.id, workers=1)
    else:
        jobs.launch(current_app._get_current_object(), run.id)


@bp.get("/teams/<int:team_id>/plans")
@roles(*TEAM_MEMBERS)
def index(team_id: int):
    team = own_team_or_404(team_id)
    return _plans_page(team, ProposeForm(start=_next_monday(), days=team.horizon_days))


def _plans_page(team, form: ProposeForm, status: int = 200):
    return render_template(
        "scheduling/plans.html",
        team=team,
        versions=plans.team_plans(team.id),
        run=jobs.active_run(team.id),
        form=form,
        may_publish=plans.may_publish(current_user, team),
    ), status


def _next_monday() -> date:
    today = local_today()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


@bp.post("/teams/<int:team_id>/plans/propose")
@roles(*TEAM_MEMBERS)
def propose(team_id: int):
    """Any team member may ask the solver for a proposal (a new draft version)."""
    team = own_team_or_404(team_id)
    form = ProposeForm()
    if not form.validate_on_submit():
        # The page again with what was typed and each field's error (a redirect showed the
        # defaults instead, and "Propose plan" again planned other days than the ones typed).
        return _plans_page(team, form, status=400)
    run = jobs.start_run(team, form.start.data, form.days.data, acting_user(), jobs.time_limit_s())
    db.session.commit()
    dispatch(run)
    return redirect(url_for(".run", run_id=run.id))


@bp.get("/runs/<int:run_id>")
@roles(*TEAM_MEMBERS)
def run(run_id: int):
    """The progress page; without JavaScript it reloads itself while the run is active."""
    run = run_in_team_or_404(run_id)
    _expire_if_stale(run)
    return render_template(
        "scheduling/run.html",
        run=run,
        fraction=_fraction(run),
        refresh_s=RUN_PAGE_REFRESH_S,
        confirm=ConfirmForm(),
        message=message,
    )


def _expire_if_stale(run: SolverRun) -> None:
    if run.active and jobs.expire_stale_runs():
        db.session.commit()


def _fraction(run: SolverRun) -> float:
    """How far the run has come: elapsed over the time limit, 1 once it has ended."""
    if not run.active:
        return 1.0
    elapsed = (run.progress or {}).get("elapsed_s") or 0
    return round(min(0.99, elapsed / max(1, run.time_limit_s)), 3)


@bp.get("/runs/<int:run_id>/progress")
@roles(*TEAM_MEMBERS)
def run_progress(run_id: int):
    """What the progress page polls: state, best continuity so far, elapsed time."""
    run = run_in_team_or_404(run_id)
    _expire_if_stale(run)
    progress = run.progress or {}
    return jsonify(
        state=run.state,
        elapsed_s=progress.get("elapsed_s") or 0,
        time_limit_s=run.time_limit_s,
        continuity=progress.get("continuity"),
        objective=progress.get("objective"),
        fraction=_fraction(run),
        plan_url=url_for(".plan", plan_id=run.plan_id) if run.plan_id else None,
        error=message(run.error_code) if run.error_code else None,
    )


@bp.post("/runs/<int:run_id>/cancel")
@roles(*TEAM_MEMBERS)
def run_cancel(run_id: int):
    run = run_in_team_or_404(run_id)
    if ConfirmForm().validate_on_submit():
        jobs.cancel_run(run)
        db.session.commit()
        flash(_("The planning is being stopped."))
    return redirect(url_for(".run", run_id=run.id))


@bp.get("/plans/<int:plan_id>")
@roles(*TEAM_MEMBERS)
def plan(plan_id: int):
    plan = plan_in_team_or_404(plan_id)
    days = {}
    for a in plans.plan_assignments(plan):
        days.setdefault(a.start.date(), []).append(a)
    return render_template(
        "scheduling/plan.html",
        plan=plan,
        days=days,
        unassigned=_unassigned(plan),
        stale=day_spans(plans.stale_days(plan)),
        may_publish=plans.may_publish(current_user, plan.team),
        confirm=ConfirmForm(),
    )


def day_spans(days: list[date]) -> str:
    """'mån 30 nov. 2026 – sön 6 dec. 2026, tis 8 dec. 2026': runs of consecutive days."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] + timedelta(days=1) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        ui.day(run[0]) if len(run) == 1 else f"{ui.day(run[0])} – {ui.day(run[-1])}" for run in runs
    )


def _unassigned(plan: Plan) -> list[tuple[Visit, str]]:
    """The visits the solver could not place, with the reason in the user's language."""
    entries = {plans.key_id(u["visit"]): u for u in plan.solver_unassigned or []}
    if not entries:
        return []
    visits = db.session.scalars(sa.select(Visit).where(Visit.id.in_(entries)))
    rows = [(v, unassigned_reason(entries[v.id])) for v in visits if not v.cancelled]
    return sorted(rows, key=lambda row: row[0].earliest_start)


@bp.post("/plans/<int:plan_id>/publish")
@roles(*TEAM_MEMBERS)
def publish(plan_id: int):
    plan = plan_in_team_or_404(plan_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    unstaffed = len(_unassigned(plan)) if plan.state == "draft" else 0
    if unstaffed and request.form.get("unstaffed_ok") != str(unstaffed):
        # The tick names the count the user saw: a different count asks again.
        flash(ngettext("%(num)s visit would have no staff. Tick the box to publish anyway.",
                       "%(num)s visits would have no staff. Tick the box to publish anyway.",
                       unstaffed), "error")  # fmt: skip
        return redirect(url_for(".plan", plan_id=plan.id, _anchor="publish"))
    try:
        plans.publish_plan(plan, acting_user())
    except plans.PlanError as exc:
        flash(message(exc.code), "error")
        return redirect(url_for(".plan", plan_id=plan.id))
    db.session.commit()
    flash(_("Version %(version)s is published.", version=plan.version))
    return redirect(url_for(".diff", plan_id=plan.id))


@bp.get("/plans/<int:plan_id>/diff")
@bp.get("/plans/<int:plan_id>/diff/<int:against_id>")
@roles(*TEAM_MEMBERS)
def diff(plan_id: int, against_id: int | None = None):
    """Changes from an older version to this one (default: from what was published for each
    day when it was made); a staff user sees the changes to their own week first."""
    plan = plan_in_team_or_404(plan_id)
    if against_id is None and plan.base_by_day is not None:
        changes = plans.diff_from_base(plan)
        old = ", ".join(str(v) for v in plans.base_versions(plan))
    else:
        against = plan_in_team_or_404(against_id) if against_id else None
        against = against or plan.based_on or _previous_published(plan)
        changes = plans.diff_plans(against, plan)
        old = str(against.version) if against else ""
    mine = [c for c in changes if c.staff.id == current_user.staff_member_id]
    return render_template(
        "scheduling/diff.html", plan=plan, old=old, changes=changes, mine=mine[0] if mine else None
    )


def _previous_published(plan: Plan) -> Plan | None:
    return next(
        (
            p
            for p in plans.team_plans(plan.team_id)
            if p.state == "published" and p.version < plan.version
        ),
        None,
    )


@bp.route("/teams/<int:team_id>/sick-call", methods=["GET", "POST"])
@roles("lead")
def sick_call(team_id: int):
    """A member calls in sick: record the absence and re-plan the affected days."""
    team = own_team_or_404(team_id)
    form = SickCallForm(day=local_today())
    form.set_staff_choices(team_staff(team.id, active_only=True))
    if not form.validate_on_submit():
        return render_template("scheduling/sick_call.html", team=team, form=form), (
            400 if form.errors else 200
        )
    staff = next(s for s in team.staff if s.id == form.staff_id.data)
    sickcall.report_sick(staff, form.day.data, acting_user(), form.end_date.data)
    try:
        run = sickcall.start_replan(staff, form.day.data, acting_user(), jobs.time_limit_s())
    except plans.PlanError as exc:
        db.session.commit()  # the sick day is recorded even without a plan to re-plan
        flash(message(exc.code), "error")
        return redirect(url_for(".index", team_id=team.id))
    db.session.commit()
    dispatch(run)
    flash(_("%(name)s is recorded as sick. A new plan for the affected days is being made.",
            name=staff.name))  # fmt: skip
    return redirect(url_for(".run", run_id=run.id))
