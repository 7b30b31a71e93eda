"""The evaluator export: a zip with a data dictionary, and no name or address anywhere."""

import io
import zipfile
from datetime import datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from audit import AuditEvent
from clients.models import Client
from teams.models import StaffMember, Team

URL = "/followup/export?team={team}&start=2026-11-02&days=14&format={fmt}"


def secrets_in_db(db) -> set[str]:
    """Every client and staff name and address stored (and the office address)."""
    out = set()
    for name, address in db.session.execute(sa.select(Client.name, Client.address)):
        out |= {name, address}
    for name, address in db.session.execute(sa.select(StaffMember.name, StaffMember.home_address)):
        out |= {name, address}
    out |= set(db.session.scalars(sa.select(Team.office_address)))
    return {s for s in out if s and len(s) > 2}


def texts_of(payload: bytes) -> dict[str, str]:
    out = {}
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        for name in z.namelist():
            raw = z.read(name)
            if name.endswith(".xlsx"):
                book = openpyxl.load_workbook(io.BytesIO(raw))
                cells = [str(c) for ws in book for row in ws.iter_rows(values_only=True)
                         for c in row if c is not None]  # fmt: skip
                out[name] = "\n".join(cells)
            else:
                out[name] = raw.decode("utf-8-sig")
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_no_names_or_addresses(pilot, auth, client, db, fmt):
    pilot.team_a.office_address = "Rydsvägen 100"
    pilot.staff_a.home_address = "Hemgatan 3"
    db.session.commit()
    auth.login("eval")
    r = client.get(URL.format(team=pilot.team_a.id, fmt=fmt))
    assert r.status_code == 200 and r.mimetype == "application/zip"
    files = texts_of(r.data)
    assert "data_dictionary.txt" in files
    if fmt == "csv":
        assert {"summary.csv", "visits.csv", "clients.csv", "staff.csv", "sick_leave.csv"} <= set(
            files
        )
    secrets = secrets_in_db(db)
    assert "Klient A" in secrets and "Hemgatan 3" in secrets
    for name, text in files.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} in {name}"
    dictionary = files["data_dictionary.txt"]
    for needle in ("teamplan-continuity/1", "2026-11-02", "suppressed", "15 minutes", "65"):
        assert needle in dictionary
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "followup.export"))
    assert event.details["format"] == fmt and event.team_id == pilot.team_a.id


def test_data_dictionary_defines_in_words_without_developer_files(pilot, auth, client):
    auth.login("eval")
    files = texts_of(client.get(URL.format(team=pilot.team_a.id, fmt="csv")).data)
    dictionary = files["data_dictionary.txt"]
    assert ".md" not in dictionary and "DOMAIN" not in dictionary
    assert "distinct staff a client met in a 14-day window" in dictionary
    assert "clients aged 65 or older" in dictionary


def test_the_dictionary_is_dated_in_sweden(pilot, auth, client, clock):
    """Made at 00:30 on New Year's Day in Sweden (23:30 UTC on New Year's Eve): the day the
    evaluator made it is the Swedish one."""
    clock(datetime(2026, 12, 31, 23, 30))
    auth.login("eval")
    files = texts_of(client.get(URL.format(team=pilot.team_a.id, fmt="csv")).data)
    assert "Made: 2027-01-01" in files["data_dictionary.txt"]


def test_export_rounds_times_and_bands_ages(pilot, auth, client):
    auth.login("eval")
    files = texts_of(client.get(URL.format(team=pilot.team_a.id, fmt="csv")).data)
    assert "80+" in files["clients.csv"] and "<65" in files["clients.csv"]  # 1940 and 1970
    visits = files["visits.csv"].splitlines()
    header = visits[0].split(",")
    assert header[:3] == ["client", "day", "weekday"]
    starts = {row.split(",")[header.index("planned_start")] for row in visits[1:]}
    assert all(s[-2:] in ("00", "15", "30", "45") for s in starts)
    # Sick leave: team A has 4 staff, so the cell is suppressed.
    assert "suppressed" in files["sick_leave.csv"]


def test_export_access(pilot, auth, client):
    auth.login("lead-b")
    assert client.get(URL.format(team=pilot.team_a.id, fmt="csv")).status_code == 404
    auth.logout()
    auth.login("lead-a")
    assert client.get(URL.format(team=pilot.team_a.id, fmt="csv")).status_code == 200
    assert client.get(URL.format(team=pilot.team_a.id, fmt="pdf")).status_code == 400


def test_demo_export_has_no_demo_name_or_address(db, auth, client):
    """The generated demo (with a fortnight of history) exported in both formats."""
    import demo
    from followup.demo_history import seed_history
    from scheduling.solver.generate import generate_team
    from tests import factories
    from timeutil import local_today

    today = local_today()
    teams = demo.seed_demo(today, generate_team)
    seed_history(teams, today, {"pilot": demo.PILOT, "comparison": demo.COMPARISON}, 1)
    factories.make_user("eval", "evaluator")
    db.session.commit()
    secrets = secrets_in_db(db)
    assert len(secrets) > 50
    auth.login("eval")
    start = today - timedelta(days=today.weekday() + 14)
    for team in teams.values():
        for fmt in ("csv", "xlsx"):
            url = f"/followup/export?team={team.id}&start={start}&days=14&format={fmt}"
            files = texts_of(client.get(url).data)
            assert "visits.csv" in files or "followup.xlsx" in files
            for name, text in files.items():
                leaks = [s for s in secrets if s in text]
                assert not leaks, f"{leaks[:3]} in {name}"


@pytest.mark.parametrize(
    "query, says",
    [
        ("start=1999-01-01&days=14", "Ange ett datum från"),
        ("start=2026-11-02&days=0", "Välj mellan 1 och 366 dagar."),
        ("start=2026-11-02&days=many", "Välj mellan 1 och 366 dagar."),
    ],
)
def test_export_with_a_bad_window_says_what_is_wrong(pilot, auth, client, db, query, says):
    """A start outside the years the app keeps, or no sensible number of days: the error page
    names it (it said only "reload the page and try again"), and nothing is logged."""
    auth.login("eval")
    r = client.get(f"/followup/export?team={pilot.team_a.id}&{query}&format=csv")
    assert r.status_code == 400 and says in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_a_plain_bad_request_keeps_the_general_words(pilot, auth, client):
    """Werkzeug's own 400 text is English: the page keeps its general Swedish sentence."""
    auth.login("eval")
    r = client.get(f"/followup/export?team={pilot.team_a.id}&start=2026-11-02&format=pdf")
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "ladda om sidan" in page and "browser" not in page
