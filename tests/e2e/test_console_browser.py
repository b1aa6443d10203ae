"""An ambassador in a real browser: log in, see an item arrive, claim it, qualify it, get the reference."""

from __future__ import annotations

import re

import pytest
import requests

from contact_centre.domain.base import utcnow
from tests.support.accounts import PASSWORD, add_token, add_user
from tests.support.axe import serious_violations
from tests.support.factories import load_catalogue

pytestmark = pytest.mark.e2e


def _log_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_url(f"{url}/console/")


def test_login_page_rejects_a_wrong_password_in_french(app, served, page):
    add_user(app, "sophie")
    page.goto(f"{served.url}/login")
    assert serious_violations(page) == []
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    assert page.get_by_text("Identifiant ou mot de passe incorrect.").is_visible()
    assert page.url.endswith("/login")


def test_ambassador_claims_qualifies_and_creates_a_request(app, rt, served, page):
    add_user(app, "sophie", full_name="Sophie Marchal")
    add_user(app, "robot")
    token = add_token(app, "robot")
    with rt.new_uow() as uow:
        load_catalogue(uow)

    _log_in(page, served.url, "sophie")
    page.wait_for_selector("#queue-list", state="attached")
    assert serious_violations(page) == []

    response = requests.post(
        f"{served.url}/api/v1/contacts",
        json={
            "channel": "web",
            "citizen": {"name": "Jean Dupont"},
            "subject": "Lampadaire éteint rue de la Marne",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    item_id = response.json()["queue_item_id"]
    row = page.locator(f'[data-item-id="{item_id}"]')
    row.wait_for()  # arrives through the socket: no reload
    assert "Lampadaire éteint" in row.inner_text()

    with rt.new_uow() as uow:
        calendar = rt.calendar(uow.session)
    opening = page.locator("#opening-hours").inner_text()
    assert ("Service ouvert" in opening) == calendar.is_open(utcnow())

    # Keyboard only: focus the row, Enter claims it and opens the panel.
    row.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#panel")
    panel.get_by_text("Lampadaire éteint rue de la Marne").first.wait_for()

    page.locator("#process-search").fill("P-0003")
    page.locator('[data-process-code="P-0003"]').first.wait_for()
    page.locator("#process-search").press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("#create-request").click()
    reference = page.locator("#request-reference")
    reference.wait_for()
    assert re.fullmatch(r"GRC-\d{4}-000001", reference.inner_text().strip())

    page.locator("#complete-item").click()
    row.wait_for(state="detached")
    assert page.errors == []
