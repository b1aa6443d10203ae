"""« Suivre ma demande »: the keyed link the city sends, and finding it again without the link."""

from __future__ import annotations

import re

import pytest
import requests

from contact_centre.queue import service as queue
from contact_centre.services.citizens import CitizenDetails, create_citizen
from contact_centre.services.intake import CitizenHints
from contact_centre.services.service_requests import RequestDraft, create_request_from_item
from contact_centre.services.tracking import tracking_key
from tests.support.accounts import add_user
from tests.support.clients import csrf_from
from tests.support.factories import inbound, load_catalogue


def open_request(app, rt) -> str:
    """A new request for Jean Dupont, who gave an e-mail address and a phone number."""
    user = add_user(app, "sophie")
    with rt.new_uow() as uow:
        load_catalogue(uow)
        create_citizen(uow, CitizenDetails(first_name="Jean", last_name="Dupont", emails=("jean@example.fr",),
                                           phones=("06 12 34 56 78",)), None)  # fmt: skip
        item_id = inbound(rt, uow, citizen=CitizenHints(email="jean@example.fr")).queue_item_id
        queue.claim(uow, item_id, user.id)
        request = create_request_from_item(
            uow, item_id, RequestDraft("P-0003"), user.id, rt.calendar(uow.session)
        )
        uow.commit()
        return request.reference


@pytest.fixture
def reference(app, rt) -> str:
    return open_request(app, rt)


def test_the_keyed_link_shows_the_request_and_nothing_opens_without_it(rt, served, reference):
    key = tracking_key(rt.settings.app.secret_key, reference)
    page = requests.get(f"{served.url}/suivi/{reference}", params={"cle": key}, timeout=10)
    assert page.status_code == 200
    assert re.search(r'id="tracking-status">Nouvelle<', page.text) and "Processus n°3" in page.text
    assert (
        page.headers["Cache-Control"] == "private, no-store"
        and page.headers["Referrer-Policy"] == "no-referrer"
    )
    for params in ({}, {"cle": "0" * 20}, {"cle": tracking_key("un-autre-secret", reference)}):
        assert requests.get(f"{served.url}/suivi/{reference}", params=params, timeout=10).status_code == 404
    # The next reference exists or not: the answer is the same 404.
    other = reference[:-6] + f"{int(reference[-6:]) + 1:06d}"
    assert requests.get(f"{served.url}/suivi/{other}", params={"cle": key}, timeout=10).status_code == 404


@pytest.mark.parametrize("given", ["jean@example.fr", "JEAN@example.fr", "06 12 34 56 78", "+33612345678"])
def test_without_the_link_the_reference_and_a_known_contact_detail_open_it(rt, served, reference, given):
    http = requests.Session()
    form = http.get(f"{served.url}/suivi/", timeout=10).text
    found = http.post(f"{served.url}/suivi/", data={"reference": reference.lower(), "contact": given,
                      "csrf_token": csrf_from(form)}, allow_redirects=False, timeout=10)  # fmt: skip
    assert found.status_code == 302
    assert found.headers["Location"].endswith(
        f"/suivi/{reference}?cle={tracking_key(rt.settings.app.secret_key, reference)}"
    )


@pytest.mark.parametrize("given", ["autre@example.fr", "06 00 00 00 00", "n'importe quoi", ""])
def test_a_wrong_contact_detail_or_reference_tells_nothing(rt, served, reference, given):
    http = requests.Session()
    csrf = csrf_from(http.get(f"{served.url}/suivi/", timeout=10).text)
    for ref in (reference, "GRC-2020-999999", "pas une référence"):
        refused = http.post(f"{served.url}/suivi/", data={"reference": ref, "contact": given, "csrf_token": csrf},
                            allow_redirects=False, timeout=10)  # fmt: skip
        assert (
            refused.status_code == 400 and "Aucune demande ne correspond à ces informations." in refused.text
        )
