"""A call's whole life through a served app, with a real Socket.IO console and Twilio faked at HTTP."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from contact_centre.domain.contacts import Contact
from contact_centre.services.citizens import CitizenDetails, create_citizen
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, login
from tests.support.fake_twilio import start_fake_twilio

pytestmark = pytest.mark.e2e
TOKEN = "jeton-twilio-cycle-de-vie"
ACCOUNT = "AC" + "0" * 32


def twilio_post(base: str, path: str, form: dict[str, str]) -> requests.Response:
    url = base + path
    signature = RequestValidator(TOKEN).compute_signature(url, form)
    response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=10)
    assert response.status_code in (200, 204), response.text
    return response


def test_incoming_waiting_answered_completed_and_logged(app, rt, served):
    fake = start_fake_twilio()
    try:
        rt.settings = rt.settings.replace(
            twilio_auth_token=TOKEN, twilio_account_sid=ACCOUNT, twilio_api_base_url=fake.url
        )
        rt.clock = lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        with rt.new_uow() as uow:
            create_citizen(
                uow, CitizenDetails(first_name="Jean", last_name="Dupont", phones=("06 12 34 56 78",)), None
            )
            uow.commit()
        add_user(app, "sophie", full_name="Sophie Marchal")
        http = login(served.url, "sophie", PASSWORD)
        console = ConsoleClient().connect(served.url, http)
        console.wait_for("queue:snapshot")

        call = {
            "CallSid": "CA0100",
            "From": "+33612345678",
            "To": "+33326693838",
            "CallStatus": "ringing",
            "AccountSid": ACCOUNT,
            "Direction": "inbound",
        }
        enqueue = ET.fromstring(twilio_post(served.url, "/phone/voice", call).content).find("Enqueue")
        added = console.wait_for("queue:added")
        assert added["channel"] == "phone" and added["citizen"]["name"] == "Jean DUPONT"

        wait_path = enqueue.get("waitUrl").removeprefix(served.url)
        wait = ET.fromstring(
            twilio_post(served.url, wait_path, call | {"QueuePosition": "2", "AvgQueueTime": "90"}).content
        )
        assert wait.find("Say").text.startswith("Vous êtes en position 2.")
        # The console shows the position the caller was just told.
        position = console.wait_for("call:position")
        assert position == {"id": added["id"], "position": 2, "estimated_minutes": 3, "waited_seconds": 0}
        wait = ET.fromstring(twilio_post(served.url, wait_path, call | {"QueuePosition": "1"}).content)
        assert wait.find("Say").text.startswith("Vous êtes le prochain appel.")
        assert console.wait_for("call:position", lambda e: e["position"] == 1)["id"] == added["id"]

        assert console.call("queue:claim", {"item_id": added["id"]})["ok"]
        answered = http.post(f"{served.url}/console/api/phone/items/{added['id']}/answer", json={})
        assert answered.status_code == 200
        (bridge,) = fake.requests
        assert bridge.path == f"/2010-04-01/Accounts/{ACCOUNT}/Calls/CA0100.json"
        twilio_post(
            served.url,
            enqueue.get("action").removeprefix(served.url),
            call | {"QueueResult": "redirected", "QueueTime": "42"},
        )
        twilio_post(served.url, "/phone/status", call | {"CallStatus": "completed", "CallDuration": "185"})

        assert http.post(f"{served.url}/console/api/items/{added['id']}/complete").status_code == 200
        console.wait_for("queue:removed", lambda e: e["id"] == added["id"])
        console.disconnect()
        with rt.new_uow() as uow:
            log = uow.session.scalar(select(Contact).where(Contact.external_id == "CA0100")).payload
        assert log["status"] == "completed" and log["duration_seconds"] == 185
        assert log["outcome"] == "answered" and log["answered_by"] == "Sophie Marchal"
        assert log["from"] == "+33612345678" and log["to"] == "+33326693838"
        # 42 s in Twilio's queue, so 143 s of the call's 185 were spent talking.
        assert log["queue_seconds"] == 42 and log["talk_seconds"] == 143
        assert log["answered_at"] == "2026-12-01T09:00:00Z"
    finally:
        fake.stop()
