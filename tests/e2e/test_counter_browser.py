"""The counter in Chromium: the kiosk, the waiting-room display and a console open at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.support.accounts import PASSWORD, add_user
from tests.support.axe import serious_violations

pytestmark = pytest.mark.e2e
TUESDAY_10H = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture
def device(browser):
    """A second browser, as the tablet or the screen in the hall: no staff session."""
    contexts = []

    def open_page():
        context = browser.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 800}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_tickets_called_from_the_console_show_on_the_display(app, served, page, device):
    rt = app.extensions["espace_citoyen"]
    rt.clock = lambda: TUESDAY_10H
    add_user(app, "sophie", full_name="Sophie Marchal")

    display = device()
    display.goto(f"{served.url}/counter/display")
    display.locator("#display-connection[data-state='connected']").wait_for()
    assert display.locator("#current-number").inner_text() == "—"
    assert serious_violations(display) == []

    kiosk = device()
    kiosk.goto(f"{served.url}/counter/kiosk")
    assert serious_violations(kiosk) == []
    kiosk.get_by_role("button", name=re.compile("État civil")).click()
    assert kiosk.locator("#ticket-number").inner_text() == "A001"
    assert serious_violations(kiosk) == []
    kiosk.get_by_role("link", name="Terminé").click()
    kiosk.get_by_role("button", name=re.compile("Carte d’identité|Carte d'identité")).click()
    assert kiosk.locator("#ticket-number").inner_text() == "B001"

    page.goto(f"{served.url}/login")
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.locator("#connection-state[data-state='connected']").wait_for()
    assert page.locator("[data-channel='counter']").count() == 2  # both visits wait in the one queue

    page.get_by_role("button", name="Appeler le suivant").click()
    page.get_by_role("alert").filter(has_text="Choisissez d’abord votre guichet.").wait_for()
    page.get_by_label("Mon guichet").select_option("Guichet 2")
    page.get_by_role("button", name="Appeler le suivant").click()
    page.get_by_text("Ticket A001 appelé au Guichet 2.").wait_for()
    page.locator("#counter-section #counter-ticket", has_text="A001").wait_for()

    # The display, never reloaded, shows the number and the desk, and chimed once.
    display.locator("#current-number", has_text="A001").wait_for()
    assert display.locator("#current-desk").inner_text() == "Guichet 2"
    display.locator("body[data-chimes='1']").wait_for()
    assert display.locator("#display-announce").inner_text() == "Ticket A001, présentez-vous au Guichet 2."

    page.get_by_role("button", name="Absent : clore le ticket").click()
    page.get_by_text("Ticket A001 clos : personne absente.").wait_for()
    assert page.locator("#panel-body").is_hidden()
    page.get_by_role("button", name="Appeler le suivant").click()
    display.locator("#current-number", has_text="B001").wait_for()
    assert display.locator("#history li").first.inner_text().split() == ["A001", "Guichet", "2"]
    page.get_by_role("button", name="Rappeler le ticket").click()
    display.locator("body[data-chimes='3']").wait_for()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Appeler le suivant").click()
    page.get_by_role("alert").filter(has_text="Personne n'attend au guichet pour le moment.").wait_for()

    rt.clock = lambda: SATURDAY
    kiosk.goto(f"{served.url}/counter/kiosk")
    assert "L’accueil est fermé." in kiosk.locator("#kiosk-closed").inner_text()
    assert kiosk.get_by_role("button").count() == 0
    expected = [
        "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"
    ]  # nobody waits
    assert page.errors == expected and kiosk.errors == [] and display.errors == []
