"""The ambassador's browser phone: the vendored Twilio Voice SDK, its token, and a call ringing in the page.

Twilio's signalling server cannot be reached here, so Playwright answers the SDK's WebSocket
itself with the few JSON messages of that protocol: connected, ready, an invite, a hangup.
"""

from __future__ import annotations

import base64
import json
import re
import threading

import pytest

from contact_centre.domain.people import StaffUser
from tests.support.accounts import PASSWORD, add_user

pytestmark = pytest.mark.e2e
ACCOUNT = "AC" + "0" * 32


class FakeSignalling:
    """Plays Twilio's signalling gateway on the SDK's WebSocket."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.socket = None
        self._cond = threading.Condition()

    def attach(self, ws) -> None:
        self.socket = ws
        ws.on_message(self._on_message)

    def _on_message(self, message) -> None:
        data = json.loads(message)
        with self._cond:
            self.received.append(data)
            self._cond.notify_all()
        if data["type"] == "listen":
            claims = jwt_claims(data["payload"]["token"])
            self.send(
                "connected",
                {"region": "gll", "token": {"identity": claims["grants"]["identity"], "ttl": 3600}},
            )
        elif data["type"] == "register":
            self.send("ready", {})

    def send(self, kind: str, payload: dict) -> None:
        self.socket.send(json.dumps({"type": kind, "payload": payload}))

    def of_type(self, kind: str) -> list[dict]:
        return [m for m in self.received if m["type"] == kind]


def jwt_claims(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


@pytest.fixture
def browser_phone_app(app):
    rt = app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(
        twilio_account_sid=ACCOUNT,
        twilio_api_key="SK" + "1" * 32,
        twilio_api_secret="secret-de-test-" + "s" * 32,
        twilio_twiml_app_sid="AP" + "2" * 32,
    )
    return app


def login(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    page.locator("#connection-state[data-state='connected']").wait_for()


def test_a_call_rings_in_the_browser_and_is_answered_and_hung_up(browser_phone_app, served, page):
    add_user(browser_phone_app, "sophie", full_name="Sophie Marchal")
    signalling = FakeSignalling()
    page.route_web_socket(re.compile(r"^wss://[a-z0-9.-]+\.twilio\.com/"), signalling.attach)
    page.route(
        re.compile(r"^https://[a-z0-9.-]+\.twilio\.com/"), lambda route: route.fulfill(status=200, body="{}")
    )
    outside: list[str] = []
    page.on(
        "request", lambda r: r.url.startswith(served.url) or "twilio.com" in r.url or outside.append(r.url)
    )
    page.context.grant_permissions(["microphone"], origin=served.url)

    with page.expect_response(re.compile(r"/console/api/phone/token$")) as token_response:
        login(page, served.url, "sophie")
    token = token_response.value.json()
    assert token["identity"] == "ambassadeur-sophie"
    state = page.locator("#browser-phone-state")
    page.locator("#browser-phone[data-state='ready']").wait_for()
    assert state.inner_text() == "Téléphone du navigateur : prêt"
    (listen,) = signalling.of_type("listen")
    assert listen["payload"]["token"] == token["token"]

    # An offer as Twilio's media server would make it: a real SDP, from this very browser.
    offer = page.evaluate(
        """async () => {
            const pc = new RTCPeerConnection();
            pc.addTransceiver('audio');
            const offer = await pc.createOffer();
            pc.close();
            return offer.sdp;
        }"""
    )
    signalling.send(
        "invite", {"callsid": "CA" + "7" * 32, "sdp": offer, "parameters": {"From": "+33326693838"}}
    )
    page.locator("#browser-phone[data-state='ringing']").wait_for()
    assert state.inner_text() == "Appel entrant sur le navigateur"
    page.get_by_role("button", name="Accepter l’appel").click()
    page.locator("#browser-phone[data-state='in-call']").wait_for()
    with signalling._cond:
        assert signalling._cond.wait_for(lambda: signalling.of_type("answer"), 10)
    (answer,) = signalling.of_type("answer")
    assert answer["payload"]["callsid"] == "CA" + "7" * 32 and "m=audio" in answer["payload"]["sdp"]

    page.get_by_role("button", name="Couper le micro").click()
    assert page.get_by_role("button", name="Rétablir le micro").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Raccrocher").click()
    page.locator("#browser-phone[data-state='ready']").wait_for()
    with signalling._cond:
        assert signalling._cond.wait_for(lambda: signalling.of_type("hangup"), 10)
    assert page.locator("#phone-hangup").is_hidden()
    assert outside == []  # the SDK's sounds come from the app, not from Twilio's CDN
    assert [e for e in page.errors if "twilio" not in e.lower()] == []


def test_no_browser_phone_with_a_desk_phone_or_without_api_keys(app, browser_phone_app, served, page):
    add_user(app, "nadia")
    with app.app_context():
        rt = app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            user = uow.session.query(StaffUser).filter_by(username="nadia").one()
            user.desk_phone = "+33326690000"
            uow.commit()
    tokens: list[str] = []
    page.on("request", lambda r: "/phone/token" in r.url and tokens.append(r.url))
    login(page, served.url, "nadia")
    assert page.locator("#browser-phone").is_hidden()
    assert page.evaluate("typeof window.Twilio") == "undefined"
    assert tokens == []
