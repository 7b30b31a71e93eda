"""Bad input never answers 500 and never half-writes (issue #6 item 4): hypothesis fuzzes the
JSON API's query parameters and the forms that change data (shift, care need, client, the
hand edits on the board, outcomes, the CSV import)."""

import base64
import csv
import io

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit import AuditEvent
from clients.models import CareNeed, Client
from scheduling.models import Assignment, Plan
from teams.models import Absence, Shift

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Values that have broken parsers somewhere: empty, huge, negative, wrong types, odd text.
TRICKY = st.sampled_from(
    ["", "0", "-1", "1e9", "99999999999999999999", "2026-02-30", "2026-13-01", "25:00",
     "23:60", "12:00:00", "nan", "null", "[]", "{}", "' OR 1=1 --", "<script>", "\x00",
     "2026-W99", "v1", "s-1", "true", "ä" * 300]
)  # fmt: skip
VALUE = st.one_of(TRICKY, st.text(max_size=40), st.integers(-(2**40), 2**40).map(str))
API_PARAMS = ("start", "days", "state", "team", "basis", "format", "week", "day", "mine")


def _rows(db) -> tuple:
    """Everything a bad form might half-write."""
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Shift, Absence, CareNeed, Client, Plan, Assignment, AuditEvent)
    )


def _login(client, username):
    from tests import factories

    client.post("/login", data={"username": username, "password": factories.PASSWORD})


@FUZZ
@given(params=st.dictionaries(st.sampled_from(API_PARAMS), VALUE, max_size=4))
def test_json_api_and_figures_never_answer_500(world, client, params):
    _login(client, "lead-a")
    team = world.team_a.id
    paths = (
        f"/api/teams/{team}/problem",
        f"/api/teams/{team}/plan",
        f"/api/teams/{team}/clients",
        "/api/followup/continuity",
        "/followup/export",
        "/followup/team",
        "/followup/outcomes",
        f"/teams/{team}/board",
        "/me/week",
    )
    for path in paths:
        response = client.get(path, query_string=params)
        assert response.status_code < 500, (path, params, response.status_code)
        if path.startswith("/api/") and response.status_code == 400:
            assert response.is_json and response.get_json()["error"]


SHIFT_FIELDS = ("day", "start", "end", "break_earliest", "break_latest", "break_minutes")
NEED_FIELDS = ("kind", "weekdays", "interval_weeks", "earliest", "latest", "duration_min",
               "staff_required", "skills", "valid_from", "valid_to", "notes")  # fmt: skip
CLIENT_FIELDS = ("name", "address", "lat", "lon", "active_from", "active_to", "notes")
EDIT_FIELDS = ("version", "staff_id", "giver_id", "to_id", "other_id", "start", "next")


@FUZZ
@given(data=st.dictionaries(st.sampled_from(SHIFT_FIELDS), VALUE, max_size=6))
def test_shift_forms_never_answer_500_or_half_write(world, client, db, data):
    _login(client, "staff-a")
    before = _rows(db)
    for path in ("/me/shifts/new", f"/staff/{world.staff_a.id}/shifts/new"):
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, data)
        if response.status_code != 302:
            assert _rows(db) == before, (path, data)


@FUZZ
@given(
    need=st.dictionaries(st.sampled_from(NEED_FIELDS), VALUE, max_size=8),
    person=st.dictionaries(st.sampled_from(CLIENT_FIELDS), VALUE, max_size=5),
)
def test_client_and_care_need_forms_never_answer_500(world, client, db, need, person):
    _login(client, "lead-a")
    before = _rows(db)
    for path, data in ((f"/clients/{world.client_a.id}/needs/new", need),
                       (f"/needs/{world.need_a.id}/edit", need),
                       (f"/clients/{world.client_a.id}/edit", person),
                       (f"/teams/{world.team_a.id}/clients/new", person)):  # fmt: skip
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, data)
        if response.status_code != 302:
            assert _rows(db) == before, (path, data)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(EDIT_FIELDS), VALUE, max_size=5))
def test_board_edits_and_outcomes_never_answer_500(world, client, db, data):
    from scheduling.models import Visit

    _login(client, "lead-a")
    visit = db.session.scalar(sa.select(Visit.id).limit(1)) or 1
    for action in ("claim", "give", "swap", "move"):
        response = client.post(f"/visits/{visit}/{action}", data=data)
        assert response.status_code < 500, (action, data)
    response = client.post(f"/followup/outcomes/{visit}", data={"kind": data.get("start", "")})
    assert response.status_code < 500


def test_impossible_and_overlapping_shifts_are_refused_in_words(world, client, db):
    _login(client, "staff-a")
    day = world.shift_a.start.date().isoformat()
    before = _rows(db)
    cases = [
        {"day": day, "start": "25:00", "end": "26:00"},  # no such time
        {"day": "2026-02-30", "start": "08:00", "end": "12:00"},  # no such date
        {"day": day, "start": "08:00", "end": "12:00"},  # overlaps the 07-15 shift
    ]
    for data in cases:
        response = client.post("/me/shifts/new", data=data)
        assert response.status_code in (200, 400, 409), data
        assert 'class="error' in response.get_data(as_text=True) or response.status_code == 409
    assert _rows(db) == before


def test_a_need_whose_window_is_reversed_is_refused(world, client, db):
    _login(client, "lead-a")
    before = _rows(db)
    data = {"kind": "morning", "weekdays": ["1"], "interval_weeks": "1", "earliest": "09:00",
            "latest": "08:00", "duration_min": "30", "staff_required": "1",
            "valid_from": "2026-01-05"}  # fmt: skip
    response = client.post(f"/clients/{world.client_a.id}/needs/new", data=data)
    assert response.status_code == 400
    assert "Senaste start" in response.get_data(as_text=True) or "senaste" in response.get_data(
        as_text=True
    )
    assert _rows(db) == before


IMPORT_COLUMNS = ("namn", "adress", "kontaktpersoner", "insats", "veckodagar", "tid_från",
                  "tid_till", "längd_min", "personal", "kompetens", "från_datum")  # fmt: skip
GOOD_ROW = ["Fuzz Fuzzsson", "Väg 1", "Sara Staff A", "Morgonhjälp", "mån-fre", "07:00", "09:30",
            "45", "1", "", ""]  # fmt: skip
CELL = st.one_of(
    VALUE,
    st.sampled_from(["Lena Lead A", "lunch", "alla", "7.15", "24:00", "2", "Insulin", ";", ",",
                     '"', "\r\n"]),
)  # fmt: skip


def _changed(changes: dict[int, str]) -> list[str]:
    """A valid row with a few cells replaced (none replaced: the import goes through)."""
    row = list(GOOD_ROW)
    for index, value in changes.items():
        row[index % len(row)] = value
    return row


ROW = st.dictionaries(st.integers(0, len(GOOD_ROW)), CELL, max_size=2).map(_changed)


def _csv(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    table = io.StringIO()
    csv.writer(table, delimiter=delimiter).writerows([list(IMPORT_COLUMNS), *rows])
    return table.getvalue().encode(encoding, "replace")


@FUZZ
@given(
    raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    rows=st.lists(ROW, max_size=4),
    delimiter=st.sampled_from(";,\t"),
    encoding=st.sampled_from(["utf-8-sig", "utf-8", "cp1252", "utf-16"]),
)
def test_csv_import_never_answers_500_or_half_writes(world, client, db, raw, rows, delimiter,
                                                     encoding):  # fmt: skip
    _login(client, "lead-a")
    team = world.team_a.id
    for data in (raw, _csv(rows, delimiter, encoding)):
        for path, form in (
            (f"/teams/{team}/clients/import", {"file": (io.BytesIO(data), "f.csv")}),
            (f"/teams/{team}/clients/import/confirm", {"content": base64.b64encode(data).decode()}),
        ):
            before = _rows(db)
            response = client.post(path, data=form, content_type="multipart/form-data")
            assert response.status_code < 500, (path, data)
            if response.status_code != 302:
                assert _rows(db) == before, (path, data)
