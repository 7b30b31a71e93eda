"""The evaluator export: a zip with a data dictionary, and no name or address anywhere."""

import csv
import io
import zipfile
from datetime import datetime, time, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from audit import AuditEvent
from clients.models import Client
from scheduling.models import Assignment, Visit
from teams.models import HEALTH_CARE_PROFESSIONS, StaffMember, Team
from tests import factories
from tests.followup.conftest import START

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
    for needle in ("teamplan-continuity/1", "2026-11-02", "suppressed", "quarter hour", "65"):
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


def visits_counted_by_hand(files: dict) -> dict:
    """What an evaluator counts from visits.csv, clients.csv and staff.csv: distinct
    performed staff per eligible client over visits starting 07:00-21:59 that are not
    alarms or meal deliveries, leaving out nurses, OTs and PTs."""
    rows = list(csv.DictReader(io.StringIO(files["visits.csv"])))
    roles = {r["staff"]: r["role"] for r in csv.DictReader(io.StringIO(files["staff.csv"]))}
    clients = list(csv.DictReader(io.StringIO(files["clients.csv"])))
    met = {c["client"]: set() for c in clients if c["eligible_performed"] == "yes"}
    for r in rows:
        if r["client"] not in met or r["kind"] in ("alarm", "meal_delivery"):
            continue
        if r["performed_start"] and "07:00" <= r["performed_start"] < "22:00":
            met[r["client"]] |= {
                s for s in r["performed_staff"].split() if roles[s] not in HEALTH_CARE_PROFESSIONS
            }
    return {k: len(v) for k, v in met.items()}


def test_visits_near_07_and_22_count_by_hand_as_in_the_figure(
    pilot, after_the_fortnight, auth, client, db
):
    # Klient A meets Sara and Lena every day (2). Extra: the substitute at 21:53 on day 1
    # (counts: 3) and Cia with Dan at 06:53 on day 2 (before 07:00: they do not). Rounded
    # to the nearest quarter the export showed 22:00 and 07:00, and a count by hand gave
    # 2 + Cia + Dan = 4 against the figure's 3; rounded down it shows 21:45 and 06:45.
    cia = factories.make_staff(pilot.team_a, "Cia Cederholm")
    dan = factories.make_staff(pilot.team_a, "Dan Dahl")
    for day, at, staff in ((0, time(21, 53), [pilot.sub]), (1, time(6, 53), [cia, dan])):
        moment = datetime.combine(START + timedelta(days=day), at)
        v = Visit(team=pilot.team_a, client=pilot.client_a, date=moment.date(), kind="evening",
                  earliest_start=moment, latest_start=moment, duration_min=30)  # fmt: skip
        db.session.add(v)
        db.session.add_all(
            Assignment(plan=pilot.plan, visit=v, staff=s, start=moment) for s in staff
        )
    db.session.commit()
    auth.login("eval")
    files = texts_of(client.get(URL.format(team=pilot.team_a.id, fmt="csv")).data)
    figures = {
        r["client"]: int(r["staff_performed"])
        for r in csv.DictReader(io.StringIO(files["clients.csv"]))
        if r["eligible_performed"] == "yes"
    }
    assert list(figures.values()) == [3]
    assert visits_counted_by_hand(files) == figures
    starts = {r["performed_start"] for r in csv.DictReader(io.StringIO(files["visits.csv"]))}
    assert {"21:45", "06:45"} <= starts and not {"22:00", "07:00"} & starts


def test_continuity_is_exported_only_for_a_14_day_window(pilot, after_the_fortnight, auth, client):
    # Over the first 7 days Klient A met Sara and Lena on 2 visits every day: the export
    # said "continuity_performed_mean 2.00, staff per client, 14 days" though it counted 7
    # days (and a 28-day window asked for 2 visits on each of 28 days). Now it is empty.
    auth.login("eval")
    url = URL.replace("days=14", "days=7").format(team=pilot.team_a.id, fmt="csv")
    files = texts_of(client.get(url).data)
    summary = {r["metric"]: r for r in csv.DictReader(io.StringIO(files["summary.csv"]))}
    for basis in ("planned", "performed"):
        for figure in ("mean", "median", "share_over_20_pct", "eligible_clients"):
            row = summary[f"continuity_{basis}_{figure}"]
            assert (row["value"], row["unit"]) == ("", "only for a window of 14 days")
        assert summary[f"continuity_{basis}_all_clients_mean"]["value"] != ""
    assert files["continuity_distribution.csv"].splitlines()[1:] == []
    clients = list(csv.DictReader(io.StringIO(files["clients.csv"])))
    assert {
        (c["eligible_performed"], c["staff_planned"], c["staff_performed"]) for c in clients
    } == {("", "", "")}
    assert "only for a window of exactly 14 days" in files["data_dictionary.txt"]
    # The 14-day window still has it.
    files = texts_of(client.get(URL.format(team=pilot.team_a.id, fmt="csv")).data)
    assert "continuity_performed_mean,2.00," in files["summary.csv"]


def test_the_monthly_figure_counts_the_whole_month(pilot, auth, client, monkeypatch):
    # Klient A meets Sara and Lena every day and Cia once, on 3 November; Yngve meets Sara.
    # November: Klient A 3, Yngve 1 -> 2.00. An export of 9-22 November said 1.50 for
    # "monthly_distinct_staff_mean_2026-11": it counted only the window's days of the month.
    from followup import service
    from tests.followup.conftest import add_visit

    cia = factories.make_staff(pilot.team_a, "Cia Cederholm")
    add_visit(pilot.team_a, pilot.client_a, START + timedelta(days=1), 10, [cia], plan=pilot.plan)
    monkeypatch.setattr(service, "local_now", lambda: datetime(2026, 12, 1, 0, 0))
    auth.login("eval")
    url = URL.replace("2026-11-02", "2026-11-09").format(team=pilot.team_a.id, fmt="csv")
    summary = {
        r["metric"]: r
        for r in csv.DictReader(io.StringIO(texts_of(client.get(url).data)["summary.csv"]))
    }
    row = summary["monthly_distinct_staff_mean_2026-11"]
    assert (row["value"], row["unit"]) == ("2.00", "Skönsmo variant, whole month")
    # Before the month is over it says so.
    monkeypatch.setattr(service, "local_now", lambda: datetime(2026, 11, 23, 0, 0))
    text = texts_of(client.get(url).data)["summary.csv"]
    assert 'monthly_distinct_staff_mean_2026-11,2.00,"Skönsmo variant, month not over"' in text


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
