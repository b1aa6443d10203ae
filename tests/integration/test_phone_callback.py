"""The one-click callback: an outbound call through Twilio's REST API (faked at the HTTP layer)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Direction
from contact_centre.domain.people import StaffUser
from tests.integration.test_phone_webhooks import TOKEN, call, signed_post
from tests.support.accounts import PASSWORD, add_user
from tests.support.clients import ConsoleClient, login
from tests.support.fake_twilio import start_fake_twilio

ACCOUNT = "AC" + "0" * 32


@pytest.fixture
def fake_twilio():
    fake = start_fake_twilio()
    yield fake
    fake.stop()


@pytest.fixture
def phone_app(app, fake_twilio):
    rt = app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(
        twilio_auth_token=TOKEN, twilio_account_sid=ACCOUNT, twilio_api_base_url=fake_twilio.url
    )
    rt.clock = lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    return app


@pytest.fixture
def missed_call(phone_app, served):
    """Sophie has claimed the item of a call that hung up while waiting."""
    client = phone_app.test_client()
    assert signed_post(client, "/phone/voice", call()).status_code == 200
    signed_post(client, "/phone/status", call() | {"CallStatus": "completed"})
    add_user(phone_app, "sophie", full_name="Sophie Marchal")
    http = login(served.url, "sophie", PASSWORD)
    console = ConsoleClient().connect(served.url, http)
    item = console.wait_for("queue:snapshot")["items"][0]
    assert item["summary"].startswith("Appel manqué")
    assert console.call("queue:claim", {"item_id": item["id"]})["ok"]
    yield http, item["id"], console
    console.disconnect()


def test_callback_calls_the_citizen_from_the_single_number_and_logs_it(
    phone_app, served, fake_twilio, missed_call
):
    http, item_id, console = missed_call
    response = http.post(f"{served.url}/console/api/phone/items/{item_id}/callback", json={})
    assert response.status_code == 201, response.text
    (sent,) = fake_twilio.requests
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    assert sent.username == ACCOUNT
    assert sent.form["To"] == ["+33612345678"] and sent.form["From"] == ["+33326693838"]
    assert sent.form["StatusCallback"] == [f"{served.url}/phone/status"]
    twiml = sent.form["Twiml"][0]
    assert '<Dial callerId="+33326693838"><Client>ambassadeur-sophie</Client></Dial>' in twiml
    assert 'language="fr-FR"' in twiml
    console.wait_for("queue:updated", lambda e: e["id"] == item_id)
    with phone_app.app_context():
        rt = phone_app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            outbound = uow.session.scalar(select(Contact).where(Contact.direction == Direction.OUTBOUND))
            assert outbound.queue_item_id == item_id and outbound.external_id == response.json()["call_sid"]
            assert outbound.payload["outcome"] == "callback"

    # Twilio reports the callback's end: its talk time goes to the log and the item's panel.
    ended = {"CallSid": response.json()["call_sid"], "CallStatus": "completed", "CallDuration": "95",
             "From": "+33326693838", "To": "+33612345678", "Direction": "outbound-api"}  # fmt: skip
    assert signed_post(phone_app.test_client(), "/phone/status", ended).status_code == 204
    console.wait_for("queue:updated", lambda e: e["id"] == item_id)
    detail = http.get(f"{served.url}/console/api/items/{item_id}").json()
    (logged,) = detail["outbound"]
    assert logged["by"] == "Sophie Marchal" and logged["payload"]["to"] == "+33612345678"
    assert logged["payload"]["talk_seconds"] == 95 and logged["payload"]["outcome"] == "callback"
    assert detail["contact"]["payload"]["outcome"] == "abandoned"


def test_a_desk_phone_gets_the_call_instead_of_the_browser(phone_app, served, fake_twilio, missed_call):
    http, item_id, _console = missed_call
    with phone_app.app_context():
        rt = phone_app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            uow.session.scalar(
                select(StaffUser).where(StaffUser.username == "sophie")
            ).desk_phone = "+33326690995"
            uow.commit()
    assert http.post(f"{served.url}/console/api/phone/items/{item_id}/callback", json={}).status_code == 201
    assert "<Number>+33326690995</Number>" in fake_twilio.requests[0].form["Twiml"][0]


def test_twilio_errors_and_bad_numbers_write_nothing(phone_app, served, fake_twilio, missed_call):
    http, item_id, _console = missed_call
    url = f"{served.url}/console/api/phone/items/{item_id}/callback"
    bad = http.post(url, json={"to": "12"})
    assert (
        bad.status_code == 400 and bad.json()["error"]["message"] == "Numéro de téléphone invalide : « 12 »"
    )
    fake_twilio.fail_with = 500
    refused = http.post(url, json={})
    assert refused.status_code == 502
    assert (
        refused.json()["error"]["message"]
        == "Twilio a refusé l'appel (erreur 500). Réessayez dans un instant."
    )
    fake_twilio.fail_with = None
    with phone_app.app_context():
        rt = phone_app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            assert (
                uow.session.scalars(select(Contact).where(Contact.direction == Direction.OUTBOUND)).all()
                == []
            )
    add_user(phone_app, "nadia")
    not_hers = login(served.url, "nadia", PASSWORD).post(url, json={})
    assert not_hers.status_code == 409
    assert not_hers.json()["error"]["message"] == "Prenez d'abord cet élément en charge."


@pytest.fixture
def waiting_call_claimed(phone_app, served):
    """A caller waits in the Twilio queue; Sophie has claimed the item."""
    assert signed_post(phone_app.test_client(), "/phone/voice", call()).status_code == 200
    add_user(phone_app, "sophie", full_name="Sophie Marchal")
    http = login(served.url, "sophie", PASSWORD)
    console = ConsoleClient().connect(served.url, http)
    item = console.wait_for("queue:snapshot")["items"][0]
    assert console.call("queue:claim", {"item_id": item["id"]})["ok"]
    yield http, item["id"]
    console.disconnect()


def test_answering_bridges_the_waiting_caller_to_the_ambassador(
    phone_app, served, fake_twilio, waiting_call_claimed
):
    http, item_id = waiting_call_claimed
    url = f"{served.url}/console/api/phone/items/{item_id}/answer"
    answered = http.post(url, json={})
    assert answered.status_code == 200, answered.text
    (sent,) = fake_twilio.requests
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT}/Calls/CA0001.json"
    assert '<Dial callerId="+33326693838"><Client>ambassadeur-sophie</Client></Dial>' in sent.form["Twiml"][0]
    twice = http.post(url, json={})
    assert twice.status_code == 409 and twice.json()["error"]["message"] == "Cet appel a déjà été pris."
    with phone_app.app_context():
        rt = phone_app.extensions["espace_citoyen"]
        with rt.new_uow() as uow:
            contact = uow.session.scalar(select(Contact).where(Contact.external_id == "CA0001"))
            assert (
                contact.payload["outcome"] == "answered"
                and contact.payload["answered_by"] == "Sophie Marchal"
            )


def test_answering_a_caller_who_hung_up_or_when_twilio_fails(
    phone_app, served, fake_twilio, waiting_call_claimed
):
    http, item_id = waiting_call_claimed
    url = f"{served.url}/console/api/phone/items/{item_id}/answer"
    fake_twilio.fail_with = 404
    lost = http.post(url, json={})
    assert lost.status_code == 502
    assert (
        lost.json()["error"]["message"]
        == "Impossible de prendre l'appel (erreur 404) : l'appelant a peut-être raccroché."
    )
    signed_post(phone_app.test_client(), "/phone/status", call() | {"CallStatus": "completed"})
    gone = http.post(url, json={})
    assert (
        gone.status_code == 409
        and gone.json()["error"]["message"] == "L'appelant a raccroché : proposez-lui un rappel."
    )


def test_browser_calls_get_a_signed_voice_token(phone_app, served):
    from twilio.jwt import Jwt

    add_user(phone_app, "sophie")
    http = login(served.url, "sophie", PASSWORD)
    unconfigured = http.get(f"{served.url}/console/api/phone/token")
    assert unconfigured.status_code == 503 and "pas configurés" in unconfigured.json()["error"]["message"]
    rt = phone_app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(
        twilio_api_key="SK" + "1" * 32,
        twilio_api_secret="secret-api-de-test-assez-long-32-octets",
        twilio_twiml_app_sid="AP" + "2" * 32,
    )
    body = http.get(f"{served.url}/console/api/phone/token").json()
    assert body["identity"] == "ambassadeur-sophie"
    payload = Jwt.from_jwt(body["token"], "secret-api-de-test-assez-long-32-octets").payload
    assert payload["grants"]["identity"] == "ambassadeur-sophie"
    assert payload["grants"]["voice"] == {
        "incoming": {"allow": True},
        "outgoing": {"application_sid": "AP" + "2" * 32},
    }
    assert payload["iss"] == "SK" + "1" * 32 and payload["sub"] == ACCOUNT


def test_a_voicemail_is_played_through_the_app_without_twilio_credentials(phone_app, served, fake_twilio):
    from tests.support.fake_twilio import RECORDING

    client = phone_app.test_client()
    phone_app.extensions["espace_citoyen"].clock = lambda: datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    signed_post(client, "/phone/voice", call(sid="CA0003"))
    recording_url = f"{fake_twilio.url}/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE0003"
    signed_post(
        client,
        "/phone/recording",
        {
            "CallSid": "CA0003",
            "RecordingSid": "RE0003",
            "RecordingDuration": "9",
            "RecordingStatus": "completed",
            "RecordingUrl": recording_url,
        },
    )
    add_user(phone_app, "sophie")
    http = login(served.url, "sophie", PASSWORD)
    console = ConsoleClient().connect(served.url, http)
    item_id = console.wait_for("queue:snapshot")["items"][0]["id"]
    console.disconnect()
    played = http.get(f"{served.url}/console/api/phone/items/{item_id}/recording")
    assert played.status_code == 200 and played.headers["Content-Type"] == "audio/mpeg"
    assert played.content == RECORDING
    (fetched,) = [r for r in fake_twilio.requests if r.method == "GET"]
    assert (
        fetched.path == f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE0003.mp3"
        and fetched.username == ACCOUNT
    )
    assert TOKEN not in played.text


def test_a_recording_url_elsewhere_than_twilio_is_never_fetched(phone_app, served, fake_twilio):
    client = phone_app.test_client()
    phone_app.extensions["espace_citoyen"].clock = lambda: datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    signed_post(client, "/phone/voice", call(sid="CA0004"))
    signed_post(
        client,
        "/phone/recording",
        {
            "CallSid": "CA0004",
            "RecordingSid": "RE4",
            "RecordingStatus": "completed",
            "RecordingUrl": "http://169.254.169.254/latest/meta-data",
        },
    )
    add_user(phone_app, "sophie")
    http = login(served.url, "sophie", PASSWORD)
    console = ConsoleClient().connect(served.url, http)
    item_id = console.wait_for("queue:snapshot")["items"][0]["id"]
    console.disconnect()
    refused = http.get(f"{served.url}/console/api/phone/items/{item_id}/recording")
    assert refused.status_code == 502
    assert refused.json()["error"]["message"] == "Adresse d'enregistrement inattendue : lecture refusée."
    assert fake_twilio.requests == []


class EchoTranscriber:
    """A stand-in for a French speech-to-text service: reports what it was given."""

    name = "echo"

    def transcribe(self, audio: bytes, content_type: str) -> str | None:
        return f"{len(audio)} octets de {content_type}"


def test_a_configured_transcriber_runs_as_a_job_and_stores_the_text(
    phone_app, fake_twilio, backend, monkeypatch
):
    from concurrent.futures import wait

    from rq import SimpleWorker

    from contact_centre.channels.phone import transcription
    from tests.support.fake_twilio import RECORDING

    monkeypatch.setitem(transcription.TRANSCRIBERS, "echo", EchoTranscriber)
    rt = phone_app.extensions["espace_citoyen"]
    rt.settings = rt.settings.replace(phone_transcriber="echo")
    rt.clock = lambda: datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    client = phone_app.test_client()
    signed_post(client, "/phone/voice", call(sid="CA0005"))
    url = f"{fake_twilio.url}/2010-04-01/Accounts/{ACCOUNT}/Recordings/RE0005"
    signed_post(
        client,
        "/phone/recording",
        {"CallSid": "CA0005", "RecordingSid": "RE0005", "RecordingStatus": "completed", "RecordingUrl": url},
    )
    with phone_app.app_context():
        if backend.uses_real_servers:
            assert SimpleWorker([rt.jobs.queue], connection=rt.jobs.connection).work(burst=True)
        else:
            wait(rt.jobs.futures, timeout=10)
        with rt.new_uow() as uow:
            contact = uow.session.scalar(select(Contact).where(Contact.external_id == "CA0005"))
            assert contact.payload["transcript"] == f"{len(RECORDING)} octets de audio/mpeg"
