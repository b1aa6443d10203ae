"""Twilio's webhooks, signed as Twilio signs them, on both backends."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from contact_centre.domain.audit import AuditEvent
from contact_centre.domain.contacts import Contact
from contact_centre.domain.queue import QueueItem
from contact_centre.queue import service as queue
from contact_centre.services.citizens import CitizenDetails, create_citizen

TOKEN = "twilio-auth-token-de-test"
BASE = "http://localhost"

TUESDAY_10H = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris
TUESDAY_17H30 = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
BASTILLE_DAY = datetime(2026, 7, 14, 8, 0, tzinfo=UTC)  # a Tuesday
WHIT_MONDAY = datetime(2026, 5, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def phone(app):
    rt = app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(twilio_auth_token=TOKEN)
    return app


def at(app, instant: datetime) -> None:
    app.extensions["espace_citoyen"].clock = lambda: instant


def signed_post(
    client, path: str, form: dict[str, str], *, token: str = TOKEN, url: str | None = None, **headers
):
    signature = RequestValidator(token).compute_signature(url or BASE + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature, **headers})


def call(sid: str = "CA0001", caller: str = "+33612345678") -> dict[str, str]:
    return {"CallSid": sid, "From": caller, "To": "+33326693838", "CallStatus": "ringing", "Direction": "inbound",
            "AccountSid": "AC123"}  # fmt: skip


def parse(response) -> ET.Element:
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.data)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        rt = app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            return (
                uow.session.scalar(select(func.count()).select_from(Contact)),
                uow.session.scalar(select(func.count()).select_from(QueueItem)),
            )


@pytest.mark.parametrize(
    "path", ["/phone/voice", "/phone/wait", "/phone/status", "/phone/recording", "/phone/queue-result"]
)
def test_unsigned_forged_or_misaddressed_posts_are_refused_and_record_nothing(phone, path):
    at(phone, TUESDAY_10H)
    client = phone.test_client()
    form = call()
    assert client.post(path, data=form).status_code == 403
    assert signed_post(client, path, form, token="not-the-token").status_code == 403
    assert signed_post(client, path, form, url=BASE + "/phone/other").status_code == 403
    tampered = RequestValidator(TOKEN).compute_signature(BASE + path, form)
    assert (
        client.post(
            path, data=form | {"From": "+33700000000"}, headers={"X-Twilio-Signature": tampered}
        ).status_code
        == 403
    )
    assert counts(phone) == (0, 0)


def test_without_an_auth_token_every_webhook_is_refused(app):
    assert signed_post(app.test_client(), "/phone/voice", call()).status_code == 403
    assert counts(app) == (0, 0)


def test_in_hours_call_greets_in_french_queues_and_matches_the_caller(phone):
    with phone.app_context():
        rt = phone.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            create_citizen(
                uow, CitizenDetails(first_name="Jean", last_name="Dupont", phones=("06 12 34 56 78",)), None
            )
            uow.commit()
    at(phone, TUESDAY_10H)
    response = signed_post(phone.test_client(), "/phone/voice", call())
    root = parse(response)
    say, enqueue = list(root)
    assert say.tag == "Say" and say.get("language") == "fr-FR" and "Espace Citoyen" in say.text
    assert enqueue.tag == "Enqueue" and enqueue.text == "espace-citoyen"
    assert enqueue.get("waitUrl") == f"{BASE}/phone/wait" and enqueue.get("waitUrlMethod") == "POST"
    assert enqueue.get("action") == f"{BASE}/phone/queue-result"
    with phone.app_context():
        rt = phone.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            (item,) = queue.snapshot(uow.session)
    assert item["channel"] == "phone" and item["priority"] == 1
    assert item["citizen"]["name"] == "Jean DUPONT"
    assert item["summary"] == "Jean DUPONT — Appel de 06 12 34 56 78"


@pytest.mark.parametrize(
    ("instant", "reopening"),
    [
        (TUESDAY_17H30, "mercredi 2 décembre à 9 heures"),
        (SATURDAY, "lundi 30 novembre à 9 heures"),
        (BASTILLE_DAY, "mercredi 15 juillet à 9 heures"),
        (WHIT_MONDAY, "mardi 26 mai à 9 heures"),
    ],
)
def test_closed_hours_give_the_next_opening_then_voicemail(phone, instant, reopening):
    at(phone, instant)
    root = parse(signed_post(phone.test_client(), "/phone/voice", call(caller="anonymous")))
    say, record = list(root)[:2]
    assert say.get("language") == "fr-FR" and reopening in say.text
    assert record.tag == "Record" and record.get("maxLength") == "120"
    assert record.get("recordingStatusCallback") == f"{BASE}/phone/recording"
    with phone.app_context():
        rt = phone.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            (item,) = queue.snapshot(uow.session)
    assert item["channel"] == "voicemail" and item["summary"] == "Inconnu — Message vocal de Numéro masqué"


def test_wait_url_tells_position_and_offers_voicemail_after_the_maximum(phone):
    client = phone.test_client()
    first = parse(
        signed_post(
            client, "/phone/wait", call() | {"QueuePosition": "3", "QueueTime": "30", "AvgQueueTime": "120"}
        )
    )
    assert "position 3" in first.find("Say").text and "environ 6 minutes" in first.find("Say").text
    assert first.find("Pause") is not None
    too_long = parse(signed_post(client, "/phone/wait", call() | {"QueuePosition": "1", "QueueTime": "301"}))
    assert too_long.find("Leave") is not None
    leave = parse(signed_post(client, "/phone/queue-result", call() | {"QueueResult": "leave"}))
    assert leave.find("Record").get("recordingStatusCallback") == f"{BASE}/phone/recording"


def test_hang_up_while_waiting_leaves_a_missed_call_and_retries_change_nothing(phone):
    at(phone, TUESDAY_10H)
    client = phone.test_client()
    signed_post(client, "/phone/voice", call())
    left = call() | {"QueueResult": "hangup", "QueueTime": "37"}
    assert not parse(signed_post(client, "/phone/queue-result", left)).findall("*")
    completed = call() | {"CallStatus": "completed", "CallDuration": "42"}
    for _ in range(5):  # Twilio retries a callback it thinks was lost
        assert signed_post(client, "/phone/status", completed).status_code == 204
    assert signed_post(client, "/phone/voice", call()).status_code == 200  # a retried incoming webhook
    with phone.app_context():
        rt = phone.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            (item,) = queue.snapshot(uow.session)
            contact = uow.session.get(Contact, item["contact_id"])
            updates = uow.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "contact.updated")
            )
            assert contact.payload["status"] == "completed" and contact.payload["duration_seconds"] == 42
            # The call log: Twilio's own queue time, and why the call ended.
            assert contact.payload["queue_seconds"] == 37 and contact.payload["queue_result"] == "hangup"
            assert contact.payload["outcome"] == "abandoned" and "talk_seconds" not in contact.payload
    assert item["summary"].startswith("Appel manqué — ")
    assert updates == 2  # the queue result, then the final status: five replays add nothing
    assert counts(phone) == (1, 1)


def test_voicemail_recording_is_attached_and_unknown_calls_are_ignored(phone):
    at(phone, SATURDAY)
    client = phone.test_client()
    signed_post(client, "/phone/voice", call(sid="CA0002"))
    recording = {"CallSid": "CA0002", "RecordingSid": "RE0002", "RecordingStatus": "completed",
                 "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings/RE0002",
                 "RecordingDuration": "17", "AccountSid": "AC123"}  # fmt: skip
    assert signed_post(client, "/phone/recording", recording).status_code == 204
    assert signed_post(client, "/phone/recording", recording | {"CallSid": "CA9999"}).status_code == 204
    assert (
        signed_post(client, "/phone/status", call(sid="CA9999") | {"CallStatus": "completed"}).status_code
        == 204
    )
    with phone.app_context():
        rt = phone.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            contact = uow.session.scalar(select(Contact).where(Contact.external_id == "CA0002"))
            assert contact.payload["recording_sid"] == "RE0002" and contact.payload["recording_seconds"] == 17
            assert contact.payload["outcome"] == "voicemail"
    assert counts(phone) == (1, 1)


def test_an_application_error_is_never_heard_by_the_caller(phone):
    at(phone, TUESDAY_10H)
    phone.extensions["espace_citoyen"].clock = lambda: "pas une date"  # breaks the calendar, as a bug would
    root = parse(signed_post(phone.test_client(), "/phone/voice", call()))
    assert "difficulté technique" in root.find("Say").text and root.find("Hangup") is not None
    assert counts(phone) == (0, 0)
