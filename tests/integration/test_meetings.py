"""Staff entry of contacts from a neighbourhood council or GUSP (/console/saisie): both backends."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Role
from contact_centre.domain.queue import QueueItem
from contact_centre.services.citizens import CitizenDetails, create_citizen
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, csrf_from, login


@pytest.fixture
def sophie(app, served):
    user = add_user(app, "sophie", full_name="Sophie Marchal")
    http = login(served.url, "sophie", PASSWORD)
    http.user_id = user.id  # type: ignore[attr-defined]
    return http


def form_of(http: requests.Session, url: str, door: str) -> dict[str, str]:
    page = http.get(f"{url}/console/saisie/{door}", timeout=10)
    assert page.status_code == 200
    key = re.search(r'name="entry_key" type="hidden" value="([^"]+)"', page.text).group(1)
    return {"csrf_token": csrf_from(page.text), "entry_key": key}


def today(rt) -> str:
    return utcnow().astimezone(rt.base_calendar.zone).date().isoformat()


def send(http, url, door, fields=None, **data) -> requests.Response:
    body = (fields or form_of(http, url, door)) | {
        "place": "Rive Gauche",
        "meeting_date": "2026-11-24",
        "citizen_name": "",
        "citizen_phone": "",
        "citizen_email": "",
        "subject": "Ralentisseur devant l'école",
        "description": "Les parents demandent un ralentisseur devant l'école Jean Macé.",
        "address": "",
    }
    return http.post(f"{url}/console/saisie/{door}", data=body | data, timeout=10, allow_redirects=False)


def counts(rt) -> tuple[int, int]:
    with rt.new_uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(t)) for t in (Contact, QueueItem))  # type: ignore[return-value]


def test_a_council_contact_with_a_known_citizen_enters_the_queue_once(rt, served, sophie):
    with rt.new_uow() as uow:
        citizen = create_citizen(
            uow,
            CitizenDetails(first_name="Jean", last_name="Dupont", phones=("06 12 34 56 78",)),
            actor_id=None,
        )
        uow.commit()
        citizen_id = citizen.id
    console = ConsoleClient().connect(served.url, sophie)
    console.wait_for("queue:snapshot")
    index = sophie.get(f"{served.url}/console/saisie", timeout=10)
    assert "Conseil de quartier" in index.text and "GUSP" in index.text

    fields = form_of(sophie, served.url, "conseil-de-quartier")
    data = {"citizen_name": "Jean Dupont", "citizen_phone": "06 12 34 56 78", "address": "12 rue de la Marne"}
    first = send(sophie, served.url, "conseil-de-quartier", fields, **data)
    assert first.status_code == 302, html.unescape(first.text)[:2000]
    added = console.wait_for("queue:added", lambda i: i["channel"] == "council")
    assert added["summary"] == "Jean DUPONT — Ralentisseur devant l'école"  # the citizen's file matched
    assert added["citizen"] == {"id": citizen_id, "name": "Jean DUPONT"} and added["priority"] == 3

    page = sophie.get(served.url + first.headers["Location"], timeout=10)
    text = html.unescape(page.text)
    assert "Contact enregistré dans la file d’attente : « Ralentisseur devant l'école »." in text
    assert 'href="/console/" id="to-console"' in page.text

    again = send(sophie, served.url, "conseil-de-quartier", fields, **data)  # a retried post
    assert again.status_code == 302 and "deja=1" in again.headers["Location"]
    assert counts(rt) == (1, 1)
    with rt.new_uow() as uow:
        contact = uow.session.scalars(select(Contact)).one()
        assert contact.channel is Channel.COUNCIL and contact.created_by_id == sophie.user_id
        assert contact.citizen_id == citizen_id
        assert contact.payload == {
            "council": "Rive Gauche",
            "meeting_date": "2026-11-24",
            "address": "12 rue de la Marne",
        }
        assert "Conseil de quartier Rive Gauche, réunion du 24/11/2026." in contact.body
        assert "Adresse concernée : 12 rue de la Marne" in contact.body


def test_an_anonymous_gusp_contact_is_titled_by_its_site(rt, served, sophie):
    response = send(
        sophie, served.url, "gusp", place="Verbeau", subject="Tags sur l'abri-bus", meeting_date=today(rt)
    )
    assert response.status_code == 302
    with rt.new_uow() as uow:
        contact = uow.session.scalars(select(Contact)).one()
        item = uow.session.scalars(select(QueueItem)).one()
        assert contact.channel is Channel.GUSP and item.channel is Channel.GUSP
        assert contact.payload == {"site": "Verbeau", "meeting_date": today(rt), "address": ""}
        assert contact.citizen_id is None and contact.created_by_id == sophie.user_id
        assert item.summary == "GUSP Verbeau — Tags sur l'abri-bus"


@pytest.mark.parametrize(
    ("door", "data", "message"),
    [
        ("conseil-de-quartier", {"place": "Quartier imaginaire"}, "Choisissez dans la liste."),
        ("gusp", {"place": "Rive Gauche", "subject": ""}, "Indiquez l’objet de la demande."),
        ("gusp", {"place": "Rive Gauche", "description": " "}, "Décrivez ce qui a été demandé."),
        ("conseil-de-quartier", {"meeting_date": ""}, "Indiquez la date (jj/mm/aaaa)."),
        ("conseil-de-quartier", {"meeting_date": "demain"}, "N'est pas une date valide."),
        ("conseil-de-quartier", {"meeting_date": "FUTURE"}, "Cette date est dans le futur"),
        (
            "conseil-de-quartier",
            {"citizen_email": "jean@@exemple"},
            "Adresse e-mail invalide : « jean@@exemple »",
        ),
        ("conseil-de-quartier", {"citizen_phone": "12"}, "Numéro de téléphone invalide : « 12 »"),
    ],
    ids=[
        "unknown-council",
        "no-subject",
        "no-description",
        "no-date",
        "bad-date",
        "future-date",
        "bad-email",
        "bad-phone",
    ],
)
def test_bad_input_gets_a_french_message_and_records_nothing(rt, served, sophie, door, data, message):
    if data.get("meeting_date") == "FUTURE":
        data = {"meeting_date": (utcnow() + timedelta(days=2)).date().isoformat()}
    response = send(sophie, served.url, door, **data)
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "Le contact n’a pas été enregistré" in text
    assert message in text, text[text.find("field__errors") - 300 :][:1200]
    assert 'aria-invalid="true"' in response.text
    assert counts(rt) == (0, 0)


def test_only_console_staff_may_enter_contacts(app, served, sophie):
    assert sophie.get(f"{served.url}/console/saisie/nulle-part", timeout=10).status_code == 404
    for username, role in (("julien", Role.PATROLLER), ("ref", Role.REFERENT), ("dgs", Role.VALIDATOR)):
        add_user(app, username, role)
        http = login(served.url, username, PASSWORD, console=False)
        for path in ("", "/conseil-de-quartier", "/gusp"):
            assert http.get(f"{served.url}/console/saisie{path}", timeout=10).status_code == 403
        refused = http.post(
            f"{served.url}/console/saisie/gusp",
            data={"csrf_token": csrf_from(http.get(f"{served.url}/", timeout=10).text)},
            timeout=10,
        )
        assert refused.status_code == 403
    for role in (Role.HEAD, Role.ADMIN):
        add_user(app, role.value + "1", role)
        http = login(served.url, role.value + "1", PASSWORD)
        assert http.get(f"{served.url}/console/saisie/gusp", timeout=10).status_code == 200
