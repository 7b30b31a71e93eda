"""The week board and its day view, a staff member's körlista, a client's visits, and the
hand edits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import ui
from clients.models import Client
from extensions import db
from formutil import day_or_404, week_arg
from scheduling import boardplan, edits, weekdata
from scheduling.board_forms import ClaimForm, GiveForm, MoveForm, SwapForm
from scheduling.models import Visit
from teams import service as team_service
from teams.access import (
    TEAM_MEMBERS,
    acting_user,
    check_team,
    is_lead,
    own_team_or_404,
    roles,
    staff_in_team_or_404,
)
from teams.models import StaffMember
from timeutil import local_today, monday_of, parse_day, week_param

bp = Blueprint("board", __name__)

CLIENT_DAYS = 14  # a client's "who comes when" shows this week and the next


def short_day(day: date) -> str:
    """'mån 23/11': a board column heading."""
    return f"{ui.WEEKDAY_NAMES[day.weekday()]} {day.day}/{day.month}"


@bp.context_processor
def template_helpers() -> dict:
    return {"timedelta": timedelta, "short_day": short_day, "weekday_names": ui.WEEKDAY_NAMES}


@bp.get("/teams/<int:team_id>/board")
@roles(*TEAM_MEMBERS)
def week(team_id: int):
    team = own_team_or_404(team_id)
    if "day" in request.args:
        return day_board(team, request.args["day"])
    monday = week_arg()
    shown = boardplan.plans_by_day(team.id, monday, monday + timedelta(days=7))
    flags_of = edits.rule_flags if edits.policy(team) == "flag" else None
    cards, unassigned = weekdata.board_cards(team.id, shown, flags_of)
    return render_template(
        "board/week.html",
        team=team,
        shown_plans=weekdata.shown_plans(shown),
        monday=monday,
        days=list(shown),
        staff=team_service.team_staff(team.id, active_only=True),
        grid=weekdata.grid(cards, monday),
        absences=weekdata.absences_by_day(team.id, monday, monday + timedelta(days=7)),
        unassigned=unassigned,
        week_param=week_param,
        today=local_today(),
        day_link=today_or_monday(monday),
    )


def today_or_monday(monday: date) -> date:
    """The day the week board's "one day at a time" link opens: today if it is in the week."""
    today = local_today()
    return today if monday <= today < monday + timedelta(days=7) else monday


def day_board(team, text: str):
    """One day of the week board (?day=YYYY-MM-DD) for a tablet in portrait: the same cards
    and links to the same edits, one staff member under the other instead of a wide table."""
    day = parse_day(text)
    if day is None:
        message = _(
            "That is not a day the board can show. "
            "Give the day as YYYY-MM-DD, for example %(day)s.",
            day=local_today().isoformat(),
        )
        return render_template("errors/400.html", message=message), 400
    nxt = day + timedelta(days=1)
    plan = boardplan.current_plan(team.id, day)
    flags = edits.rule_flags(plan) if plan and edits.policy(team) == "flag" else None
    cards = weekdata.cards_by_staff(plan, day, nxt, flags) if plan else {}
    absences = weekdata.absences_by_day(team.id, day, nxt)
    monday = monday_of(day)
    return render_template(
        "board/day.html",
        team=team,
        plan=plan,
        day=day,
        days=[monday + timedelta(days=i) for i in range(7)],
        staff=[s for s in team_service.team_staff(team.id, active_only=True) if s.id in cards],
        cards=cards,
        absences=absences,
        unassigned=weekdata.unassigned_cards(plan, team.id, day, nxt),
        week=week_param(monday),
        today=local_today(),
    )


@bp.get("/staff/<int:staff_id>/day/<day>")
@roles(*TEAM_MEMBERS)
def run_list(staff_id: int, day: str):
    staff = staff_in_team_or_404(staff_id)
    on = day_or_404(day)
    plan = boardplan.current_plan(staff.team_id, on)
    stops = weekdata.run_list(plan, staff, on) if plan else []
    shift = weekdata._shift_on(staff, on)
    return render_template(
        "board/run_list.html", staff=staff, day=on, plan=plan, stops=stops, shift=shift
    )


@bp.get("/clients/<int:client_id>/visits")
@roles(*TEAM_MEMBERS)
def client_view(client_id: int):
    """Who comes when: this week and the next, each day as the board shows it."""
    client = db.get_or_404(Client, client_id)
    check_team(client.team_id)
    start = monday_of(local_today())
    shown = boardplan.plans_by_day(client.team_id, start, start + timedelta(days=CLIENT_DAYS))
    visits = weekdata.client_visits(client, shown)
    staff = sorted({a.staff.name for _v, rows in visits for a in rows})
    return render_template(
        "board/client.html",
        client=client,
        shown_plans=weekdata.shown_plans(shown),
        visits=visits,
        staff=staff,
        start=start,
        end=max(shown),
    )


# ---------------------------------------------------------------------------------
# one visit and its edits


def visit_in_team_or_404(visit_id: int) -> Visit:
    visit = db.get_or_404(Visit, visit_id)
    check_team(visit.team_id)
    return visit


@bp.get("/visits/<int:visit_id>")
@roles(*TEAM_MEMBERS)
def visit(visit_id: int):
    return render_visit(visit_in_team_or_404(visit_id))


def render_visit(visit: Visit, result: edits.EditResult | None = None, status: int = 200):
    plan = boardplan.current_plan(visit.team_id, visit.date)
    rows = edits.rows_of(plan, visit.id) if plan else []
    me = current_user.staff_member
    on_it = [a.staff for a in rows]
    team = team_service.team_staff(visit.team_id, active_only=True)
    forms = _forms(visit, plan, rows, team)
    reason = ""
    if plan is not None and len(rows) < visit.staff_required:
        entry = next(
            (u for u in plan.solver_unassigned or [] if u.get("visit") == f"v{visit.id}"), None
        )
        from scheduling.conflicts import unassigned_reason

        reason = unassigned_reason(entry)
    return render_template(
        "board/visit.html",
        visit=visit,
        plan=plan,
        rows=rows,
        on_it=on_it,
        me=me,
        lead=is_lead(),
        result=result,
        reason=reason,
        distinct=edits.distinct_staff(plan, visit.client_id) if plan else 0,
        past=edits.is_past(visit),
        end=visit.earliest_start + timedelta(minutes=visit.duration_min),
        **forms,
    ), status


def _forms(visit: Visit, plan, rows, team: list[StaffMember]) -> dict:
    me = current_user.staff_member
    version = visit.version
    everyone = [(s.id, s.name) for s in team]
    on_ids = [a.staff_id for a in rows]
    claim = ClaimForm(version=version, staff_id=me.id)
    claim.staff_id.choices = everyone if is_lead() else [(me.id, me.name)]
    give = GiveForm(version=version)
    givers = [(a.staff_id, a.staff.name) for a in rows]
    give.giver_id.choices = givers if is_lead() else [(me.id, me.name)]
    give.to_id.choices = [(0, _("Nobody (back to unassigned)"))] + [
        (s.id, s.name) for s in team if s.id not in on_ids
    ]
    swap = SwapForm(version=version)
    swap.me_id.choices = give.giver_id.choices
    swap.other.choices = _swap_choices(visit, plan, on_ids)
    move = MoveForm(
        version=version, start=rows[0].start.time() if rows else visit.earliest_start.time()
    )
    return {"claim_form": claim, "give_form": give, "swap_form": swap, "move_form": move}


def _swap_choices(visit: Visit, plan, on_ids: list[int]) -> list[tuple[str, str]]:
    if plan is None:
        return []
    day = visit.date
    rows = boardplan.plan_rows(plan, day, day + timedelta(days=1))
    return [
        (
            f"{a.visit_id}:{a.staff_id}:{a.visit.version}",
            f"{a.staff.name}: {a.start:%H:%M} {a.visit.client.name}",
        )
        for a in rows
        if a.visit_id != visit.id and a.staff_id not in on_ids
    ]


def _may_act_for(staff_id: int) -> StaffMember:
    """Staff edit only their own place; a lead anyone's in the team."""
    staff = staff_in_team_or_404(staff_id)
    if not is_lead() and staff.id != current_user.staff_member_id:
        abort(403)
    return staff


def _finish(visit: Visit, run) -> tuple:
    """Run an edit; commit it, or roll everything back and say why."""
    try:
        result = run()
    except edits.StaleEdit:
        db.session.rollback()
        flash(edit_error_text("stale"), "error")
        return redirect(url_for(".visit", visit_id=visit.id)), None
    except edits.EditError as error:
        db.session.rollback()
        flash(edit_error_text(error.code), "error")
        return redirect(url_for(".visit", visit_id=visit.id)), None
    texts = [c.text for c in result.conflicts]
    continuity = [
        _(
            "Number of different staff for %(client)s: %(before)s → %(after)s",
            client=n,
            before=b,
            after=a,
        )
        for n, b, a in result.continuity
    ]
    if not result.applied:
        db.session.rollback()
        result.texts, result.continuity_texts = texts, continuity
        return render_visit(db.session.get(Visit, visit.id), result, 409), None
    db.session.commit()
    if result.flagged:
        flash(_("Saved, but it breaks a rule:") + " " + " · ".join(texts), "warning")
    else:
        flash(_("Saved. The plan is a draft until it is published."))
    for line in continuity:
        flash(line)
    target = request.form.get("next") or url_for(".visit", visit_id=visit.id)
    return redirect(
        target if target.startswith("/") else url_for(".visit", visit_id=visit.id)
    ), result


def edit_error_text(code: str) -> str:
    texts = {
        "stale": _(
            "Someone else changed this visit while you were looking. "
            "The page now shows the latest plan: please try again."
        ),
        "no_plan": _("There is no plan for this day yet."),
        "visit_full": _("The visit already has all the staff it needs."),
        "not_on_visit": _("That person is not on the visit."),
        "already_on_visit": _("That person is already on the visit."),
        "not_in_plan": _("The visit is not in the plan yet: claim it first."),
        "cancelled": _("The visit will not take place (cancelled), so there is nothing to change."),
        "past_day": _(
            "The visit was on an earlier day and the plan of past days is not changed. "
            "Record what happened under What happened."
        ),
    }
    return texts.get(code, code)


@bp.post("/visits/<int:visit_id>/claim")
@roles(*TEAM_MEMBERS)
def claim(visit_id: int):
    visit = visit_in_team_or_404(visit_id)
    form = ClaimForm()
    staff = _may_act_for(int(form.staff_id.data or current_user.staff_member_id))
    response, _result = _finish(
        visit, lambda: edits.claim(visit, form.seen_version, staff, acting_user())
    )
    return response


@bp.post("/visits/<int:visit_id>/give")
@roles(*TEAM_MEMBERS)
def give(visit_id: int):
    visit = visit_in_team_or_404(visit_id)
    form = GiveForm()
    giver = _may_act_for(int(form.giver_id.data or current_user.staff_member_id))
    to = staff_in_team_or_404(form.to_id.data) if form.to_id.data else None
    response, _result = _finish(
        visit, lambda: edits.give_away(visit, form.seen_version, giver, to, acting_user())
    )
    return response


@bp.post("/visits/<int:visit_id>/swap")
@roles(*TEAM_MEMBERS)
def swap(visit_id: int):
    visit = visit_in_team_or_404(visit_id)
    form = SwapForm()
    me = _may_act_for(int(form.me_id.data or current_user.staff_member_id))
    try:
        other_visit_id, other_id, other_version = (int(x) for x in form.other.data.split(":"))
    except (AttributeError, ValueError):
        abort(400)
    theirs = visit_in_team_or_404(other_visit_id)
    other = staff_in_team_or_404(other_id)
    response, _result = _finish(
        visit,
        lambda: edits.swap(
            visit, form.seen_version, theirs, other_version, me, other, acting_user()
        ),
    )
    return response


@bp.post("/visits/<int:visit_id>/move")
@roles(*TEAM_MEMBERS)
def move(visit_id: int):
    visit = visit_in_team_or_404(visit_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Give the new start time as HH:MM."), "error")
        return redirect(url_for(".visit", visit_id=visit.id))
    plan = boardplan.current_plan(visit.team_id, visit.date)
    on_it = {a.staff_id for a in edits.rows_of(plan, visit.id)} if plan else set()
    if not is_lead() and current_user.staff_member_id not in on_it:
        abort(403)
    start = datetime.combine(visit.date, form.start.data)
    response, _result = _finish(
        visit, lambda: edits.move(visit, form.seen_version, start, acting_user())
    )
    return response
