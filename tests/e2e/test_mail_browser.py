"""An ambassador registers a scanned letter from the console and reads it beside its page image."""

from __future__ import annotations

import re

import pytest

from tests.support import letters as scans
from tests.support.accounts import PASSWORD, add_user
from tests.support.axe import serious_violations

pytestmark = pytest.mark.e2e


def test_upload_a_scan_open_it_and_read_its_text_beside_the_page(app, rt, served, page):
    add_user(app, "sophie", full_name="Sophie Marchal")
    page.goto(f"{served.url}/login")
    page.get_by_label("Identifiant").fill("sophie")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_url(f"{served.url}/console/")
    page.wait_for_selector("#queue-list", state="attached")

    page.get_by_text("Enregistrer un courrier scanné").click()
    assert serious_violations(page) == []
    # A wrong file first: a clear French message, nothing recorded.
    page.get_by_label("Fichiers numérisés").set_input_files(
        {"name": "photo.pdf", "mimeType": "application/pdf", "buffer": scans.jpeg(["Bonjour"])}
    )
    page.get_by_role("button", name="Enregistrer le courrier").click()
    error = page.locator("#letter-upload-error")
    error.get_by_text("est en réalité un fichier JPEG, pas un PDF").wait_for()

    lines = ["Madame, Monsieur,", "La fontaine de la place Drouet d'Erlon", "fuit depuis une semaine. Merci."]
    page.get_by_label("Fichiers numérisés").set_input_files(
        {"name": "fontaine.png", "mimeType": "image/png", "buffer": scans.png(lines)}
    )
    page.get_by_role("button", name="Enregistrer le courrier").click()
    page.locator("#letter-upload-status").get_by_text(
        re.compile(r"Courrier enregistré : élément n° \d+")
    ).wait_for()
    assert error.inner_text() == ""
    row = page.locator('#queue-list [data-channel="mail"]').first
    row.wait_for()  # through the socket, no reload
    scans.run_jobs(rt)  # the OCR job: in-process threads, or RQ drained here

    row.focus()
    page.keyboard.press("Enter")  # claims it and opens the panel
    section = page.locator("#letter-section")
    section.wait_for(state="visible")
    text = section.locator(".letter-page__body").first
    text.get_by_text("fontaine").wait_for(timeout=30_000)  # the panel polls until the OCR is stored
    assert "fuit depuis une semaine" in text.inner_text()
    image = section.get_by_role("img", name=re.compile("Page 1 du courrier « fontaine.png »"))
    image.wait_for()
    image.scroll_into_view_if_needed()  # loaded lazily, when shown
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert "Texte lu sur 1 page(s)." in page.locator("#letter-state").inner_text()
    assert serious_violations(page) == []

    # The letters' text is searchable from the same place, without accents or case.
    page.get_by_label("Rechercher dans le texte des courriers").fill("FONTAINE erlon")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.locator("#letter-search-results").get_by_text("fontaine.png").wait_for()
    # The browser logs the refused upload's 400 as a console error: the only one.
    assert [e for e in page.errors if "status of 400" not in e] == [] and len(page.errors) == 1
