"""Tablet layout and pages without JavaScript, in a browser at 768 x 1024 and 1024 x 768:
the week board shows the whole week in landscape and says that it scrolls in portrait, the
"Vad hände" buttons keep their text inside them, and the solver's progress page updates
itself when JavaScript is off."""

from datetime import date, timedelta

import pytest

from tests.e2e.conftest import login, shot
from timeutil import local_today

SIZES = {"portrait": (768, 1024), "landscape": (1024, 768)}


@pytest.fixture(params=sorted(SIZES))
def sized(request, browser):
    """A page at one tablet size; yields (page, size name)."""
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page, request.param
    context.close()


def test_week_board_fits_in_landscape_and_says_it_scrolls_in_portrait(server, sized):
    (base, facts), (page, size) = server, sized
    login(page, base, "demo-lead")
    page.goto(f"{base}/teams/{facts['team']}/board")
    wrap = page.locator(".boardwrap")
    overflow = wrap.evaluate("el => el.scrollWidth - el.clientWidth")
    hint = page.locator(".scrollhint")
    if size == "landscape":
        assert overflow <= 1  # Monday to Sunday all on screen
        sunday = page.locator(".board thead th").last.bounding_box()
        assert sunday["x"] + sunday["width"] <= 1024
        assert not hint.is_visible()
    else:
        assert overflow > 0 and hint.is_visible()
        assert "dra i sidled" in hint.inner_text()
        # the right edge carries a shadow while there is more to the right
        assert "linear-gradient" in wrap.evaluate("el => getComputedStyle(el).backgroundImage")
    shot(page, f"20-veckotavla-{size}", full_page=False)


def test_outcome_buttons_keep_their_text_inside(server, sized):
    (base, _facts), (page, size) = server, sized
    login(page, base, "demo-lead")
    # A day of the seeded history (last Friday): every visit has started, so each card has
    # its "done by someone else" button (a visit not yet started has none).
    today = local_today()  # the server seeded its history up to Sweden's today
    friday = today - timedelta(days=today.weekday() + 3)
    page.goto(f"{base}/followup/outcomes?day={friday.isoformat()}")
    row = page.locator(".outcome .field-inline").first
    select, button = row.locator("select"), row.locator("button")
    assert button.inner_text() == "Utfört av annan"
    assert button.evaluate("el => el.scrollWidth <= el.clientWidth")  # no text overflow
    s, b = select.bounding_box(), button.bounding_box()
    touching = b["y"] < s["y"] + s["height"] and b["x"] < s["x"] + s["width"] + 4
    assert not touching, (s, b)
    shot(page, f"21-vad-hande-{size}", full_page=False)


def test_solver_progress_updates_without_javascript(server, browser):
    base, facts = server
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, locale="sv-SE", java_script_enabled=False
    )
    page = context.new_page()
    try:
        login(page, base, "demo-lead")
        page.goto(f"{base}/teams/{facts['team']}/plans")
        day = date.fromisoformat(facts["day"]) + timedelta(days=1)
        page.fill("#start", day.isoformat())
        page.fill("#days", "1")
        page.click("main form button:has-text('Föreslå plan')")
        page.wait_for_load_state()
        assert "/runs/" in page.url and "1 dag" in page.locator("h1").inner_text()
        if "Förslaget är klart" not in page.locator("main").inner_text():
            assert page.locator('noscript meta[http-equiv="refresh"]').count() == 1
            assert page.locator("noscript a").text_content() == "Ladda om nu"
            # nothing clicks: the page reloads itself until the run has ended
            page.wait_for_selector("text=Förslaget är klart", timeout=60000)
        body = page.locator("main").inner_text()
        assert "Kontinuitet hittills" not in body and "Visa förslaget" in body
        assert page.locator('noscript meta[http-equiv="refresh"]').count() == 0
        shot(page, "22-planering-utan-javascript", full_page=False)
    finally:
        context.close()
