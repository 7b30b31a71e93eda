"""End to end in a browser: the lead opens the CSV import from the client list, downloads the
template, uploads a file with an impossible time and sees the Swedish list of problems (nothing
imported), uploads the corrected file, checks the preview, confirms, and finds the new clients
in the list. At 768 px wide without sideways scroll; buttons at least 44 px tall; the file
picker in Swedish, showing the chosen file's name."""

from tests.e2e.conftest import login, shot
from tests.e2e.test_day_view import no_wider_than_768

NAMES = ("Edit Importsson", "Ivar Importberg")


def rows_from_template(template: str, start: str) -> str:
    """The template's header and two clients built from its example row."""
    header, example = template.splitlines()[:2]
    cells = example.split(";")
    first = [NAMES[0], "Importvägen 1", *cells[2:]]
    second = [NAMES[1], "Importvägen 2", *cells[2:6], "Lunch", "alla", "1", "11:30",
              "13:00", "20", "2", "", *cells[14:]]  # fmt: skip
    first[9] = start
    return "\r\n".join([header, ";".join(first), ";".join(second)]) + "\r\n"


def check_file(page, path, data: bytes) -> str:
    """Upload the file on the import page; the text of the page that answers."""
    path.write_bytes(data)
    picker = page.locator("main .filepick")
    button, name = picker.locator("label.button"), picker.locator("[data-filepick-name]")
    assert button.inner_text() == "Välj fil" and name.inner_text() == "Ingen fil vald"
    assert button.bounding_box()["height"] >= 44
    page.set_input_files("input[type=file]", str(path))
    assert name.inner_text() == path.name
    with page.expect_navigation():
        page.click("main button:has-text('Kontrollera filen')")
    assert no_wider_than_768(page)
    return page.locator("main").inner_text()


def test_lead_imports_clients_after_correcting_the_file(server, tablet, tmp_path):
    base, facts = server
    login(tablet, base, "demo-lead")
    tablet.goto(f"{base}/teams/{facts['team']}/clients")
    with tablet.expect_navigation():
        tablet.click("main a:has-text('Importera från fil')")
    assert tablet.locator("h1").inner_text().startswith("Importera brukare och insatser")
    with tablet.expect_download() as download:
        tablet.click("main a:has-text('Ladda ner mallen')")
    template = download.value.path().read_bytes().decode("utf-8-sig")
    assert template.startswith("namn;adress;")

    # From the keyboard the hidden file input takes the focus and the ring shows on its button.
    tablet.locator("input[type=file]").focus()
    tablet.keyboard.press("Shift+Tab")
    tablet.keyboard.press("Tab")
    assert tablet.evaluate("document.activeElement.type") == "file"
    ring = "getComputedStyle(document.querySelector('.filepick-button')).outlineStyle"
    assert tablet.evaluate(ring) == "solid"

    bad = rows_from_template(template, "25:00").encode("utf-8-sig")
    problems = check_file(tablet, tmp_path / "brukare-fel.csv", bad)
    assert "Inget har importerats" in problems
    assert "Rad 2, kolumn tid_från: 25:00 är ingen giltig tid" in problems
    shot(tablet, "25-import-fel")

    good = rows_from_template(template, "07:00").encode("cp1252")  # Excel on Windows
    preview = check_file(tablet, tmp_path / "brukare.csv", good)
    assert "2 nya brukare och 2 insatser" in preview and NAMES[1] in preview
    buttons = tablet.locator("main button, main a.button")
    heights = [buttons.nth(i).bounding_box()["height"] for i in range(buttons.count())]
    assert min(heights) >= 44
    shot(tablet, "26-import-forhandsvisning")

    with tablet.expect_navigation():
        tablet.click("main button:has-text('Importera')")
    assert tablet.url.endswith(f"/teams/{facts['team']}/clients")
    page = tablet.locator("main").inner_text()
    assert "2 brukare och 2 insatser importerade" in page
    assert all(name in page for name in NAMES)
    assert no_wider_than_768(tablet)
    shot(tablet, "27-import-klar", full_page=False)
