"""Staff self-service: Min vecka (my visits and shifts) and Mina pass (my shifts, absences
and wishes). A staff member works on their own schedule; a lead may open anyone's in the
team with ?staff=<id>."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

import audit
from extensions import db
from formutil import ConfirmForm, day_arg, form_page, week_arg
from scheduling import weekdata
from scheduling.sickcall import lock_member, report_sick, sick_on
from teams import service, shiftrules
from teams.access import (
    TEAM_MEMBERS,
    acting_user,
    is_lead,
    may_edit_schedule_of,
    roles,
    staff_in_team_or_404,
)
from teams.models import Absence, Shift, StaffMember
from teams.selfservice_forms import LeaveForm, MyShiftForm, WishForm
from teams.wishes import Wish
from timeutil import local_today, monday_of, parse_week, week_param

bp = Blueprint("selfservice", __name__, url_prefix="/me")


@bp.context_processor
def template_helpers() -> dict:
    return {"timedelta": timedelta, "week_param": week_param, "sick_on": sick_on}


def subject() -> StaffMember:
    """Whose schedule the page is about: mine, or (for a lead) ?staff=<id> in my team."""
    wanted = request.values.get("staff", type=int)
    if wanted and wanted != current_user.staff_member_id:
        staff = staff_in_team_or_404(wanted)
        if not may_edit_schedule_of(staff):
            abort(403)
        return staff
    if current_user.staff_member is None:
        abort(404)
    return current_user.staff_member


def back(staff: StaffMember, monday: date | None = None, endpoint: str = ".shifts"):
    args = {"week": week_param(monday)} if monday else {}
    if staff.id != current_user.staff_member_id:
        args["staff"] = staff.id
    return redirect(url_for(endpoint, **args))


@bp.get("/week")
@roles(*TEAM_MEMBERS)
def week():
    staff = subject()
    monday = week_arg()
    return render_template(
        "selfservice/week.html",
        staff=staff,
        monday=monday,
        days=weekdata.staff_week(staff, monday),
        today=local_today(),
        confirm=ConfirmForm(),
    )


@bp.get("/shifts")
@roles(*TEAM_MEMBERS)
def shifts():
    staff = subject()
    today = local_today()
    monday = week_arg()
    return render_template(
        "selfservice/shifts.html",
        staff=staff,
        monday=monday,
        this_monday=monday_of(today),
        shifts=shiftrules.week_shifts(staff, monday),
        absences=[a for a in staff.absences if a.end_date >= today],
        wishes=db.session.scalars(db.select(Wish).where(Wish.staff_id == staff.id)).all(),
        wish_form=WishForm(),
        confirm=ConfirmForm(),
        today=today,
    )


def shift_times(form: MyShiftForm) -> tuple[datetime, datetime, tuple | None]:
    start = datetime.combine(form.day.data, form.start.data)
    end = datetime.combine(form.day.data, form.end.data)
    if end <= start:
        end += timedelta(days=1)
    brk = None
    if form.break_earliest.data:
        window = (form.break_earliest.data, form.break_latest.data)
        brk = tuple(shiftrules.at_or_after(start, t) for t in window)
    return start, end, brk


def rule_check(form: MyShiftForm, staff: StaffMember, shift_id: int | None) -> bool:
    """Overlap and daily rest; a lead's exception for a 9-11 h rest is logged."""
    start, end, _brk = shift_times(form)
    issues = shiftrules.check_shift(staff, shiftrules.Period(start, end, shift_id))
    exception = bool(form.rest_exception.data) and is_lead()
    blocking = shiftrules.refusing(issues, exception)
    if blocking:
        form.end.errors = [*form.end.errors, *(i.text for i in blocking)]
        return False
    if issues:
        flash(
            _("Saved as an exception from the 11-hour daily rest:") + " " + issues[0].text,
            "warning",
        )
    return True


def _shift_page(form: MyShiftForm, staff: StaffMember, title: str):
    if not is_lead():
        del form.rest_exception
    monday = monday_of(form.day.data or local_today())
    return form_page(form, title, url_for(".shifts", week=week_param(monday)))


@bp.route("/shifts/new", methods=["GET", "POST"])
@roles(*TEAM_MEMBERS)
def shift_new():
    staff = subject()
    day = day_arg()
    form = MyShiftForm(
        day=day, start=datetime.min.time().replace(hour=7), end=datetime.min.time().replace(hour=15)
    )
    if not (form.validate_on_submit() and rule_check(form, staff, None)):
        return _shift_page(form, staff, _("New shift for %(name)s", name=staff.name))
    start, end, brk = shift_times(form)
    service.add_shift(
        staff,
        form.day.data,
        form.start.data,
        form.end.data,
        (form.break_earliest.data, form.break_latest.data) if brk else None,
        form.break_minutes.data or 0,
        acting_user(),
    )
    log_rest_exception(form, staff, start)
    db.session.commit()
    flash(_("Shift saved."))
    return back(staff, monday_of(start.date()))


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@roles(*TEAM_MEMBERS)
def shift_edit(shift_id: int):
    shift = _own_shift_or_404(shift_id)
    staff = shift.staff
    form = MyShiftForm(
        obj=shift,
        day=shift.start.date(),
        start=shift.start.time(),
        end=shift.end.time(),
        break_earliest=shift.break_earliest.time() if shift.break_earliest else None,
        break_latest=shift.break_latest.time() if shift.break_latest else None,
    )
    if not (form.validate_on_submit() and rule_check(form, staff, shift.id)):
        return _shift_page(form, staff, _("Change shift"))
    start, end, brk = shift_times(form)
    warning = shiftrules.shift_warning(shift, (start, end))
    shiftrules.update_shift(shift, start, end, brk, form.break_minutes.data or 0)
    log_rest_exception(form, staff, start)
    db.session.commit()
    flash(_("Shift saved."))
    if warning:
        flash(warning, "warning")
    return back(staff, monday_of(start.date()))


def log_rest_exception(form: MyShiftForm, staff: StaffMember, start: datetime) -> None:
    if is_lead() and form.rest_exception.data:
        audit.log("shift.rest_exception", staff, team_id=staff.team_id, start=start)


def _own_shift_or_404(shift_id: int) -> Shift:
    shift = db.get_or_404(Shift, shift_id)
    staff = staff_in_team_or_404(shift.staff_id)
    if not may_edit_schedule_of(staff):
        abort(403)
    return shift


@bp.post("/shifts/<int:shift_id>/delete")
@roles(*TEAM_MEMBERS)
def shift_delete(shift_id: int):
    shift = _own_shift_or_404(shift_id)
    staff, monday = shift.staff, monday_of(shift.start.date())
    if ConfirmForm().validate_on_submit():
        warning = shiftrules.shift_warning(shift)
        service.delete_shift(shift)
        db.session.commit()
        flash(_("Shift removed."))
        if warning:
            flash(warning, "warning")
    return back(staff, monday)


@bp.post("/shifts/copy")
@roles(*TEAM_MEMBERS)
def copy_week():
    staff = subject()
    source = parse_week(request.form.get("source"))
    target = parse_week(request.form.get("target"))
    if not ConfirmForm().validate_on_submit() or None in (source, target) or target <= source:
        abort(400)
    copied, skipped = shiftrules.copy_week(staff, source, target, acting_user())
    db.session.commit()
    week = target.isocalendar().week
    flash(ngettext("%(num)s shift copied to week %(week)s.",
                   "%(num)s shifts copied to week %(week)s.", copied, week=week))  # fmt: skip
    if skipped:
        flash(ngettext("%(num)s shift was not copied: it overlaps or breaks the daily rest.",
                       "%(num)s shifts were not copied: they overlap or break the daily rest.",
                       skipped), "warning")  # fmt: skip
    return back(staff, target)


@bp.route("/sick-today", methods=["GET", "POST"])
@roles(*TEAM_MEMBERS)
def sick_today():
    """Sick today: GET asks for confirmation (no JavaScript needed), POST registers it.
    Without a shift today there is nothing to report sick from, and nothing is saved."""
    staff, today = subject(), local_today()
    shifts = [s for s in staff.shifts if s.start.date() == today]
    if request.method == "GET":
        return render_template(
            "selfservice/sick_today.html",
            staff=staff,
            today=today,
            shifts=shifts,
            sick=sick_on(staff, today),
            confirm=ConfirmForm(),
        )
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _report_sick_today(staff, today, shifts)
    return back(staff, endpoint=".week")


def _report_sick_today(staff: StaffMember, today: date, shifts: list[Shift]) -> None:
    """Register sickness for today once, and only on a day with a shift; say what happened."""
    lock_member(staff)  # a second tap at the same moment waits, then finds this one's absence
    if sick_on(staff, today):
        flash(_("Sickness is already registered for today."))
    elif not shifts:
        flash(_("No shift today, so nothing was registered."), "warning")
    else:
        report_sick(staff, today, acting_user())
        db.session.commit()
        if staff.id == current_user.staff_member_id:
            flash(_("You are registered as sick today. Get well! The team sees it on the board."))
        else:
            flash(_("%(name)s is registered as sick today. The team sees it on the board.",
                    name=staff.name))  # fmt: skip


@bp.route("/absences/new", methods=["GET", "POST"])
@roles(*TEAM_MEMBERS)
def absence_new():
    staff = subject()
    form = LeaveForm(start_date=local_today(), end_date=local_today())
    if not form.validate_on_submit():
        return form_page(form, _("New absence for %(name)s", name=staff.name), url_for(".shifts"))
    service.add_absence(
        staff, form.kind.data, form.start_date.data, form.end_date.data, acting_user()
    )
    db.session.commit()
    flash(_("Absence saved."))
    warning = shiftrules.absence_warning(staff, form.start_date.data, form.end_date.data)
    if warning:
        flash(warning, "warning")
    return back(staff)


@bp.post("/absences/<int:absence_id>/delete")
@roles(*TEAM_MEMBERS)
def absence_delete(absence_id: int):
    absence = db.get_or_404(Absence, absence_id)
    staff = staff_in_team_or_404(absence.staff_id)
    if not may_edit_schedule_of(staff):
        abort(403)
    if ConfirmForm().validate_on_submit():
        service.delete_absence(absence)
        db.session.commit()
        flash(_("Absence removed."))
    return back(staff)


@bp.post("/wishes")
@roles(*TEAM_MEMBERS)
def wish_add():
    staff = subject()
    form = WishForm()
    if form.validate_on_submit():
        wish = Wish(staff=staff, code=form.code.data, note=form.note.data or "")
        db.session.add(wish)
        audit.log("wish.create", wish, team_id=staff.team_id, code=wish.code)
        db.session.commit()
        flash(_("Wish saved."))
    return back(staff)


@bp.post("/wishes/<int:wish_id>/delete")
@roles(*TEAM_MEMBERS)
def wish_delete(wish_id: int):
    wish = db.get_or_404(Wish, wish_id)
    staff = staff_in_team_or_404(wish.staff_id)
    if not may_edit_schedule_of(staff):
        abort(403)
    if ConfirmForm().validate_on_submit():
        audit.log("wish.delete", wish, team_id=staff.team_id, code=wish.code)
        db.session.delete(wish)
        db.session.commit()
        flash(_("Wish removed."))
    return back(staff)
