"""The day view of the week board in a browser at 768 x 1024 (a tablet in portrait): no
sideways scrolling, day-to-day navigation, and a claim made from it. The lead claims for
themselves on a day after demo-staff's day (facts["day"]), so the visits the other browser
tests claim and fail to claim as demo-staff stay as the seed left them. Which visit the
lead has room for depends on the weekday the tests run on (the roster and the published
plan follow the week), so the seed finds it: facts["lead_day"], facts["lead_ok"]."""

from datetime import date, timedelta

from tests.e2e.conftest import login, shot


def no_wider_than_768(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 768")


def test_day_view_fits_the_tablet_and_a_claim_works_from_it(server, tablet):
    base, facts = server
    login(tablet, base, "demo-lead")
    first = date.fromisoformat(facts["day"])
    tablet.goto(f"{base}/teams/{facts['team']}/board?day={first.isoformat()}")
    assert "Dagtavla" in tablet.locator("h1").inner_text()
    assert no_wider_than_768(tablet)
    day = first + timedelta(days=1)
    with tablet.expect_navigation():
        tablet.click(".daynav a[rel=next]")
    assert tablet.url.endswith(f"day={day.isoformat()}")
    assert (
        tablet.locator(".daypicker a[aria-current=date]")
        .get_attribute("href")
        .endswith(day.isoformat())
    )
    assert tablet.locator("a.vcard").count() > 0
    assert no_wider_than_768(tablet)
    targets = tablet.locator(".daynav a, .daypicker a, a.vcard")
    heights = [targets.nth(i).bounding_box()["height"] for i in range(targets.count())]
    assert min(heights) >= 44
    shot(tablet, "13-dagtavla", full_page=False)

    day = date.fromisoformat(facts["lead_day"])
    if not tablet.url.endswith(f"day={day.isoformat()}"):
        tablet.goto(f"{base}/teams/{facts['team']}/board?day={day.isoformat()}")
    claimed = f"/visits/{facts['lead_ok']}"
    with tablet.expect_navigation():
        tablet.click(f"a.vcard[href='{claimed}']")
    with tablet.expect_navigation():
        tablet.click("main button:has-text('Ta besöket')")
    assert "Sparat" in tablet.locator("main").inner_text()
    with tablet.expect_navigation():
        tablet.click("main a:has-text('Dagtavla')")
    assert tablet.url.endswith(f"day={day.isoformat()}")
    card = tablet.locator(f"section.staffday a.vcard[href='{claimed}']")
    assert card.count() == 1 and "Taget" in card.inner_text()
    assert tablet.locator(f".open-visits a.vcard[href='{claimed}']").count() == 0
    assert no_wider_than_768(tablet)
    card.scroll_into_view_if_needed()
    shot(tablet, "14-dagtavla-taget", full_page=False)
