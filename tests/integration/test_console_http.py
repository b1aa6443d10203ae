"""The console's JSON actions as the page calls them: session cookie + CSRF header, both backends."""

from __future__ import annotations

import pytest

from contact_centre.domain.enums import Role
from contact_centre.services.intake import CitizenHints, IncomingAttachment
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, login
from tests.support.factories import inbound, load_catalogue


@pytest.fixture
def sophie(app, rt, served):
    add_user(app, "sophie", full_name="Sophie Marchal")
    with rt.new_uow() as uow:
        load_catalogue(uow)
    return login(served.url, "sophie", PASSWORD)


def _claimed(rt, served, http, **kwargs) -> int:
    with rt.new_uow() as uow:
        item_id = inbound(rt, uow, **kwargs).queue_item_id
    console = ConsoleClient().connect(served.url, http)
    assert console.call("queue:claim", {"item_id": item_id})["ok"]
    console.disconnect()
    return item_id


def test_post_without_csrf_token_is_refused_and_changes_nothing(rt, served, sophie):
    item_id = _claimed(rt, served, sophie)
    token = sophie.headers.pop("X-CSRFToken")
    refused = sophie.post(f"{served.url}/console/api/items/{item_id}/notes", json={"text": "x"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "csrf"
    sophie.headers["X-CSRFToken"] = token
    detail = sophie.get(f"{served.url}/console/api/items/{item_id}").json()
    assert detail["notes"] == []


def test_qualify_create_citizen_note_and_complete(rt, served, sophie):
    url = served.url
    item_id = _claimed(rt, served, sophie)
    found = sophie.get(f"{url}/console/api/processes", params={"q": "eclairage 7"}).json()
    assert found[0]["code"] == "P-0007" and found[0]["service"] == "Action sociale"

    created = sophie.post(f"{url}/console/api/citizens", json={
        "first_name": "Éloïse", "last_name": "Lefranc", "phones": ["06 12 34 56 78"], "item_id": item_id,
    })  # fmt: skip
    assert created.status_code == 201 and created.json()["phones"] == ["+33612345678"]
    assert (
        sophie.get(f"{url}/console/api/citizens", params={"q": "eloise"}).json()[0]["name"]
        == "Éloïse LEFRANC"
    )

    bad_phone = sophie.post(f"{url}/console/api/citizens", json={"last_name": "X", "phones": ["12"]})
    assert bad_phone.status_code == 400
    assert bad_phone.json()["error"]["message"] == "Numéro de téléphone invalide : « 12 »"

    unknown = sophie.post(f"{url}/console/api/items/{item_id}/request", json={"process_code": "NOPE-1"})
    assert (
        unknown.status_code == 400 and unknown.json()["error"]["message"] == "Processus inconnu : « NOPE-1 »."
    )

    request = sophie.post(f"{url}/console/api/items/{item_id}/request", json={"process_code": "P-0007"})
    assert request.status_code == 201
    body = request.json()
    assert body["reference"].endswith("-000001") and body["citizen"] == "Éloïse LEFRANC"
    # Her open requests show on her card, and on the panel of her next contact.
    card = sophie.get(f"{url}/console/api/citizens/{created.json()['id']}").json()
    assert [(r["reference"], r["status_label"]) for r in card["open_requests"]] == [
        (body["reference"], "Nouvelle")
    ]
    next_call = _claimed(rt, served, sophie, citizen=CitizenHints(phone="+33612345678"))
    panel = sophie.get(f"{url}/console/api/items/{next_call}").json()["citizen_detail"]
    assert [r["reference"] for r in panel["open_requests"]] == [body["reference"]]
    again = sophie.post(f"{url}/console/api/items/{item_id}/request", json={"process_code": "P-0007"})
    assert again.status_code == 409 and body["reference"] in again.json()["error"]["message"]

    note = sophie.post(f"{url}/console/api/items/{item_id}/notes", json={"text": "Rappeler après 14 h."})
    assert note.status_code == 201
    detail = sophie.get(f"{url}/console/api/items/{item_id}").json()
    assert [n["text"] for n in detail["notes"]] == ["Rappeler après 14 h."]
    assert detail["request_detail"]["reference"] == body["reference"]
    # The citizen was linked before the request existed: that event is on the item, not the request.
    assert [e["action"] for e in detail["request_detail"]["timeline"]] == ["request.created", "note.added"]

    assert sophie.post(f"{url}/console/api/items/{item_id}/complete").json()["ok"] is True
    twice = sophie.post(f"{url}/console/api/items/{item_id}/complete")
    assert twice.status_code == 409 and twice.json()["error"]["message"] == "Cet élément a déjà été traité."


def test_attachments_download_as_files_only_for_console_staff(app, rt, served, sophie):
    item_id = _claimed(
        rt, served, sophie,
        attachments=(IncomingAttachment("photo <lampadaire>.png", "image/png", b"\x89PNG\r\n\x1a\nfake"),),
    )  # fmt: skip
    detail = sophie.get(f"{served.url}/console/api/items/{item_id}").json()
    (attachment,) = detail["contact"]["attachments"]
    response = sophie.get(served.url + attachment["url"])
    assert response.status_code == 200
    assert response.content == b"\x89PNG\r\n\x1a\nfake"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    add_user(app, "referent1", Role.REFERENT)
    referent = login(served.url, "referent1", PASSWORD, console=False)
    assert referent.get(served.url + attachment["url"]).status_code == 403


def test_logout_closes_open_consoles_and_a_stale_socket_is_told_to_reconnect(app, rt, served, sophie):
    console = ConsoleClient().connect(served.url, sophie)
    console.wait_for("queue:snapshot")
    logout = sophie.post(f"{served.url}/logout", data={"csrf_token": sophie.headers["X-CSRFToken"]})
    assert logout.status_code == 200 and "déconnecté" in logout.text
    console.wait_disconnected()
    # The old cookie is dead even if replayed.
    assert sophie.get(f"{served.url}/console/", allow_redirects=False).status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/console/api/items/{id}"),
        ("get", "/console/api/citizens/{id}"),
        ("get", "/console/api/attachments/{id}"),
        ("get", "/console/api/mail/pages/{id}"),
        ("get", "/console/api/mail/items/{id}/letter"),
        ("get", "/console/api/email/items/{id}/messages"),
        ("get", "/console/api/counter/items/{id}/ticket"),
        ("post", "/console/api/items/{id}/notes"),
        ("post", "/console/api/items/{id}/transfer"),
    ],
)
def test_an_id_no_row_can_have_is_a_404_not_a_crash(served, sophie, method, path):
    """An id no row can have (ids are 32-bit INTEGER on PostgreSQL) names nothing: 2**70 made the database
    driver overflow (500)."""
    for value in (2**70, 2**63, 2**31):
        answer = getattr(sophie, method)(
            served.url + path.format(id=value), json={"text": "x", "to_user_id": 1}
        )
        assert answer.status_code == 404, (path, value, answer.text[:200])
        assert answer.json()["error"]["code"] == "404"
    largest = sophie.get(served.url + "/console/api/items/" + str(2**31 - 1))
    assert (
        largest.status_code == 404 and largest.json()["error"]["code"] == "not_found"
    )  # looked up, not there


def test_json_bodies_are_bounded_and_typed(rt, served, sophie):
    """Wrong types, NUL, lone surrogates, deep nesting and large bodies get a French 400 (413 when too large),
    never a 500, and write nothing."""
    url = f"{served.url}/console/api/citizens"
    nested: object = "x"
    for _level in range(33):
        nested = [nested]
    for body in [
        {"last_name": "Martin", "item_id": "abc"},
        {"last_name": "Martin", "item_id": 2**70},
        {"last_name": "Martin", "phones": 5},
        {"last_name": "Martin", "phones": [5]},
        {"last_name": 12},
        {"last_name": "Mar\x00tin"},
        {"last_name": "Martin", "city": "Châlons\ud800"},  # sent as the escape \ud800: a lone surrogate
        {"last_name": "Martin", "notes": nested},
    ]:
        answer = sophie.post(url, json=body)
        assert answer.status_code == 400, (body, answer.text[:200])
        assert answer.json()["error"]["code"] == "invalid_input"
        assert answer.json()["error"]["message"]
    json_headers = {"Content-Type": "application/json"}
    deep = sophie.post(url, data="[" * 50_000 + "]" * 50_000, headers=json_headers)
    assert deep.status_code == 400 and deep.json()["error"]["code"] == "invalid_input"
    large = sophie.post(url, data='{"last_name": "' + "x" * (1024 * 1024) + '"}', headers=json_headers)
    assert large.status_code == 413
    assert sophie.get(url, params={"q": "Martin"}).json() == []  # nothing was written
    created = sophie.post(url, json={"last_name": "Martin", "phones": ["06 12 34 56 78", ""]})
    assert created.status_code == 201 and created.json()["phones"] == ["+33612345678"]


def test_an_attachments_name_loses_its_bidi_and_control_characters(rt, served, sophie):
    """« facture\u202efdp.exe » showed as « facture…exe.pdf »: what reaches the panel and the download is clean."""
    item_id = _claimed(
        rt, served, sophie,
        attachments=(IncomingAttachment("facture\u202efdp.exe\x07", "application/pdf", b"%PDF-1.4 fake"),),
    )  # fmt: skip
    (attachment,) = sophie.get(f"{served.url}/console/api/items/{item_id}").json()["contact"]["attachments"]
    assert attachment["filename"] == "facturefdp.exe"
    download = sophie.get(served.url + attachment["url"])
    assert (
        "\u202e" not in download.headers["Content-Disposition"]
        and "%E2%80%AE" not in download.headers["Content-Disposition"]
    )
