"""The day view of the week board in a browser at 768 x 1024 (a tablet in portrait): no
sideways scrolling, day-to-day navigation, and a claim made from it. The lead claims for
themselves on the day after demo-staff's day (facts["day"]), so the visits the other browser
tests claim and fail to claim as demo-staff stay as the seed left them."""

from datetime import date, timedelta

from tests.e2e.conftest import login, shot

MAX_TRIES = 12


def no_wider_than_768(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= 768")


def candidates(page, facts) -> list[str]:
    """Visit links on the day view: free places first, then colleagues' (not demo-staff's)."""
    skip = {f"/visits/{facts.get('ok')}", f"/visits/{facts.get('impossible')}"}
    free = page.locator(".open-visits a.vcard")
    others = page.locator(
        f"section.staffday:not([aria-labelledby='staff-{facts['staff']}']) a.vcard"
    )
    hrefs = [free.nth(i).get_attribute("href") for i in range(free.count())]
    hrefs += [others.nth(i).get_attribute("href") for i in range(others.count())]
    return [h for h in hrefs if h not in skip]


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

    day_url = tablet.url
    claimed = None
    for href in candidates(tablet, facts)[:MAX_TRIES]:
        with tablet.expect_navigation():
            tablet.click(f"a.vcard[href='{href}']")
        button = tablet.locator("main button:has-text('Ta besöket')")
        if button.count():
            with tablet.expect_navigation():
                button.click()
            if "Sparat" in tablet.locator("main").inner_text():
                claimed = href
                break
        tablet.goto(day_url)
    assert claimed, "the lead could claim none of the day's visits"
    with tablet.expect_navigation():
        tablet.click("main a:has-text('Dagtavla')")
    assert tablet.url.endswith(f"day={day.isoformat()}")
    card = tablet.locator(f"section.staffday a.vcard[href='{claimed}']")
    assert card.count() == 1 and "Taget" in card.inner_text()
    assert tablet.locator(f".open-visits a.vcard[href='{claimed}']").count() == 0
    assert no_wider_than_768(tablet)
    card.scroll_into_view_if_needed()
    shot(tablet, "14-dagtavla-taget", full_page=False)
