"""The patroller's tablet page in Chromium: the browser's position, a camera photo, the queue."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Role
from tests.support.accounts import PASSWORD, add_user
from tests.support.axe import serious_violations
from tests.support.clients import ConsoleClient, login
from tests.support.factories import load_catalogue

pytestmark = pytest.mark.e2e
CHALONS = {"latitude": 48.95621, "longitude": 4.36329, "accuracy": 15}


@pytest.fixture
def tablet(browser):
    """A tablet-sized browser; `tablet(located=True)` has granted its position to the page."""
    contexts = []

    def open_page(located: bool):
        options = {"geolocation": CHALONS, "permissions": ["geolocation"]} if located else {}
        context = browser.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 800, "height": 1280}, **options
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


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "lampadaire.jpg"
    Image.new("RGB", (120, 90), (90, 90, 160)).save(path, "JPEG")
    return path


def _log_in(page, url: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Identifiant").fill("julien")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.wait_for_url(f"{url}/patrol")  # the patroller's home is the report page
    assert page.get_by_role("link", name="Signalement terrain").get_attribute("aria-current") == "page"


@pytest.fixture
def patroller(app, rt):
    with rt.new_uow() as uow:
        load_catalogue(uow)
    return add_user(app, "julien", Role.PATROLLER, full_name="Julien Perrin")


def _patrol_contacts(rt) -> int:
    with rt.new_uow() as uow:
        return uow.session.scalar(
            select(func.count()).select_from(Contact).where(Contact.channel == Channel.PATROL)
        )


def test_a_report_with_a_photo_and_the_tablet_position_lands_in_the_queue(
    app, rt, served, tablet, photo, patroller
):
    add_user(app, "sophie", full_name="Sophie Marchal")
    console = ConsoleClient().connect(served.url, login(served.url, "sophie", PASSWORD))
    console.wait_for("queue:snapshot")

    page = tablet(located=True)
    _log_in(page, served.url)
    assert serious_violations(page) == []
    page.get_by_label("Catégorie").select_option("P-0004")
    page.get_by_label("Ce que vous avez constaté").fill("Lampadaire couché sur le trottoir.")
    page.get_by_role("button", name="Utiliser ma position").click()
    status = page.locator("#position-status")
    status.filter(has_text="Position relevée : 48.95621, 4.36329 (précision ± 15 m).").wait_for()
    assert page.locator("#latitude").input_value() == "48.956210"
    page.get_by_label("Photos").set_input_files(photo)
    page.locator("#photos-chosen").filter(has_text="lampadaire.jpg").wait_for()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Envoyer le signalement").click()

    page.wait_for_url(re.compile(r"/patrol/signalements/\d+$"))
    assert page.get_by_role("heading", name="Signalement enregistré").is_visible()
    assert serious_violations(page) == []
    added = console.wait_for("queue:added", lambda i: i["channel"] == "patrol")
    assert added["summary"] == "Autosaisine — Processus n°4 — éclairage — 48.95621, 4.36329"
    with rt.new_uow() as uow:
        contact = uow.session.scalars(select(Contact).where(Contact.channel == Channel.PATROL)).one()
        assert contact.created_by_id == patroller.id
        assert (contact.payload["latitude"], contact.payload["longitude"]) == (48.95621, 4.36329)
        assert contact.payload["tag"] == "autosaisine" and contact.payload["accuracy_m"] == 15
        assert [(a.filename, a.content_type) for a in contact.attachments] == [("photo-1.jpg", "image/jpeg")]

    page.get_by_role("link", name="Nouveau signalement").click()
    page.wait_for_url(f"{served.url}/patrol")
    assert page.locator("#latitude").input_value() == ""
    assert page.errors == []


def test_photos_without_a_place_are_refused_and_a_refused_position_is_explained(
    rt, served, tablet, photo, patroller
):
    page = tablet(located=False)
    _log_in(page, served.url)
    # No permission granted: the browser refuses, the page says what to do instead.
    page.get_by_role("button", name="Utiliser ma position").click()
    page.locator("#position-status").filter(has_text="Vous avez refusé l’accès à votre position").wait_for()

    page.get_by_label("Catégorie").select_option("P-0004")
    page.get_by_label("Ce que vous avez constaté").fill("Dépôt sauvage.")
    page.get_by_label("Photos").set_input_files(photo)
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.locator("#patrol-errors").wait_for()
    assert page.get_by_text("Des photos sans lieu ne suffisent pas").is_visible()
    assert page.get_by_label("Adresse ou lieu").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Catégorie").input_value() == "P-0004"  # what was typed is kept
    assert serious_violations(page) == []
    assert _patrol_contacts(rt) == 0
