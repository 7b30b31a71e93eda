"""Team overview, staff list and detail, skills, shifts and absences."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from clients.models import Client
from extensions import db
from formutil import ConfirmForm, form_page
from teams import selfservice, service, shiftrules
from teams.access import (
    TEAM_MEMBERS,
    acting_user,
    is_lead,
    may_edit_schedule_of,
    own_team_or_404,
    roles,
    staff_in_team_or_404,
)
from teams.forms import AbsenceForm, SkillForm, StaffForm
from teams.models import Absence, Shift, StaffMember, StaffSkill
from teams.selfservice_forms import MyShiftForm
from timeutil import local_today

bp = Blueprint("teams", __name__)


@bp.get("/teams/<int:team_id>")
@roles(*TEAM_MEMBERS)
def overview(team_id: int):
    team = own_team_or_404(team_id)
    today = local_today()
    begin = datetime.combine(today, time())
    shifts_today = db.session.scalars(
        sa.select(Shift)
        .join(Shift.staff)
        .where(StaffMember.team_id == team.id, Shift.start >= begin)
        .where(Shift.start < begin + timedelta(days=1))
        .order_by(Shift.start)
    ).all()
    absent = db.session.scalars(
        sa.select(Absence)
        .join(Absence.staff)
        .where(StaffMember.team_id == team.id, Absence.start_date <= today)
        .where(Absence.end_date >= today)
    ).all()
    clients = db.session.scalar(
        sa.select(sa.func.count(Client.id)).where(Client.team_id == team.id)
    )
    staff = service.team_staff(team.id, active_only=True)
    return render_template(
        "teams/overview.html",
        team=team,
        staff=staff,
        client_count=clients,
        shifts_today=shifts_today,
        absent=absent,
        absent_kinds={a.staff_id: a.kind for a in absent},
        today=today,
    )


@bp.get("/teams/<int:team_id>/staff")
@roles(*TEAM_MEMBERS)
def staff_list(team_id: int):
    team = own_team_or_404(team_id)
    return render_template("teams/staff_list.html", team=team, staff=service.team_staff(team.id))


@bp.get("/staff/<int:staff_id>")
@roles(*TEAM_MEMBERS)
def staff_detail(staff_id: int):
    staff = staff_in_team_or_404(staff_id)
    today = local_today()
    return render_template(
        "teams/staff_detail.html",
        staff=staff,
        today=today,
        shifts=service.upcoming_shifts(staff, today, staff.team.horizon_days),
        absences=[a for a in staff.absences if a.end_date >= today],
        skill_form=SkillForm(),
        confirm=ConfirmForm(),
        may_edit_schedule=may_edit_schedule_of(staff),
    )


@bp.route("/teams/<int:team_id>/staff/new", methods=["GET", "POST"])
@roles("lead")
def staff_new(team_id: int):
    team = own_team_or_404(team_id)
    form = StaffForm(contracted_hours_week=38.25, employment_rate=100)
    if not form.validate_on_submit():
        return form_page(form, _("New staff member"), url_for(".staff_list", team_id=team.id))
    staff = service.save_staff(None, team, **_staff_fields(form))
    db.session.commit()
    flash(_("Staff member saved."))
    return redirect(url_for(".staff_detail", staff_id=staff.id))


@bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@roles("lead")
def staff_edit(staff_id: int):
    staff = staff_in_team_or_404(staff_id)
    form = StaffForm(obj=staff, contracted_hours_week=staff.contracted_minutes_week / 60)
    if not form.validate_on_submit():
        return form_page(form, staff.name, url_for(".staff_detail", staff_id=staff.id))
    service.save_staff(staff, staff.team, **_staff_fields(form))
    db.session.commit()
    flash(_("Staff member saved."))
    return redirect(url_for(".staff_detail", staff_id=staff.id))


def _staff_fields(form: StaffForm) -> dict:
    fields = {
        name: getattr(form, name).data
        for name in ("name", "profession", "employment_rate", "substitute", "home_address")
    }
    fields |= {"home_lat": form.home_lat.data, "home_lon": form.home_lon.data}
    fields["active"] = form.active.data
    fields["contracted_minutes_week"] = service.minutes_per_week(form.contracted_hours_week.data)
    return fields


@bp.post("/staff/<int:staff_id>/skills")
@roles("lead")
def skill_add(staff_id: int):
    staff = staff_in_team_or_404(staff_id)
    form = SkillForm()
    if not form.validate_on_submit():
        return form_page(form, _("Add skill"), url_for(".staff_detail", staff_id=staff.id))
    service.add_skill(staff, form.code.data, form.valid_until.data)
    db.session.commit()
    flash(_("Skill saved."))
    return redirect(url_for(".staff_detail", staff_id=staff.id))


@bp.post("/skills/<int:skill_id>/delete")
@roles("lead")
def skill_delete(skill_id: int):
    skill = db.get_or_404(StaffSkill, skill_id)
    staff = staff_in_team_or_404(skill.staff_id)
    if ConfirmForm().validate_on_submit():
        service.remove_skill(staff, skill)
        db.session.commit()
        flash(_("Skill removed."))
    return redirect(url_for(".staff_detail", staff_id=staff.id))


def _schedule_owner_or_403(staff_id: int) -> StaffMember:
    staff = staff_in_team_or_404(staff_id)
    if not may_edit_schedule_of(staff):
        abort(403)
    return staff


@bp.route("/staff/<int:staff_id>/shifts/new", methods=["GET", "POST"])
@roles(*TEAM_MEMBERS)
def shift_new(staff_id: int):
    staff = _schedule_owner_or_403(staff_id)
    form = MyShiftForm(day=local_today(), start=time(7), end=time(15, 30))
    # The same rules as the member's own shift form: no overlap, 11 hours of daily rest.
    if not (form.validate_on_submit() and selfservice.rule_check(form, staff, None)):
        if not is_lead():
            del form.rest_exception
        title = _("New shift for %(name)s", name=staff.name)
        return form_page(form, title, url_for(".staff_detail", staff_id=staff.id))
    window = None
    if form.break_earliest.data:
        window = (form.break_earliest.data, form.break_latest.data)
    service.add_shift(
        staff,
        form.day.data,
        form.start.data,
        form.end.data,
        window,
        form.break_minutes.data or 0,
        acting_user(),
    )
    selfservice.log_rest_exception(form, staff, selfservice.shift_times(form)[0])
    db.session.commit()
    flash(_("Shift saved."))
    return redirect(url_for(".staff_detail", staff_id=staff.id))


@bp.post("/shifts/<int:shift_id>/delete")
@roles(*TEAM_MEMBERS)
def shift_delete(shift_id: int):
    shift = db.get_or_404(Shift, shift_id)
    staff = _schedule_owner_or_403(shift.staff_id)
    if ConfirmForm().validate_on_submit():
        warning = shiftrules.shift_warning(shift)
        service.delete_shift(shift)
        db.session.commit()
        flash(_("Shift removed."))
        if warning:
            flash(warning, "warning")
    return redirect(url_for(".staff_detail", staff_id=staff.id))


@bp.route("/staff/<int:staff_id>/absences/new", methods=["GET", "POST"])
@roles(*TEAM_MEMBERS)
def absence_new(staff_id: int):
    staff = _schedule_owner_or_403(staff_id)
    form = AbsenceForm(start_date=local_today(), end_date=local_today())
    if not form.validate_on_submit():
        title = _("New absence for %(name)s", name=staff.name)
        return form_page(form, title, url_for(".staff_detail", staff_id=staff.id))
    service.add_absence(
        staff, form.kind.data, form.start_date.data, form.end_date.data, acting_user()
    )
    db.session.commit()
    flash(_("Absence saved."))
    warning = shiftrules.absence_warning(staff, form.start_date.data, form.end_date.data)
    if warning:
        flash(warning, "warning")
    return redirect(url_for(".staff_detail", staff_id=staff.id))


@bp.post("/absences/<int:absence_id>/delete")
@roles(*TEAM_MEMBERS)
def absence_delete(absence_id: int):
    absence = db.get_or_404(Absence, absence_id)
    staff = _schedule_owner_or_403(absence.staff_id)
    if ConfirmForm().validate_on_submit():
        service.delete_absence(absence)
        db.session.commit()
        flash(_("Absence removed."))
    return redirect(url_for(".staff_detail", staff_id=staff.id))
