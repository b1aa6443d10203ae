"""Scanned letters uploaded from the console: real Tesseract, both backends (jobs in-process or RQ)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from contact_centre.channels.mail.intake import reception_instant
from contact_centre.domain.audit import timeline
from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Role
from contact_centre.domain.sla import sla_due_at
from contact_centre.queue import service as queue
from tests.support import letters as scans
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import login

LIMIT = 400_000


@pytest.fixture
def settings(settings):
    return settings.replace(mail_scan_max_bytes=LIMIT, mail_scan_max_pages=5)


@pytest.fixture
def sophie(app, served):
    user = add_user(app, "sophie", full_name="Sophie Marchal")
    http = login(served.url, "sophie", PASSWORD)
    http.user_id = user.id  # type: ignore[attr-defined]
    return http


def _upload(http, url, *files, received_on=""):
    return http.post(
        f"{url}/console/api/mail/letters",
        files=[("files", (name, data)) for name, data in files],
        data={"received_on": received_on},
        timeout=30,
    )


def _letters(http, url, item_id):
    return http.get(f"{url}/console/api/mail/items/{item_id}/letter", timeout=10).json()


def _mail_contacts(rt) -> int:
    with rt.new_uow() as uow:
        return uow.session.scalar(
            select(func.count()).select_from(Contact).where(Contact.channel == Channel.MAIL)
        )


def _past_business_day(rt, days_back: int):
    calendar = rt.base_calendar
    day = utcnow().astimezone(calendar.zone).date()
    for _ in range(days_back):
        day -= timedelta(days=1)
        while not calendar.is_business_day(day):
            day -= timedelta(days=1)
    return day


def test_a_png_letter_is_read_dated_searchable_and_attached_to_the_request_it_quotes(rt, served, sophie):
    reference = scans.request_numbered(None, rt, sophie.user_id)
    received_on = _past_business_day(rt, 2)
    response = _upload(sophie, served.url, ("lettre-mairie.png", scans.png(scans.letter_lines(reference))),
                       received_on=received_on.isoformat())  # fmt: skip
    assert response.status_code == 201, response.text
    (letter,) = response.json()["letters"]
    item_id = letter["queue_item_id"]

    # The reception date the ambassador gave is the contact's, and the commitment counts from it.
    with rt.new_uow() as uow:
        item = queue.get_item(uow.session, item_id)
        expected = reception_instant(received_on, rt.calendar(uow.session))
        assert item.received_at == expected
        assert item.sla_due_at == sla_due_at(Channel.MAIL, expected, rt.calendar(uow.session))
        assert item.request_id is None  # until the text is read

    before = _letters(sophie, served.url, item_id)
    assert before["pending"] is True and before["letters"][0]["status"] == "pending"
    scans.run_jobs(rt)

    shown = _letters(sophie, served.url, item_id)
    (read,) = shown["letters"]
    assert shown["pending"] is False and read["status"] == "done", read
    for word in ("éclairage", "Édouard", "éteint", "février", "Référence", "agréer", "distinguées"):
        assert word in read["text"], (word, read["text"])
    assert read["references"] == [reference] and read["request"] == reference
    (page,) = read["pages"]
    assert page["number"] == 1 and "éclairage" in page["text"]
    image = sophie.get(served.url + page["url"], timeout=10)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG") and "private" in image.headers["Cache-Control"]

    detail = sophie.get(f"{served.url}/console/api/items/{item_id}", timeout=10).json()
    assert detail["request"]["reference"] == reference
    assert "éclairage" in detail["contact"]["body"]  # a request opened from the letter starts with its text
    with rt.new_uow() as uow:
        events = timeline(uow.session, scans.request_id(rt, reference))
        attached = [e for e in events if e.action == "request.contact_attached"]
        assert attached and attached[-1].actor_id is None and attached[-1].after["found_by"] == "ocr"

    # Searchable without accents or case; an absent word finds nothing.
    found = sophie.get(f"{served.url}/console/api/mail/letters", params={"q": "ECLAIRAGE vaillant"}).json()
    assert [(f["queue_item_id"], f["request"]) for f in found] == [(item_id, reference)]
    assert "clairage" in found[0]["snippet"]
    assert sophie.get(f"{served.url}/console/api/mail/letters", params={"q": "piscine"}).json() == []


def test_multipage_pdf_and_tiff_are_read_page_by_page(rt, served, sophie):
    reference = scans.request_numbered(None, rt, sophie.user_id, number=7)
    pdf = scans.multipage([["Première page : stationnement gênant", "devant l'école Jean Macé."],
                           [f"Suite du courrier, dossier {reference}", "Salutations très distinguées."]], "PDF")  # fmt: skip
    tiff = scans.multipage(
        [["Feuillet un : poubelles débordées"], ["Feuillet deux : allée des Érables"]], "TIFF"
    )
    response = _upload(sophie, served.url, ("courrier.pdf", pdf), ("scan.tiff", tiff))
    assert response.status_code == 201, response.text
    pdf_item, tiff_item = (entry["queue_item_id"] for entry in response.json()["letters"])
    scans.run_jobs(rt)

    (read_pdf,) = _letters(sophie, served.url, pdf_item)["letters"]
    assert read_pdf["kind"] == "pdf" and read_pdf["page_count"] == 2 and read_pdf["status"] == "done"
    first, second = read_pdf["pages"]
    assert "stationnement gênant" in first["text"] and "école" in first["text"]
    assert reference in second["text"] and reference not in first["text"]
    assert read_pdf["request"] == reference

    (read_tiff,) = _letters(sophie, served.url, tiff_item)["letters"]
    assert [p["number"] for p in read_tiff["pages"]] == [1, 2]
    assert "débordées" in read_tiff["pages"][0]["text"] and "Érables" in read_tiff["pages"][1]["text"]
    assert read_tiff["request"] is None and read_tiff["references"] == []


def test_the_same_file_uploaded_twice_is_one_letter(rt, served, sophie):
    data = scans.png(["Demande de rendez-vous avec monsieur le maire."])
    first = _upload(sophie, served.url, ("rdv.png", data))
    again = _upload(sophie, served.url, ("rdv-bis.png", data))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["letters"][0]["queue_item_id"] == first.json()["letters"][0]["queue_item_id"]
    assert again.json()["letters"][0]["created"] is False
    scans.run_jobs(rt)
    assert _mail_contacts(rt) == 1


def test_bad_uploads_get_a_clear_french_400_and_record_nothing(rt, served, sophie):
    good = scans.png(["Bonjour."])
    pdf = scans.multipage([["Une page."]], "PDF")
    cases = [
        (("photo.pdf", scans.jpeg(["Bonjour."])), "est en réalité un fichier JPEG, pas un PDF"),
        (("vide.pdf", b""), "est vide (0 octet)"),
        (("coupe.pdf", pdf[: len(pdf) // 2]), "est un PDF tronqué ou endommagé"),
        (("notes.txt", b"Bonjour, voici ma demande."), "seuls les fichiers PDF, JPEG, PNG et TIFF"),
        (("lettre.docx", b"PK\x03\x04" + b"\x00" * 100), "n'est pas un scan accepté"),
        (("enorme.pdf", b"%PDF-1.4\n" + b"0" * LIMIT), "dépasse la taille maximale d'un courrier numérisé (1 Mo)"),
        (("abime.png", good[: len(good) // 2]), "est une image PNG tronquée ou endommagée"),
    ]  # fmt: skip
    for (name, data), message in cases:
        refused = _upload(sophie, served.url, (name, data))
        assert refused.status_code == 400, (name, refused.text)
        error = refused.json()["error"]
        assert error["code"] == "invalid_input" and message in error["message"], (name, error)
        assert name in error["message"]

    # One bad file among good ones: nothing at all is recorded, and the message says so.
    mixed = _upload(sophie, served.url, ("bon.png", good), ("vide.png", b""))
    assert (
        mixed.status_code == 400 and "Aucun courrier n'a été enregistré." in mixed.json()["error"]["message"]
    )
    future = (utcnow() + timedelta(days=3)).date().isoformat()
    dated = _upload(sophie, served.url, ("bon.png", good), received_on=future)
    assert dated.status_code == 400 and "dans le futur" in dated.json()["error"]["message"]
    nothing = sophie.post(f"{served.url}/console/api/mail/letters", data={}, timeout=10)
    assert (
        nothing.status_code == 400 and "Choisissez au moins un fichier" in nothing.json()["error"]["message"]
    )

    # The CSRF header is required, as for every console action.
    token = sophie.headers.pop("X-CSRFToken")
    assert _upload(sophie, served.url, ("bon.png", good)).json()["error"]["code"] == "csrf"
    sophie.headers["X-CSRFToken"] = token
    assert _mail_contacts(rt) == 0


def test_an_upload_larger_than_the_request_limit_is_a_400_too(app, served, sophie):
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = _upload(sophie, served.url, ("gros.pdf", b"%PDF-1.4\n" + b"0" * (limit + 10)))
    assert huge.status_code == 400
    assert "dépasse la taille maximale" in huge.json()["error"]["message"]


def test_only_console_staff_may_upload_or_read_letters(app, served):
    add_user(app, "referent1", Role.REFERENT)
    referent = login(served.url, "referent1", PASSWORD, console=False)
    assert referent.get(f"{served.url}/console/api/mail/letters", params={"q": "x"}).status_code == 403
    assert _upload(referent, served.url, ("bon.png", scans.png(["Bonjour."]))).status_code == 403
