"""Plays Twilio's side of a call against a running app, with correctly signed requests, so that
anyone can watch a call arrive in the console without a Twilio account."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable

import requests
from twilio.request_validator import RequestValidator

OUTCOMES = ("hangup", "voicemail", "wait")


class SimulationError(RuntimeError):
    pass


class TwilioSide:
    def __init__(self, base_url: str, auth_token: str, caller: str, echo: Callable[[str], None]) -> None:
        self.base_url = base_url.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.echo = echo
        self.call = {
            "CallSid": "CA" + secrets.token_hex(16),
            "AccountSid": "AC" + "0" * 32,
            "From": caller,
            "To": "+33326693838",
            "Direction": "inbound",
            "CallStatus": "ringing",
        }

    def post(self, url: str, extra: dict[str, str] | None = None) -> requests.Response:
        form = self.call | (extra or {})
        if not url.startswith("http"):
            url = self.base_url + url
        signature = self.validator.compute_signature(url, form)
        response = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=15)
        if response.status_code >= 400:
            raise SimulationError(f"{url} a répondu {response.status_code} : {response.text[:200]}")
        return response

    def twiml(self, url: str, extra: dict[str, str] | None = None) -> ET.Element:
        root = ET.fromstring(self.post(url, extra).content)
        for verb in root:
            self.echo(f"  <{verb.tag}> {(verb.text or '').strip()}")
        return root


def simulate_call(
    base_url: str,
    auth_token: str,
    caller: str,
    *,
    outcome: str = "hangup",
    polls: int = 3,
    echo: Callable[[str], None] = print,
) -> str:
    """Returns the simulated CallSid."""
    side = TwilioSide(base_url, auth_token, caller, echo)
    echo(f"Appel entrant de {caller} ({side.call['CallSid']})")
    root = side.twiml("/phone/voice")
    enqueue = root.find("Enqueue")
    if enqueue is not None:
        wait_url = enqueue.get("waitUrl", "")
        for n in range(polls):
            echo(f"Attente, annonce {n + 1}")
            side.twiml(
                wait_url,
                {
                    "QueuePosition": "1",
                    "QueueTime": str(20 * (n + 1)),
                    "AvgQueueTime": "60",
                    "CurrentQueueSize": "1",
                },
            )
        if outcome == "wait":
            echo("L'appel reste dans la file : prenez-le depuis la console.")
            return side.call["CallSid"]
        if outcome == "voicemail":
            echo("Durée maximale d'attente : messagerie")
            side.twiml(enqueue.get("action", ""), {"QueueResult": "leave"})
            _leave_message(side)
        side.post("/phone/status", {"CallStatus": "completed", "CallDuration": str(20 * polls)})
        echo("Appel terminé.")
        return side.call["CallSid"]
    if root.find("Record") is not None and outcome == "voicemail":
        _leave_message(side)
    side.post("/phone/status", {"CallStatus": "completed", "CallDuration": "30"})
    echo("Appel terminé.")
    return side.call["CallSid"]


def _leave_message(side: TwilioSide) -> None:
    side.echo("Message vocal laissé (12 s)")
    side.post(
        "/phone/recording",
        {
            "RecordingSid": "RE" + secrets.token_hex(16),
            "RecordingStatus": "completed",
            "RecordingDuration": "12",
            "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/simulation",
        },
    )
