"""End to end in a browser at 768 px: staff claims a visit, is refused an impossible claim
with a Swedish reason, opens the körlista; the lead proposes a plan, publishes it and sees
what changed. Screenshots go to screenshots/ (not in git)."""

from datetime import date, timedelta

from tests.e2e.conftest import login, shot


def no_wider_than_viewport(page) -> bool:
    """Nothing but the board's own scroll area makes the page scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_staff_claims_a_visit(server, tablet):
    base, facts = server
    login(tablet, base, "demo-staff")
    tablet.goto(f"{base}/me/week")
    assert tablet.locator("h1").inner_text().startswith("Min vecka")
    assert no_wider_than_viewport(tablet)
    shot(tablet, "01-min-vecka")
    tablet.goto(f"{base}/visits/{facts['ok']}")
    shot(tablet, "02-besok-fore")
    with tablet.expect_navigation():
        tablet.click("main button:has-text('Ta besöket')")
    body = tablet.locator("main").inner_text()
    assert "Sparat" in body and "Antal olika personal för" in body
    assert "Taget" in body
    shot(tablet, "03-besok-taget")


def test_impossible_claim_shows_the_conflict_in_swedish(server, tablet):
    base, facts = server
    login(tablet, base, "demo-staff")
    tablet.goto(f"{base}/visits/{facts['impossible']}")
    with tablet.expect_navigation():
        tablet.click("main button:has-text('Ta besöket')")
    alert = tablet.locator(".conflicts").inner_text()
    assert "Inte sparat" in alert and "Hinner inte" in alert and "min resväg" in alert
    shot(tablet, "04-omojligt-besok")


def test_run_list_is_printable(server, tablet):
    base, facts = server
    login(tablet, base, "demo-staff")
    tablet.goto(f"{base}/staff/{facts['staff']}/day/{facts['day']}")
    assert "Körlista" in tablet.locator("h1").inner_text()
    assert tablet.locator(".stop.visit").count() > 0
    assert tablet.locator(".stop.brk").count() == 1
    assert no_wider_than_viewport(tablet)
    shot(tablet, "05-korlista")
    tablet.emulate_media(media="print")
    assert not tablet.locator(".topbar").is_visible()
    shot(tablet, "06-korlista-utskrift")


def test_week_board(server, tablet):
    base, facts = server
    login(tablet, base, "demo-staff")
    tablet.goto(f"{base}/teams/{facts['team']}/board")
    assert "Veckotavla" in tablet.locator("h1").inner_text()
    assert tablet.locator(".vcard").count() > 10
    assert tablet.locator(".mark.pin").count() >= 1  # the claim from the first test
    assert no_wider_than_viewport(tablet)
    shot(tablet, "07-veckotavla", full_page=False)


def test_lead_proposes_publishes_and_sees_the_diff(server, tablet):
    base, facts = server
    login(tablet, base, "demo-lead")
    tablet.goto(f"{base}/teams/{facts['team']}/plans")
    monday = date.fromisoformat(facts["day"])
    monday -= timedelta(days=monday.weekday())
    tablet.fill("#start", monday.isoformat())
    tablet.fill("#days", "14")
    with tablet.expect_navigation():
        tablet.click("main form button:has-text('Föreslå plan')")
    tablet.wait_for_selector("#solver-run")
    shot(tablet, "08-planering-pagar")
    tablet.wait_for_selector("text=Förslaget är klart", timeout=90000)
    shot(tablet, "09-planering-klar")
    with tablet.expect_navigation():
        tablet.click("text=Visa förslaget")
    unstaffed = tablet.locator("input[name=unstaffed_ok]")
    if unstaffed.count():  # visits left without staff: the lead ticks that she knows
        unstaffed.check()
    with tablet.expect_navigation():
        tablet.click("main button:has-text('Publicera')")
    body = tablet.locator("main").inner_text()
    assert "Ändringar" in body and "publicerad" in body.lower()
    shot(tablet, "10-andringar", full_page=False)


def test_staff_sees_my_shifts_and_gets_a_rest_warning(server, tablet):
    base, facts = server
    login(tablet, base, "demo-staff")
    tablet.goto(f"{base}/me/shifts")
    assert "Mina pass" in tablet.locator("h1").inner_text()
    assert no_wider_than_viewport(tablet)
    shot(tablet, "11-mina-pass")
    # A shift starting 02:00 the day after an evening shift leaves far less than 11 h rest.
    day = date.fromisoformat(facts["day"]) + timedelta(days=1)
    tablet.goto(f"{base}/me/shifts/new?day={day.isoformat()}")
    tablet.fill("#start", "02:00")
    tablet.fill("#end", "06:00")
    tablet.fill("#break_earliest", "")
    tablet.fill("#break_latest", "")
    with tablet.expect_navigation():
        tablet.click("main button[type=submit]")
    assert "minst 11 h" in tablet.locator("main").inner_text()
    shot(tablet, "12-dygnsvila")
