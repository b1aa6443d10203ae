"""The other pages people use, in Chromium: closure days, the referent's home, errors, logout."""

from __future__ import annotations

import re

import pytest

from contact_centre.domain.enums import Role
from tests.support.accounts import PASSWORD, add_user
from tests.support.axe import serious_violations

pytestmark = pytest.mark.e2e


def _log_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_load_state()


def test_admin_adds_and_removes_a_closure_day(app, served, page):
    add_user(app, "admin", Role.ADMIN, full_name="Administrateur")
    _log_in(page, served.url, "admin")
    page.goto(f"{served.url}/admin/closures")
    assert serious_violations(page) == []
    page.get_by_label("Date").fill("2026-12-24")
    page.get_by_label("Motif").fill("Veille de Noël")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_text("Fermeture exceptionnelle ajoutée.").is_visible()
    row = page.locator("tr", has_text="Veille de Noël")
    assert "jeudi 24 décembre 2026" in row.inner_text()

    page.get_by_label("Date").fill("2026-12-24")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_text("Ce jour est déjà fermé.").is_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("Supprimer")).click()
    page.get_by_text("Fermeture supprimée.").wait_for()
    assert page.locator("tr", has_text="Veille de Noël").count() == 0
    assert page.errors == []


def test_a_referent_has_a_home_but_no_console(app, served, page):
    add_user(app, "referent1", Role.REFERENT, full_name="Marie Curie")
    _log_in(page, served.url, "referent1")
    assert page.get_by_role("heading", name="Bonjour Marie Curie").is_visible()
    assert serious_violations(page) == []
    response = page.goto(f"{served.url}/console/")
    assert response.status == 403
    assert page.get_by_text("Vous n'avez pas accès à cette page.").is_visible()
    assert page.goto(f"{served.url}/admin/closures").status == 403
    assert page.goto(f"{served.url}/nulle-part").status == 404
    assert page.get_by_text("Page introuvable.").is_visible()
    assert serious_violations(page) == []


def test_logout_returns_to_the_login_page(app, served, page):
    add_user(app, "sophie")
    _log_in(page, served.url, "sophie")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{served.url}/login")
    assert page.get_by_text("Vous êtes déconnecté·e.").is_visible()
    page.goto(f"{served.url}/console/")
    assert page.url.startswith(f"{served.url}/login")


def test_a_citizen_finds_and_follows_a_request_without_the_link(app, rt, served, page):
    from tests.integration.test_tracking import open_request

    reference = open_request(app, rt)
    page.goto(f"{served.url}/suivi/")
    assert serious_violations(page) == []
    page.get_by_label("Référence de la demande").fill(reference)
    page.get_by_label("Adresse e-mail ou numéro de téléphone").fill("autre@example.fr")
    page.get_by_role("button", name="Afficher ma demande").click()
    assert "Aucune demande ne correspond" in page.get_by_role("alert").inner_text()
    page.get_by_label("Adresse e-mail ou numéro de téléphone").fill("06 12 34 56 78")
    page.get_by_role("button", name="Afficher ma demande").click()
    page.get_by_role("heading", name=f"Votre demande {reference}").wait_for()
    assert page.locator("#tracking-status").inner_text() == "Nouvelle"
    assert serious_violations(page) == []
