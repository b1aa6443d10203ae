"""Two real Socket.IO consoles against a served app, on both backends."""

from __future__ import annotations

import pytest
import requests
import socketio

from tests.support.accounts import PASSWORD, add_token, add_user
from tests.support.clients import ConsoleClient, login


@pytest.fixture
def two_consoles(app, served):
    add_user(app, "sophie", full_name="Sophie Marchal")
    add_user(app, "nadia", full_name="Nadia Benali")
    add_user(app, "robot")
    token = add_token(app, "robot")
    a = ConsoleClient().connect(served.url, login(served.url, "sophie", PASSWORD))
    b = ConsoleClient().connect(served.url, login(served.url, "nadia", PASSWORD))
    yield served, token, a, b
    a.disconnect()
    b.disconnect()


def post_contact(base_url: str, token: str, **body):
    payload = {"channel": "web", "citizen": {"name": "Jean Dupont"}, "subject": "Lampadaire en panne"} | body
    return requests.post(
        f"{base_url}/api/v1/contacts", json=payload, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_contact_posted_through_api_reaches_both_consoles(two_consoles):
    served, token, a, b = two_consoles
    assert a.wait_for("queue:snapshot")["items"] == []
    response = post_contact(served.url, token, subject="Lampadaire éteint rue de la Marne")
    assert response.status_code == 201
    item_id = response.json()["queue_item_id"]
    for console in (a, b):
        item = console.wait_for("queue:added", lambda e: e["id"] == item_id)
        assert item["channel"] == "web"
        assert item["status"] == "waiting"
        assert item["claimed_by"] is None
        assert "Lampadaire éteint" in item["summary"]
        assert {"received_at", "priority", "citizen"} <= item.keys()


def test_claim_is_seen_by_the_other_console_and_refused_to_it(two_consoles):
    served, token, a, b = two_consoles
    item_id = post_contact(served.url, token).json()["queue_item_id"]
    b.wait_for("queue:added", lambda e: e["id"] == item_id)

    ack = a.call("queue:claim", {"item_id": item_id})
    assert ack["ok"] is True
    assert ack["item"]["claimed_by"]["name"] == "Sophie Marchal"

    updated = b.wait_for("queue:updated", lambda e: e["id"] == item_id and e["status"] == "claimed")
    assert updated["claimed_by"]["name"] == "Sophie Marchal"

    refused = b.call("queue:claim", {"item_id": item_id})
    assert refused["ok"] is False
    assert refused["reason"] == "Cet élément vient d'être pris par Sophie Marchal."

    # A double click by the winner is harmless.
    assert a.call("queue:claim", {"item_id": item_id})["ok"] is True

    released = a.call("queue:release", {"item_id": item_id})
    assert released["ok"] is True
    b.wait_for("queue:updated", lambda e: e["id"] == item_id and e["status"] == "waiting")


def test_claim_of_unknown_item_and_bad_payload(two_consoles):
    _served, _token, a, _b = two_consoles
    unknown = a.call("queue:claim", {"item_id": 999999})
    assert unknown == {"ok": False, "reason": "Élément de file introuvable (n° 999999).", "code": "not_found"}
    bad = a.call("queue:claim", {"item_id": "abc"})
    assert bad["ok"] is False and bad["code"] == "invalid_input"


def test_anonymous_and_forged_sessions_are_refused(app, served):
    anonymous = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        anonymous.connect(served.url, namespaces=["/console"], transports=["websocket"], wait_timeout=5)
    forged = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        forged.connect(
            served.url,
            namespaces=["/console"],
            transports=["websocket"],
            wait_timeout=5,
            headers={"Cookie": "session=eyJfdXNlcl9pZCI6IjE6MSJ9.forged.signature"},
        )


def test_agent_status_is_broadcast(two_consoles):
    _served, _token, a, b = two_consoles
    assert a.call("agent:status", {"status": "pause"})["ok"] is True
    agents = b.wait_for(
        "agents:updated", lambda e: any(x["name"] == "Sophie Marchal" and x["status"] == "pause" for x in e)
    )
    assert {x["name"] for x in agents} >= {"Sophie Marchal", "Nadia Benali"}
    bad = a.call("agent:status", {"status": "en vacances"})
    assert bad["ok"] is False and "Statut inconnu" in bad["reason"]


def test_items_of_a_disconnected_ambassador_return_after_the_lease(app, served, settings):

    from contact_centre.app import start_sweeper

    rt = app.extensions["espace_citoyen"]
    rt.settings = settings.replace(claim_lease_seconds=1, sweep_interval_seconds=1)
    stop = start_sweeper(app)
    try:
        add_user(app, "sophie", full_name="Sophie Marchal")
        add_user(app, "nadia", full_name="Nadia Benali")
        add_user(app, "robot")
        token = add_token(app, "robot")
        a = ConsoleClient().connect(served.url, login(served.url, "sophie", PASSWORD))
        b = ConsoleClient().connect(served.url, login(served.url, "nadia", PASSWORD))
        item_id = post_contact(served.url, token).json()["queue_item_id"]
        assert a.call("queue:claim", {"item_id": item_id})["ok"] is True
        a.disconnect()
        leased = b.wait_for(
            "queue:updated", lambda e: e["id"] == item_id and e["lease_expires_at"] is not None
        )
        assert leased["status"] == "claimed"
        b.wait_for(
            "agents:updated",
            lambda e: any(x["name"] == "Sophie Marchal" and x["status"] == "offline" for x in e),
        )
        back = b.wait_for(
            "queue:updated", lambda e: e["id"] == item_id and e["status"] == "waiting", timeout=15
        )
        assert back["claimed_by"] is None
        assert b.call("queue:claim", {"item_id": item_id})["ok"] is True
        b.disconnect()
    finally:
        stop.set()


def test_malformed_socket_events_are_answered_not_dropped(two_consoles):
    """Every handler acknowledges bad data with {ok: false, code, reason}: an id no row can have (it made the
    database driver overflow), a missing payload, wrong types."""
    _served, _token, a, _b = two_consoles
    a.wait_for("queue:snapshot")
    for event, data, code in [
        ("queue:claim", {"item_id": 2**70}, "not_found"),
        ("queue:claim", {"item_id": 2**31}, "not_found"),
        ("queue:claim", {"item_id": 0}, "not_found"),
        ("queue:claim", None, "invalid_input"),
        ("queue:claim", {"item_id": "12"}, "invalid_input"),
        ("queue:claim", {"item_id": True}, "invalid_input"),
        ("queue:claim", [1, 2], "invalid_input"),
        ("queue:release", {}, "invalid_input"),
        ("queue:release", {"item_id": 2**70}, "not_found"),
        ("agent:status", None, "invalid_input"),
        ("agent:status", {"status": ["available"]}, "invalid_input"),
    ]:
        answer = a.call(event, data)
        assert answer["ok"] is False, (event, data, answer)
        assert answer["code"] == code, (event, data, answer)
        assert answer["reason"], (event, data, answer)
    assert a.call("queue:snapshot", None)["ok"] is True  # the connection is still good


def test_one_console_cannot_swamp_the_server(two_consoles):
    """Past 20 events a second, a connection's events are answered `rate_limited` at once, without work."""
    _served, _token, a, b = two_consoles
    a.wait_for("queue:snapshot")
    answers = [a.call("queue:claim", {"item_id": 999_999}) for _ in range(100)]
    assert [x["code"] for x in answers[:20]] == ["not_found"] * 20
    limited = [x for x in answers if x["code"] == "rate_limited"]
    assert limited and all(x["ok"] is False and x["reason"] for x in limited)
    assert b.call("queue:snapshot", None)["ok"] is True  # the other console is not held back
