"""The patroller's tablet page /patrol, as a browser without JavaScript posts it: both backends."""

from __future__ import annotations

import html
import io
import re

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Attachment, Contact
from contact_centre.domain.enums import Role
from contact_centre.domain.queue import QueueItem
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, csrf_from, login
from tests.support.factories import load_catalogue

PHOTO_LIMIT = 60_000


@pytest.fixture
def settings(settings):
    # The whole request may be 1 MiB more than MAX_ATTACHMENT_BYTES: small enough to exceed in a test.
    return settings.replace(
        patrol_max_photo_bytes=PHOTO_LIMIT, patrol_max_photos=2, max_attachment_bytes=100_000
    )


@pytest.fixture
def patroller(app, rt, served):
    with rt.new_uow() as uow:
        load_catalogue(uow)
    user = add_user(app, "julien", Role.PATROLLER, full_name="Julien Perrin")
    http = login(served.url, "julien", PASSWORD, console=False)
    http.user_id = user.id  # type: ignore[attr-defined]
    return http


def jpeg(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "JPEG", quality=85)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (20, 120, 40)).save(out, "PNG")
    return out.getvalue()


def form_of(http: requests.Session, url: str) -> dict[str, str]:
    page = http.get(f"{url}/patrol", timeout=10)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    key = re.search(r'name="report_key" type="hidden" value="([^"]+)"', page.text).group(1)
    return {"csrf_token": csrf_from(page.text), "report_key": key}


def send(http, url, fields=None, photos=(), **data) -> requests.Response:
    body = (fields or form_of(http, url)) | {
        "category": "P-0004",
        "description": "Lampadaire couché sur le trottoir après un choc.",
        "address": "",
        "latitude": "",
        "longitude": "",
        "accuracy": "",
    }
    body |= data
    files = [("photos", (name, content, kind)) for name, content, kind in photos] or [
        ("photos", ("", b"", "application/octet-stream"))  # what a browser sends with no file chosen
    ]
    return http.post(f"{url}/patrol", data=body, files=files, timeout=30, allow_redirects=False)


def counts(rt) -> tuple[int, int, int]:
    with rt.new_uow() as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(t)) for t in (Contact, QueueItem, Attachment)
        )  # type: ignore[return-value]


def stored_files(settings) -> list:
    root = settings.storage.attachments_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def text_of(response: requests.Response) -> str:
    return html.unescape(response.text)


def test_a_report_with_a_photo_and_the_position_goes_straight_into_the_queue_once(
    app, rt, served, patroller, settings
):
    add_user(app, "sophie", full_name="Sophie Marchal")
    console = ConsoleClient().connect(served.url, login(served.url, "sophie", PASSWORD))
    console.wait_for("queue:snapshot")
    photo = jpeg()
    fields = form_of(patroller, served.url)
    data = {"latitude": "48.956120", "longitude": "4.363210", "accuracy": "12"}
    # The browser's word and the file's name are ignored: the bytes are a JPEG.
    photos = [("IMG_0001.PNG", photo, "application/octet-stream")]
    first = send(patroller, served.url, fields, photos, **data)
    assert first.status_code == 302, text_of(first)[:2000]

    added = console.wait_for("queue:added", lambda i: i["channel"] == "patrol")
    title = "Processus n°4 — éclairage"
    summary = f"Autosaisine — {title} — 48.95612, 4.36321"
    assert added["summary"] == summary and added["priority"] == 2 and added["citizen"] is None

    receipt = patroller.get(served.url + first.headers["Location"], timeout=10)
    assert "Signalement enregistré" in text_of(receipt) and "Nouveau signalement" in text_of(receipt)
    assert title in text_of(receipt) and "48.95612, 4.36321" in receipt.text

    again = send(patroller, served.url, fields, photos, **data)  # a double tap: same form, same key
    assert again.status_code == 302 and "deja=1" in again.headers["Location"]
    assert "enregistré qu’une fois" in text_of(
        patroller.get(served.url + again.headers["Location"], timeout=10)
    )
    assert counts(rt) == (1, 1, 1)

    with rt.new_uow() as uow:
        contact = uow.session.scalars(select(Contact)).one()
        item = uow.session.scalars(select(QueueItem)).one()
        assert contact.channel is Channel.PATROL and contact.created_by_id == patroller.user_id
        assert contact.payload == {
            "tag": "autosaisine",
            "process_code": "P-0004",
            "process_title": title,
            "service": "Action sociale",
            "address": "",
            "latitude": 48.95612,
            "longitude": 4.36321,
            "accuracy_m": 12.0,
            "location_source": "geolocation",
        }
        assert contact.subject == f"Autosaisine — {title}"
        assert "Position : 48.956120, 4.363210 (± 12 m)" in contact.body
        assert item.summary == summary and item.channel is Channel.PATROL and item.priority == 2
        [attachment] = contact.attachments
        assert (attachment.filename, attachment.content_type) == ("photo-1.jpg", "image/jpeg")
        assert rt.storage.read(attachment.storage_key) == photo
    assert len(stored_files(settings)) == 1


def test_an_address_alone_will_do_and_png_photos_are_kept_as_png(rt, served, patroller):
    response = send(
        patroller,
        served.url,
        photos=[("a.jpg", png(), "image/jpeg"), ("b.jpg", jpeg(), "image/jpeg")],
        address="  12 rue  de la Marne ",
    )
    assert response.status_code == 302
    with rt.new_uow() as uow:
        contact = uow.session.scalars(select(Contact)).one()
        assert contact.payload["address"] == "12 rue de la Marne"
        assert contact.payload["latitude"] is None and contact.payload["location_source"] == "address"
        assert [(a.filename, a.content_type) for a in contact.attachments] == [
            ("photo-1.png", "image/png"),
            ("photo-2.jpg", "image/jpeg"),
        ]
        item = uow.session.scalars(select(QueueItem)).one()
        assert item.summary == "Autosaisine — Processus n°4 — éclairage — 12 rue de la Marne"


def test_webp_and_heic_photos_are_recognised_by_their_bytes(rt, served, patroller):
    webp = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 10, 200)).save(webp, "WEBP")
    # An iPhone's HEIC: Pillow cannot decode it, its ISO-BMFF `ftyp` box says what it is.
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)
    response = send(
        patroller,
        served.url,
        photos=[("x.bin", webp.getvalue(), "application/octet-stream"), ("IMG_1.HEIC", heic, "")],
        address="Place Foch",
    )
    assert response.status_code == 302, text_of(response)[:1000]
    with rt.new_uow() as uow:
        contact = uow.session.scalars(select(Contact)).one()
        assert [(a.filename, a.content_type) for a in contact.attachments] == [
            ("photo-1.webp", "image/webp"),
            ("photo-2.heic", "image/heic"),
        ]


def truncated_jpeg() -> bytes:
    data = jpeg(400, 300)
    return data[: len(data) // 2]


def big_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((400, 400), 90).convert("RGB").save(out, "JPEG", quality=100)
    assert PHOTO_LIMIT < len(out.getvalue()) < 500_000
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "photos", "message"),
    [
        ({}, [("p.jpg", jpeg(), "image/jpeg")], "Des photos sans lieu ne suffisent pas"),
        ({}, [], "Indiquez le lieu : touchez « Utiliser ma position » ou saisissez l'adresse."),
        ({"latitude": "48.9", "longitude": "nord"}, [], "La position reçue est invalide"),
        ({"latitude": "91", "longitude": "4.3"}, [], "La position reçue est invalide"),
        (
            {"address": "Place Foch"},
            [("photo.jpg", b"%PDF-1.7\n" + b"x" * 400, "image/jpeg")],
            "« photo.jpg » n'est pas une photo : seules les images JPEG, PNG, WebP, HEIC sont acceptées.",
        ),
        (
            {"address": "Place Foch"},
            [("coupee.jpg", truncated_jpeg(), "image/jpeg")],
            "La photo « coupee.jpg » est endommagée ou incomplète",
        ),
        (
            {"address": "Place Foch"},
            [("lourde.jpg", big_jpeg(), "image/jpeg")],
            "La photo « lourde.jpg » dépasse la taille maximale",
        ),
        (
            {"address": "Place Foch"},
            [(f"{n}.jpg", jpeg(), "image/jpeg") for n in range(3)],
            "3 photos envoyées : un signalement en compte au plus 2.",
        ),
        ({"address": "Place Foch", "category": "P-9999"}, [], "Choisissez une catégorie dans la liste"),
        ({"address": "Place Foch", "category": ""}, [], "Choisissez une catégorie dans la liste"),
        ({"address": "Place Foch", "description": "  "}, [], "Décrivez ce que vous avez constaté."),
    ],
    ids=[
        "photos-without-location",
        "no-location",
        "bad-longitude",
        "latitude-out-of-range",
        "pdf-named-jpg",
        "truncated-jpeg",
        "oversize",
        "too-many",
        "unknown-category",
        "no-category",
        "no-description",
    ],
)
def test_bad_input_gets_a_french_message_and_records_nothing(
    rt, served, patroller, settings, data, photos, message
):
    response = send(patroller, served.url, photos=photos, **data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Le signalement n’a pas été enregistré" in page
    assert message in page
    assert 'aria-invalid="true"' in response.text
    assert counts(rt) == (0, 0, 0)
    assert stored_files(settings) == []


def test_an_inactive_category_is_refused(rt, served, patroller):
    fields = form_of(patroller, served.url)
    with rt.new_uow() as uow:
        from contact_centre.domain.catalogue import Process

        uow.session.scalars(select(Process).where(Process.code == "P-0004")).one().active = False
        uow.commit()
    response = send(patroller, served.url, fields, address="Place Foch")
    assert response.status_code == 400 and "Choisissez une catégorie dans la liste" in text_of(response)
    assert counts(rt) == (0, 0, 0)


def test_an_upload_over_the_total_limit_is_refused_with_a_message(rt, served, patroller, settings):
    fields = form_of(patroller, served.url)
    response = send(
        patroller, served.url, fields, [("enorme.jpg", b"\xff\xd8\xff" + b"\0" * 1_300_000, "image/jpeg")]
    )
    assert response.status_code == 413
    assert "L'envoi dépasse 1 Mo au total : rien n'a été enregistré." in text_of(response)
    assert counts(rt) == (0, 0, 0) and stored_files(settings) == []


def test_a_stale_or_missing_report_key_records_nothing(rt, served, patroller):
    fields = form_of(patroller, served.url) | {"report_key": "court"}
    response = send(patroller, served.url, fields, address="Place Foch")
    assert response.status_code == 400 and "Le formulaire a expiré" in text_of(response)
    # The page comes back with a fresh key: sending it again records the report.
    key = re.search(r'name="report_key" type="hidden" value="([^"]+)"', response.text).group(1)
    assert key != "court"
    again = send(patroller, served.url, fields | {"report_key": key}, address="Place Foch")
    assert again.status_code == 302 and counts(rt) == (1, 1, 0)


def test_only_patrollers_heads_and_admins_may_report(app, served, patroller):
    for username, role in (("sophie", Role.AMBASSADOR), ("ref", Role.REFERENT), ("dgs", Role.VALIDATOR)):
        add_user(app, username, role)
        http = login(served.url, username, PASSWORD, console=False)
        assert http.get(f"{served.url}/patrol", timeout=10).status_code == 403
    add_user(app, "chef", Role.HEAD)
    chef = login(served.url, "chef", PASSWORD)
    assert chef.get(f"{served.url}/patrol", timeout=10).status_code == 200
    anonymous = requests.get(f"{served.url}/patrol", timeout=10, allow_redirects=False)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    # A receipt is for the patroller who sent the report (and heads of service), not for colleagues.
    receipt = send(patroller, served.url, address="Place Foch").headers["Location"]
    add_user(app, "pierre", Role.PATROLLER)
    other = login(served.url, "pierre", PASSWORD, console=False)
    assert other.get(served.url + receipt, timeout=10).status_code == 404
    assert chef.get(served.url + receipt, timeout=10).status_code == 200


def test_a_patroller_logging_in_lands_on_the_report_page(app, served):
    add_user(app, "marc", Role.PATROLLER)
    http = login(served.url, "marc", PASSWORD, console=False)
    landed = http.get(f"{served.url}/", timeout=10)
    assert landed.url == f"{served.url}/patrol" and "Utiliser ma position" in landed.text
