"""End to end in a browser: each role logs in through the form, lands on its own start page,
is refused a page outside its role and logs out; a wrong password keeps the login page with
the Swedish message. The lead's follow-up dashboard draws its SVG charts and prints without
the menus; the evaluator's dashboard and both exports hold no client or staff names.
Screenshots go to screenshots/ (not in git)."""

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login, shot

ROLES = {
    "staff": {
        "landing": "/teams/{team}",
        "h1": "Team Ryd",
        "nav": ["Översikt", "Min vecka", "Veckotavla", "Vad hände"],
        "not_nav": ["Uppföljning", "Användare"],
        "refused": [("/followup/", 403), ("/admin/teams", 403),
                    ("/followup/export?team={team}", 403), ("/teams/{comparison}", 404)],
    },
    "lead": {
        "landing": "/teams/{team}",
        "h1": "Team Ryd",
        "nav": ["Översikt", "Veckotavla", "Planer", "Uppföljning"],
        "not_nav": ["Användare"],
        "refused": [("/admin/users", 403), ("/followup/", 403), ("/teams/{comparison}", 404),
                    ("/followup/export?team={comparison}", 404)],
    },
    "evaluator": {
        "landing": "/followup/",
        "h1": "Uppföljning: pilot- och jämförelseteam",
        "nav": ["Uppföljning"],
        "not_nav": ["Översikt", "Brukare", "Personal", "Veckotavla", "Användare"],
        "refused": [("/teams/{team}", 403), ("/followup/team", 403),
                    ("/teams/{team}/board", 403), ("/admin/users", 403)],
    },
    "admin": {
        "landing": "/admin/teams",
        "h1": "Team",
        "nav": ["Team", "Användare", "Uppföljning"],
        "not_nav": ["Översikt", "Brukare", "Veckotavla"],
        "refused": [("/teams/{team}", 403), ("/teams/{team}/board", 403),
                    ("/followup/export?team={team}", 403), ("/me/week", 403)],
    },
}  # fmt: skip
REFUSED_TEXT = {
    403: ("Ingen behörighet", "Din roll ger inte behörighet till den här sidan."),
    404: ("Sidan finns inte", "Sidan finns inte, eller så har du inte behörighet till den."),
}
CONTINUITY_LABEL = "Kontinuitet, utfört (medel personal per brukare)"
EXPORT_FILES = {
    "data_dictionary.txt", "summary.csv", "continuity_distribution.csv", "clients.csv",
    "visits.csv", "staff.csv", "sick_leave.csv",
}  # fmt: skip


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def personal_data(facts: dict) -> list[str]:
    names = facts["client_names"] + facts["staff_names"] + facts["addresses"]
    assert len(facts["client_names"]) > 30 and len(facts["staff_names"]) > 30
    return names


def leaked(text: str, facts: dict) -> list[str]:
    """Client names, staff names and client addresses from the seeded data found in text."""
    return [n for n in personal_data(facts) if n in text]


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_logs_in_lands_is_refused_and_logs_out(server, tablet, role):
    base, facts = server
    want = ROLES[role]
    login(tablet, base, f"demo-{role}")
    assert path_of(tablet) == want["landing"].format(**facts)
    assert tablet.locator("h1").inner_text().startswith(want["h1"])
    assert tablet.evaluate("document.documentElement.lang").startswith("sv")
    assert tablet.locator(".topbar .who").inner_text().startswith(f"demo-{role} · ")
    nav = tablet.locator("nav.mainnav a").all_inner_texts()
    assert set(want["nav"]) <= set(nav), nav
    assert not set(want["not_nav"]) & set(nav), nav
    if role == "evaluator":
        # Aggregates only: not one client or staff name or address anywhere on the page.
        assert not leaked(tablet.locator("body").inner_text(), facts)
        assert not leaked(tablet.content(), facts)
        assert tablet.locator("main svg.chart").count() >= 4
        first = tablet.locator("main table.figures td").first.get_attribute("data-label")
        assert first == "Team Ryd · före"
    if role == "admin":
        teams = tablet.locator("main table.list tbody").inner_text()
        assert "Team Ryd" in teams and "Team Skäggetorp" in teams
    shot(tablet, f"20-start-{role}")

    for url, status in want["refused"]:
        response = tablet.goto(base + url.format(**facts))
        assert response.status == status, url
        title, text = REFUSED_TEXT[status]
        assert tablet.locator("h1").inner_text() == title, url
        assert text in tablet.locator("main").inner_text(), url
        assert not leaked(tablet.locator("main").inner_text(), facts), url
    shot(tablet, f"21-nekad-{role}")

    with tablet.expect_navigation():
        tablet.click(".topbar button:has-text('Logga ut')")
    assert path_of(tablet) == "/login"
    assert "Du är utloggad." in tablet.locator("main .flash").inner_text()
    assert tablet.locator(".topbar .who").count() == 0
    tablet.goto(base + want["landing"].format(**facts))
    assert path_of(tablet).startswith("/login")  # logged out for real: back to the form
    assert tablet.locator("#password").is_visible()


@pytest.mark.parametrize("username", ["demo-lead", "ingen-sadan"])
def test_wrong_password_stays_on_the_login_page(server, tablet, username):
    base, facts = server
    tablet.goto(f"{base}/login")
    tablet.fill("#username", username)
    tablet.fill("#password", "fel-losenord")
    with tablet.expect_response(lambda r: r.request.method == "POST") as answer:
        tablet.click("main button[type=submit]")
    tablet.wait_for_load_state()
    assert answer.value.status == 401
    assert path_of(tablet) == "/login"
    assert tablet.locator(".flash-error").inner_text() == "Fel användarnamn eller lösenord."
    assert tablet.locator("h1").inner_text() == "Logga in i Teamplan"
    assert tablet.locator("#password").input_value() == ""
    assert tablet.locator(".topbar .who").count() == 0
    if username == "demo-lead":
        shot(tablet, "22-fel-losenord")
    tablet.goto(f"{base}/teams/{facts['team']}")
    assert path_of(tablet).startswith("/login")


def test_lead_dashboard_draws_charts_and_prints(server, tablet):
    base, facts = server
    login(tablet, base, "demo-lead")
    with tablet.expect_navigation():
        tablet.click("nav.mainnav a:text-is('Uppföljning')")
    assert path_of(tablet) == "/followup/team"
    assert tablet.locator("h1").inner_text().startswith("Uppföljning")
    assert "Team Ryd" in tablet.locator("h1").inner_text()

    charts = tablet.locator("main svg.chart")
    assert charts.count() == 2  # continuity per week, and hours per person
    titles = [charts.nth(i).get_attribute("aria-label") for i in range(2)]
    assert titles[0].startswith("Kontinuitet per vecka")
    assert titles[1].startswith("Arbetade timmar")
    assert charts.nth(0).locator("polyline").count() >= 1  # the team's line over the weeks
    assert charts.nth(1).locator("rect").count() >= 20  # a bar for each person
    for i in range(2):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100

    row = tablet.locator(
        "main table.figures tr", has=tablet.locator(f"th:text-is('{CONTINUITY_LABEL}')")
    )
    cells = row.locator("td")
    now, before = cells.all_inner_texts()
    # At 768 px the table turns into stacked cards: each figure must say which fortnight it is.
    labels = [cells.nth(i).get_attribute("data-label") for i in range(2)]
    assert labels == ["Senaste 14 dagarna", "De 14 dagarna före"]
    for figure in (now, before):
        assert re.fullmatch(r"\d+(,\d)?", figure.strip()), figure
        assert 1 <= float(figure.replace(",", ".")) <= 40
    assert tablet.locator("main table.list tbody tr").count() > 10  # clients, workload
    shot(tablet, "23-uppfoljning-teamledare")

    tablet.emulate_media(media="print")
    assert not tablet.locator(".topbar").is_visible()
    assert not tablet.locator("main .no-print").first.is_visible()
    assert not tablet.locator("main a:has-text('Ladda ner export')").is_visible()
    assert charts.nth(0).is_visible() and charts.nth(1).is_visible()
    assert tablet.locator("main table.figures").first.is_visible()
    shot(tablet, "24-uppfoljning-utskrift")
    pdf = tablet.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10000


def read_zip(download, tmp_path) -> zipfile.ZipFile:
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return zipfile.ZipFile(target)


def test_evaluator_downloads_the_pseudonymised_export(server, tablet, tmp_path):
    base, facts = server
    login(tablet, base, "demo-evaluator")
    assert path_of(tablet) == "/followup/"
    tablet.select_option("#team", label="Team Ryd")
    tablet.select_option("#format", "csv")
    tablet.fill("#days", "14")
    with tablet.expect_download() as info:
        tablet.click("main button:has-text('Ladda ner export')")
    download = info.value
    assert download.failure() is None
    assert re.fullmatch(rf"teamplan-followup-team{facts['team']}-\d{{4}}-\d\d-\d\d-csv\.zip",
                        download.suggested_filename)  # fmt: skip

    with read_zip(download, tmp_path) as z:
        assert set(z.namelist()) == EXPORT_FILES
        texts = {name: z.read(name).decode("utf-8-sig") for name in z.namelist()}
    for name, text in texts.items():
        assert not leaked(text, facts), name
    assert "data dictionary" in texts["data_dictionary.txt"]
    assert "Team: Team Ryd" in texts["data_dictionary.txt"]
    tables = {n: list(csv.reader(io.StringIO(t))) for n, t in texts.items() if n.endswith(".csv")}
    for name, rows in tables.items():
        assert rows and rows[0], name  # a header at least
    summary = {row[0]: row[1] for row in tables["summary.csv"][1:]}
    assert re.fullmatch(r"\d+\.\d\d", summary["continuity_performed_mean"])
    visits = tables["visits.csv"]
    assert len(visits) > 100
    assert all(re.fullmatch(r"K\w+", row[0]) for row in visits[1:])  # pseudonyms only
    clients = tables["clients.csv"]
    assert clients[0][:2] == ["client", "age_band"]
    assert {row[1] for row in clients[1:]} <= {"<65", "65-79", "80+"}
    staff = tables["staff.csv"]
    assert all(re.fullmatch(r"P\w+", row[0]) for row in staff[1:])


def test_lead_downloads_the_excel_export(server, tablet, tmp_path):
    base, facts = server
    login(tablet, base, "demo-lead")
    tablet.goto(f"{base}/followup/team")
    with tablet.expect_download() as info:
        tablet.click("main a:has-text('Ladda ner export')")
    with read_zip(info.value, tmp_path) as z:
        assert set(z.namelist()) == {"data_dictionary.txt", "followup.xlsx"}
        assert not leaked(z.read("data_dictionary.txt").decode("utf-8"), facts)
        book = load_workbook(io.BytesIO(z.read("followup.xlsx")), read_only=True)
    sheets = set(book.sheetnames)
    assert {"data_dictionary", "summary", "clients", "visits", "staff", "sick_leave"} <= sheets
    cells = " | ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert not leaked(cells, facts)
    assert book["visits"].max_row > 100
