"""An ambassador calls back a missed call from the console, in Chromium (Twilio faked at the HTTP layer)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.integration.test_phone_webhooks import TOKEN, call, signed_post
from tests.support.accounts import PASSWORD, add_user
from tests.support.axe import serious_violations
from tests.support.fake_twilio import start_fake_twilio

pytestmark = pytest.mark.e2e
ACCOUNT = "AC" + "0" * 32


@pytest.fixture
def fake_twilio():
    fake = start_fake_twilio()
    yield fake
    fake.stop()


def test_missed_call_is_called_back_from_the_panel(app, served, page, fake_twilio):
    rt = app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(
        twilio_auth_token=TOKEN, twilio_account_sid=ACCOUNT, twilio_api_base_url=fake_twilio.url
    )
    rt.clock = lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    client = app.test_client()
    signed_post(client, "/phone/voice", call())
    signed_post(client, "/phone/status", call() | {"CallStatus": "completed"})
    add_user(app, "sophie")

    page.goto(f"{served.url}/login")
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    row = page.locator("[data-item-id]").first
    assert "Appel manqué" in row.inner_text()
    row.locator(".claim").click()
    page.locator("#phone-section").wait_for()
    assert page.locator("#call-state").inner_text() == "Appel terminé (raccroché)."
    assert page.locator("#answer-call").is_hidden()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Rappeler depuis le numéro unique").click()
    page.get_by_text("Rappel en cours vers +33612345678 : décrochez votre poste.").wait_for()
    (placed,) = fake_twilio.requests
    assert placed.form["To"] == ["+33612345678"] and placed.form["From"] == ["+33326693838"]
    assert page.errors == []

    # The day's call log lists the missed call and its callback, reachable from the menu.
    page.get_by_role("link", name="Journal des appels").click()
    page.get_by_role("textbox", name="Jour").fill("2026-12-01")
    page.get_by_role("button", name="Afficher").click()
    rows = page.locator("#call-log tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    assert "Sortant" in rows.nth(0).inner_text() and "Rappel" in rows.nth(0).inner_text()
    assert "Abandonné" in rows.nth(1).inner_text()
    assert serious_violations(page) == []
    assert page.errors == []
