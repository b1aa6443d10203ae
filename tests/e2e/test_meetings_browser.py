"""An ambassador enters what was asked at a neighbourhood council, then finds it in the console."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.queue import QueueItem
from tests.support.accounts import PASSWORD, add_user
from tests.support.axe import serious_violations

pytestmark = pytest.mark.e2e


def test_a_council_contact_entered_by_staff_appears_in_the_console(app, rt, served, page):
    add_user(app, "sophie", full_name="Sophie Marchal")
    page.goto(f"{served.url}/login")
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_url(f"{served.url}/console/")

    page.get_by_role("link", name="Saisie conseil / GUSP").click()
    page.wait_for_url(f"{served.url}/console/saisie")
    assert serious_violations(page) == []
    page.get_by_role("link", name=re.compile("^Conseil de quartier")).click()
    page.wait_for_url(f"{served.url}/console/saisie/conseil-de-quartier")
    assert serious_violations(page) == []

    # Sent empty first: the errors are shown beside their fields.
    page.get_by_role("button", name="Enregistrer dans la file").click()
    page.locator("#entry-errors").wait_for()
    assert page.get_by_label("Objet").get_attribute("aria-invalid") == "true"
    assert page.get_by_text("Indiquez l’objet de la demande.").is_visible()
    assert serious_violations(page) == []

    page.get_by_label("Conseil de quartier").select_option(label="Croix-Dampierre")
    page.get_by_label("Date de la réunion").fill("2026-11-24")
    page.get_by_label("Nom et prénom").fill("Martine Collin")
    page.get_by_label("Objet").fill("Éclairage du square")
    page.get_by_label("Description").fill("Le square reste dans le noir dès 18 h.")
    page.get_by_label("Adresse concernée").fill("Square Antral")
    page.get_by_role("button", name="Enregistrer dans la file").click()

    saved = page.locator("#entry-saved")
    saved.wait_for()
    assert "« Éclairage du square »" in saved.inner_text()
    assert page.get_by_label("Objet").input_value() == ""  # ready for the next one
    assert serious_violations(page) == []
    with rt.new_uow() as uow:
        contact = uow.session.scalars(select(Contact)).one()
        assert contact.channel is Channel.COUNCIL
        assert contact.payload == {
            "council": "Croix-Dampierre",
            "meeting_date": "2026-11-24",
            "address": "Square Antral",
        }
        item_id = uow.session.scalars(select(QueueItem.id).where(QueueItem.contact_id == contact.id)).one()

    page.get_by_role("link", name="Ouvrir la console").click()
    page.wait_for_url(f"{served.url}/console/")
    row = page.locator(f'[data-item-id="{item_id}"]')
    row.wait_for()
    assert "Martine Collin — Éclairage du square" in row.inner_text()
    # The refused form came back with status 400, which Chromium logs; nothing else went wrong.
    assert [e for e in page.errors if "status of 400" not in e] == []
