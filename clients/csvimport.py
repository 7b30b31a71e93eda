"""CSV import of clients (brukare) and their care needs (insatser): check a whole file.

One row per care need; the client's columns repeat on each of its rows. Each row goes
through the same ClientForm and CareNeedForm as the pages, so every rule about names,
dates, durations, staff count, kinds, skills and contact persons keeps its one home in
clients/forms.py. What this module adds is what the file format brings: Swedish names of
weekdays, kinds and skills, contact persons by name, the window given as from-until (the
visit must be done by `tid_till`), clients repeated over rows, and duplicate rows.

An existing client of the team with the same name and address is extended: the file's
care needs are added to it and its own details are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from clients import csvcells
from clients.csvfile import FileProblem, read_rows
from clients.forms import CareNeedForm, ClientForm
from clients.models import NEED_KINDS, Client
from clients.service import team_clients
from teams.models import SKILLS, Team
from teams.service import team_staff
from timeutil import local_today

# Column -> form field ("tid_till" has none: it gives the latest start).
CLIENT_COLUMNS = {
    "namn": "name",
    "adress": "address",
    "latitud": "lat",
    "longitud": "lon",
    "födelseår": "birth_year",
    "kontaktpersoner": "contact_staff",
}
NEED_COLUMNS = {
    "insats": "kind",
    "veckodagar": "weekdays",
    "var_n_vecka": "interval_weeks",
    "tid_från": "earliest",
    "tid_till": "latest",
    "längd_min": "duration_min",
    "personal": "staff_required",
    "kompetens": "skills",
    "från_datum": "valid_from",
    "till_datum": "valid_to",
}
COLUMNS = tuple(CLIENT_COLUMNS) + tuple(NEED_COLUMNS)
REQUIRED = ("namn", "kontaktpersoner", "insats", "veckodagar", "tid_från", "tid_till", "längd_min")
FIELD_COLUMN = {f: c for c, f in (CLIENT_COLUMNS | NEED_COLUMNS).items()} | {
    "active_from": "från_datum"
}
MAX_SHOWN_PROBLEMS = 200


@dataclass
class Problem:
    row: int  # spreadsheet row; 1 is the header, 0 the file as a whole
    column: str
    message: str
    value: str = ""


@dataclass
class PlannedClient:
    """A client of the file: new (existing is None) or one the team has, to be extended."""

    row: int
    fields: dict
    contact_ids: list[int]
    existing: Client | None
    needs: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.existing.name if self.existing else self.fields["name"]


@dataclass
class Checked:
    problems: list[Problem] = field(default_factory=list)
    clients: list[PlannedClient] = field(default_factory=list)

    @property
    def new_clients(self) -> int:
        return sum(c.existing is None for c in self.clients)

    @property
    def needs(self) -> int:
        return sum(len(c.needs) for c in self.clients)


def check_file(team: Team, data: bytes) -> Checked:
    """Every problem of the file, or (if none) the clients and needs it would create."""
    checked = Checked()
    try:
        header, rows = read_rows(data)
        columns = _columns(header, checked.problems)
        if all(column in columns for column in REQUIRED):
            _check_rows(team, columns, rows, checked)
    except FileProblem as problem:
        checked.problems.append(Problem(0, "", str(problem)))
    if not checked.problems and not checked.clients:
        checked.problems.append(Problem(0, "", _("The file has no rows with care needs.")))
    if checked.problems:
        checked.clients = []
    return checked


def _columns(header: list[str], problems: list[Problem]) -> list[str | None]:
    """The canonical column of each header cell (None for an empty trailing cell)."""
    known = {csvcells.fold(c): c for c in COLUMNS}
    columns: list[str | None] = []
    for cell in header:
        column = known.get(csvcells.fold(cell))
        if cell.strip() and column is None:
            problems.append(Problem(1, cell, _("Unknown column.")))
        elif column in columns:
            problems.append(Problem(1, cell, _("The column appears twice.")))
        columns.append(column)
    for column in REQUIRED:
        if column not in columns:
            problems.append(Problem(1, column, _("The column is missing.")))
    return columns


def _check_rows(team: Team, columns, rows, checked: Checked) -> None:
    context = _Context(team)
    for number, cells in rows:
        values = _values(number, columns, cells, checked.problems)
        if values is not None:
            context.add_row(number, values, checked)


def _values(number: int, columns, cells: list[str], problems) -> dict[str, str] | None:
    if len(cells) > len(columns) and any(cells[len(columns) :]):
        problems.append(Problem(number, "", _("The row has more values than there are columns.")))
        return None
    values = {c: "" for c in COLUMNS}
    values.update({c: v for c, v in zip(columns, cells, strict=False) if c})
    return values


class _Context:
    """What checking rows needs from the database, read once per file."""

    def __init__(self, team: Team):
        self.today = local_today()
        self.staff = team_staff(team.id, active_only=True)
        self.staff_ids: dict[str, list[int]] = {}
        for member in self.staff:
            self.staff_ids.setdefault(csvcells.fold(member.name), []).append(member.id)
        self.kinds = csvcells.label_codes(NEED_KINDS)
        self.skills = csvcells.label_codes(SKILLS)
        self.existing = {_key(c.name, c.address): c for c in team_clients(team.id)}
        self.planned: dict[tuple[str, str], PlannedClient] = {}
        self.seen: dict[tuple, int] = {}

    def add_row(self, number: int, values: dict[str, str], checked: Checked) -> None:
        errors: dict[str, str] = {}
        for column in REQUIRED:
            if not values[column]:
                errors[column] = _("A value is needed.")
        client = self._client_form(values, errors)
        need = self._need_form(values, errors)
        _form_errors(client, errors)
        _form_errors(need, errors)
        for column in sorted(errors, key=COLUMNS.index):
            checked.problems.append(Problem(number, column, errors[column], values[column]))
        if not errors:
            self._plan(number, values, client, need, checked)

    def _client_form(self, values: dict[str, str], errors: dict[str, str]) -> ClientForm:
        data = MultiDict(
            {
                "name": values["namn"],
                "address": values["adress"],
                "lat": csvcells.decimal(values["latitud"]),
                "lon": csvcells.decimal(values["longitud"]),
                "birth_year": values["födelseår"],
                "active_from": values["från_datum"] or self.today.isoformat(),
            }
        )
        data.setlist("contact_staff", self._contact_ids(values["kontaktpersoner"], errors))
        form = ClientForm(formdata=data, meta={"csrf": False})
        form.set_staff_choices(self.staff)
        return form

    def _contact_ids(self, text: str, errors: dict[str, str]) -> list[str]:
        ids = []
        for name in csvcells.split(text, ","):
            found = self.staff_ids.get(csvcells.fold(name), [])
            if len(found) != 1:
                message = (
                    _("%(name)s is not a staff member of this team.", name=name)
                    if not found
                    else _("More than one staff member is called %(name)s.", name=name)
                )
                errors.setdefault("kontaktpersoner", message)
                continue
            ids.append(str(found[0]))
        return ids

    def _need_form(self, values: dict[str, str], errors: dict[str, str]) -> CareNeedForm:
        earliest, latest = csvcells.start_window(values, errors)
        data = MultiDict(
            {
                "kind": csvcells.code(self.kinds, values["insats"], "insats", errors),
                "interval_weeks": values["var_n_vecka"] or "1",
                "earliest": earliest,
                "latest": latest,
                "duration_min": values["längd_min"],
                "staff_required": values["personal"] or "1",
                "valid_from": values["från_datum"] or self.today.isoformat(),
                "valid_to": values["till_datum"],
            }
        )
        data.setlist("weekdays", csvcells.weekdays(values["veckodagar"], errors))
        skills = [
            csvcells.code(self.skills, s, "kompetens", errors)
            for s in csvcells.split(values["kompetens"])
        ]
        data.setlist("skills", skills)
        return CareNeedForm(formdata=data, meta={"csrf": False})

    def _plan(self, number: int, values: dict[str, str], client, need, checked: Checked) -> None:
        """Add the row's need to its client, unless it repeats a need or contradicts a row."""
        key = _key(values["namn"], values["adress"])
        fields = {name: need[name].data for name in _NEED_FIELDS}
        fields["weekdays"] = "".join(sorted(need.weekdays.data))
        fields["skills"] = sorted(need.skills.data or [])
        details = {name: client[name].data for name in _CLIENT_FIELDS}
        contacts = sorted(int(i) for i in client.contact_staff.data)
        conflict = self._conflict(number, key, fields, details, contacts)
        if conflict:
            checked.problems.append(Problem(number, *conflict))
            return
        planned = self.planned.get(key)
        if planned is None:
            planned = PlannedClient(number, details, contacts, self.existing.get(key))
            self.planned[key] = planned
            checked.clients.append(planned)
        planned.fields["active_from"] = min(planned.fields["active_from"], fields["valid_from"])
        planned.needs.append(fields)

    def _conflict(self, number, key, fields, details, contacts) -> tuple[str, str] | None:
        signature = (key, *(str(v) for k, v in fields.items() if k != "valid_to"))
        if signature in self.seen:
            return "insats", _("The same care need as row %(row)s.", row=self.seen[signature])
        self.seen[signature] = number
        existing = self.existing.get(key)
        if existing and _has_need(existing, fields):
            return "insats", _("The client already has this care need (imported before?).")
        planned = self.planned.get(key)
        ignore_start = {"active_from": None}  # each row's från_datum is its need's
        if planned and (planned.fields | ignore_start, planned.contact_ids) != (
            details | ignore_start,
            contacts,
        ):
            message = _(
                "The client's details differ from row %(row)s; they must be the same on every row.",
                row=planned.row,
            )
            return "namn", message
        return None


_CLIENT_FIELDS = ("name", "address", "lat", "lon", "birth_year", "active_from")
_NEED_FIELDS = ("kind", "interval_weeks", "earliest", "latest", "duration_min", "staff_required",
                "valid_from", "valid_to")  # fmt: skip


def _key(name: str, address: str) -> tuple[str, str]:
    return csvcells.fold(name), csvcells.fold(address or "")


def _has_need(client: Client, fields: dict) -> bool:
    same = ("kind", "weekdays", "earliest", "latest", "duration_min", "staff_required")
    return any(all(getattr(n, k) == fields[k] for k in same) for n in client.needs)


def _form_errors(form, errors: dict[str, str]) -> None:
    """The form's first message per field, unless the column already has a problem."""
    form.validate()
    for name, messages in form.errors.items():
        column = FIELD_COLUMN.get(name)
        if column and messages:
            errors.setdefault(column, str(messages[0]))


def template_csv(staff_name: str) -> bytes:
    """The template to download: the header and one example row, UTF-8 with BOM for Excel."""
    today = local_today().isoformat()
    example = ["Greta Exempel", "Storgatan 1, Linköping", "58,4109", "15,6216", "1938",
               staff_name, "Morgonhjälp", "mån-fre", "1", "07:00", "09:30", "45", "1",
               "Insulin", today, ""]  # fmt: skip
    lines = [";".join(COLUMNS), ";".join(example)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
