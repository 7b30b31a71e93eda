"""Client list and detail, client and care-need forms, client absences, CSV import."""

import base64
import binascii
from datetime import time

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from clients import csvimport, service
from clients.csvfile import MAX_BYTES, TOO_LARGE
from clients.forms import (
    CareNeedForm,
    ClientAbsenceForm,
    ClientForm,
    ImportConfirmForm,
    ImportForm,
)
from clients.models import CareNeed, Client, ClientAbsence
from extensions import db
from formutil import ConfirmForm, form_page
from teams.access import TEAM_MEMBERS, check_team, own_team_or_404, roles
from teams.service import team_staff
from timeutil import local_today

bp = Blueprint("clients", __name__)

CLIENT_FIELDS = (
    "name",
    "address",
    "lat",
    "lon",
    "birth_year",
    "active_from",
    "active_to",
    "max_distinct_staff",
    "notes",
)
NEED_FIELDS = (
    "kind",
    "interval_weeks",
    "earliest",
    "latest",
    "duration_min",
    "staff_required",
    "skills",
    "valid_from",
    "valid_to",
    "notes",
)


def client_in_team_or_404(client_id: int) -> Client:
    client = db.get_or_404(Client, client_id)
    check_team(client.team_id)
    return client


@bp.get("/teams/<int:team_id>/clients")
@roles(*TEAM_MEMBERS)
def index(team_id: int):
    team = own_team_or_404(team_id)
    clients = service.team_clients(team.id)
    return render_template("clients/index.html", team=team, clients=clients, today=local_today())


@bp.get("/clients/<int:client_id>")
@roles(*TEAM_MEMBERS)
def detail(client_id: int):
    client = client_in_team_or_404(client_id)
    today = local_today()
    return render_template(
        "clients/detail.html",
        client=client,
        today=today,
        absences=[a for a in client.absences if a.end_date is None or a.end_date >= today],
        confirm=ConfirmForm(),
    )


@bp.route("/teams/<int:team_id>/clients/new", methods=["GET", "POST"])
@roles("lead")
def new(team_id: int):
    team = own_team_or_404(team_id)
    form = ClientForm(active_from=local_today())
    form.set_staff_choices(team_staff(team.id, active_only=True))
    if not form.validate_on_submit():
        return form_page(form, _("New client"), url_for(".index", team_id=team.id))
    client = service.save_client(None, team, _staff_ids(form), **_fields(form, CLIENT_FIELDS))
    db.session.commit()
    flash(_("Client saved."))
    return redirect(url_for(".detail", client_id=client.id))


@bp.route("/clients/<int:client_id>/edit", methods=["GET", "POST"])
@roles("lead")
def edit(client_id: int):
    client = client_in_team_or_404(client_id)
    form = ClientForm(obj=client)
    form.set_staff_choices(team_staff(client.team_id, active_only=True))
    if not form.is_submitted():
        for name in service.STAFF_LISTS:
            getattr(form, name).data = [s.id for s in getattr(client, name)]
    if not form.validate_on_submit():
        return form_page(form, client.name, url_for(".detail", client_id=client.id))
    service.save_client(client, client.team, _staff_ids(form), **_fields(form, CLIENT_FIELDS))
    db.session.commit()
    flash(_("Client saved."))
    return redirect(url_for(".detail", client_id=client.id))


def _fields(form, names: tuple[str, ...]) -> dict:
    return {name: getattr(form, name).data for name in names}


def _staff_ids(form: ClientForm) -> dict[str, list[int]]:
    return {name: list(getattr(form, name).data or []) for name in service.STAFF_LISTS}


@bp.route("/clients/<int:client_id>/needs/new", methods=["GET", "POST"])
@roles("lead")
def need_new(client_id: int):
    client = client_in_team_or_404(client_id)
    form = CareNeedForm(valid_from=local_today(), earliest=time(7), latest=time(9))
    if not form.validate_on_submit():
        title = _("New care need for %(name)s", name=client.name)
        return form_page(form, title, url_for(".detail", client_id=client.id))
    service.save_need(
        None, client, weekdays="".join(sorted(form.weekdays.data)), **_fields(form, NEED_FIELDS)
    )
    db.session.commit()
    flash(_("Care need saved."))
    return redirect(url_for(".detail", client_id=client.id))


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@roles("lead")
def need_edit(need_id: int):
    need = db.get_or_404(CareNeed, need_id)
    client = client_in_team_or_404(need.client_id)
    form = CareNeedForm(obj=need)
    if not form.is_submitted():
        form.weekdays.data = list(need.weekdays)
    if not form.validate_on_submit():
        return form_page(form, _("Care need"), url_for(".detail", client_id=client.id))
    service.save_need(
        need, client, weekdays="".join(sorted(form.weekdays.data)), **_fields(form, NEED_FIELDS)
    )
    db.session.commit()
    flash(_("Care need saved."))
    return redirect(url_for(".detail", client_id=client.id))


@bp.post("/needs/<int:need_id>/delete")
@roles("lead")
def need_delete(need_id: int):
    need = db.get_or_404(CareNeed, need_id)
    client = client_in_team_or_404(need.client_id)
    if ConfirmForm().validate_on_submit():
        service.delete_need(need)
        db.session.commit()
        flash(_("Care need removed."))
    return redirect(url_for(".detail", client_id=client.id))


@bp.route("/clients/<int:client_id>/absences/new", methods=["GET", "POST"])
@roles("lead")
def absence_new(client_id: int):
    client = client_in_team_or_404(client_id)
    form = ClientAbsenceForm(start_date=local_today())
    if not form.validate_on_submit():
        title = _("Absence for %(name)s", name=client.name)
        return form_page(form, title, url_for(".detail", client_id=client.id))
    service.add_absence(client, form.kind.data, form.start_date.data, form.end_date.data)
    db.session.commit()
    flash(_("Absence saved."))
    return redirect(url_for(".detail", client_id=client.id))


@bp.post("/client-absences/<int:absence_id>/delete")
@roles("lead")
def absence_delete(absence_id: int):
    absence = db.get_or_404(ClientAbsence, absence_id)
    client = client_in_team_or_404(absence.client_id)
    if ConfirmForm().validate_on_submit():
        service.delete_absence(absence)
        db.session.commit()
        flash(_("Absence removed."))
    return redirect(url_for(".detail", client_id=client.id))


@bp.route("/teams/<int:team_id>/clients/import", methods=["GET", "POST"])
@roles("lead")
def import_page(team_id: int):
    team = own_team_or_404(team_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(team, form, status=400 if form.errors else 200)
    data = form.file.data.read(MAX_BYTES + 1)
    checked = csvimport.check_file(team, data)
    if checked.problems:
        return _import_page(team, form, checked, status=400)
    confirm = ImportConfirmForm(content=base64.b64encode(data).decode("ascii"))
    return render_template("clients/import_preview.html", team=team, checked=checked, form=confirm)


@bp.post("/teams/<int:team_id>/clients/import/confirm")
@roles("lead")
def import_confirm(team_id: int):
    team = own_team_or_404(team_id)
    form = ImportConfirmForm()
    data = _base64(form.content.data) if form.validate_on_submit() else b""
    checked = csvimport.check_file(team, data)  # the file is checked again, all of it
    if checked.problems:
        return _import_page(team, ImportForm(formdata=None), checked, status=400)
    clients, needs = service.import_clients(team, checked.clients)
    db.session.commit()
    flash(_("%(clients)s clients and %(needs)s care needs imported", clients=clients, needs=needs))
    return redirect(url_for(".index", team_id=team.id))


@bp.get("/teams/<int:team_id>/clients/import/template.csv")
@roles("lead")
def import_template(team_id: int):
    team = own_team_or_404(team_id)
    staff = team_staff(team.id, active_only=True)
    body = csvimport.template_csv(staff[0].name if staff else "Anna Andersson")
    disposition = "attachment; filename=brukare-och-insatser.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": disposition, "Content-Type": "text/csv; charset=utf-8"},
    )


@bp.errorhandler(RequestEntityTooLarge)
def import_too_large(error):
    """A file over MAX_CONTENT_LENGTH: the import page says so in words, not a bare 413."""
    team_id = (request.view_args or {}).get("team_id")
    lead = current_user.is_authenticated and current_user.role == "lead"
    if not lead or team_id != current_user.team_id:  # CSRF reads the form before @roles
        return render_template("errors/400.html"), 413
    team = own_team_or_404(team_id)
    problem = csvimport.Problem(0, "", str(TOO_LARGE))
    checked = csvimport.Checked(problems=[problem])
    return _import_page(team, ImportForm(formdata=None), checked, status=413)


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def _import_page(team, form: ImportForm, checked=None, status: int = 200):
    problems = checked.problems if checked else []
    return render_template(
        "clients/import.html",
        team=team,
        form=form,
        problems=problems[: csvimport.MAX_SHOWN_PROBLEMS],
        hidden_problems=max(0, len(problems) - csvimport.MAX_SHOWN_PROBLEMS),
        columns=csvimport.COLUMNS,
        required=csvimport.REQUIRED,
    ), status
