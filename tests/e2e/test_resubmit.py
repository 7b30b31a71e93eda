"""End to end in a browser: Back after saving a create form, then Save again, creates nothing
new. Every page is no-store, so Back loads the form anew; the one-time token app.js set is
what the browser restores, and the server recognises it (formutil.CreateForm). The lead adds a
client this way, then a care need (valid from next year, so no visit of the plan changes); the
other browser tests share the server, so the client gets a birth year and no visits."""

import re
from datetime import timedelta

from tests.e2e.conftest import login
from timeutil import local_today

NAME = "Dubbel Klicksson"
NOTICE = "Formuläret var redan sparat. Det sparades inte en gång till."


def save_back_save(page) -> str:
    """Save the open form, go Back, save again; the URL the second save lands on."""
    token = page.input_value("input[name=form_token]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    first = page.url
    page.go_back()
    page.wait_for_load_state()
    assert page.input_value("input[name=form_token]") == token  # restored, not the new HTML's
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == first
    assert NOTICE in page.locator(".flash").all_inner_texts()
    return first


def test_back_and_save_again_creates_one_client_and_one_care_need(server, tablet):
    base, facts = server
    login(tablet, base, "demo-lead")
    tablet.goto(f"{base}/teams/{facts['team']}/clients/new")
    tablet.fill("#name", NAME)
    tablet.fill("#birth_year", "1940")  # the evaluator's export test wants every age band known
    tablet.check("#contact_staff-0")
    client_url = save_back_save(tablet)
    assert re.search(r"/clients/\d+$", client_url)

    tablet.goto(f"{base}/teams/{facts['team']}/clients")
    assert tablet.locator(f"main a:text-is('{NAME}')").count() == 1

    tablet.goto(f"{client_url}/needs/new")
    tablet.check("#weekdays-0")
    tablet.fill("#duration_min", "30")
    tablet.fill("#valid_from", (local_today() + timedelta(days=400)).isoformat())
    assert save_back_save(tablet) == client_url
    needs = tablet.locator("main section:has(h2:text-is('Insatser')) tbody tr")
    assert needs.count() == 1
