"""What an ambassador does with a call from the console: the one-click callback."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant
from twilio.twiml.voice_response import Dial, VoiceResponse

from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.channels.phone.rest import TelephonyNotConfigured, TwilioVoice
from contact_centre.channels.phone.twiml import VOICE
from contact_centre.domain.channels import Channel
from contact_centre.domain.contact_details import format_phone_national
from contact_centre.domain.errors import N_
from contact_centre.domain.people import StaffUser
from contact_centre.runtime import runtime
from contact_centre.services.contact_updates import update_contact
from contact_centre.services.outbound import (
    number_to_call_back,
    record_outbound_contact,
    voicemail_url,
    waiting_call,
)
from contact_centre.services.shapes import iso
from contact_centre.settings import Settings

bp = Blueprint("phone_actions", __name__, url_prefix="/phone")
CALLBACK_ANNOUNCE = "Bonjour, l'Espace Citoyen de la Ville vous rappelle. Merci de patienter un instant."
ANSWER_ANNOUNCE = "Un ambassadeur prend votre appel."
TOKEN_TTL_SECONDS = 3600


SOUNDS = {
    "incoming": "incoming",
    "outgoing": "outgoing",
    "disconnect": "disconnect",
    **{f"dtmf{key}": f"dtmf-{key}" for key in "0123456789"},
    "dtmfs": "dtmf-star",
    "dtmfh": "dtmf-hash",
}


def browser_phone_enabled(settings: Settings, user: StaffUser) -> bool:
    """Calls ring in the browser for an ambassador without a desk phone, once Twilio is set up for it."""
    return bool(
        settings.section(PhoneSettings).twilio_account_sid
        and settings.section(PhoneSettings).twilio_api_key
        and settings.section(PhoneSettings).twilio_api_secret
        and not user.desk_phone
    )


def console_config() -> dict[str, Any]:
    """What the console's phone modules read from the page (`config.phone`)."""
    if not current_user.is_authenticated or not browser_phone_enabled(runtime().settings, current_user):
        return {"browser": False}
    return {
        "browser": True,
        "tokenUrl": url_for("console_api.phone_actions.token"),
        "sounds": {name: url_for("static", filename=f"sounds/{file}.wav") for name, file in SOUNDS.items()},
    }


def client_identity(user: StaffUser) -> str:
    """The ambassador's identity for the Twilio Voice SDK in the browser."""
    return f"ambassadeur-{user.username}"


def bridge_to(user: StaffUser, caller_id: str, announce: str) -> VoiceResponse:
    """Connects the citizen's leg to the ambassador's desk phone, or to their browser."""
    twiml = VoiceResponse()
    twiml.say(announce, **VOICE)
    dial = Dial(caller_id=caller_id)
    if user.desk_phone:
        dial.number(user.desk_phone)
    else:
        dial.client(client_identity(user))
    twiml.append(dial)
    return twiml


@bp.post("/items/<int:item_id>/callback")
def callback(item_id: int) -> ResponseReturnValue:
    rt = runtime()
    body = request.get_json(silent=True) or {}
    requested = str(body.get("to", "")) if isinstance(body, dict) else ""
    with rt.uow() as uow:
        number = number_to_call_back(uow, item_id, current_user.id, requested)
        agent = uow.session.get(StaffUser, current_user.id)
        assert agent is not None
        # Twilio first: if it refuses, nothing is written and the ambassador sees why.
        call_sid = TwilioVoice(rt.settings).place_call(
            to=number,
            twiml=str(bridge_to(agent, rt.settings.section(PhoneSettings).twilio_number, CALLBACK_ANNOUNCE)),
            status_callback=url_for("phone.status", _external=True),
        )
        contact = record_outbound_contact(
            uow,
            item_id,
            current_user.id,
            channel=Channel.PHONE,
            external_id=call_sid,
            subject=f"Rappel du {format_phone_national(number)}",
            payload={
                "call_sid": call_sid,
                "to": number,
                "from": rt.settings.section(PhoneSettings).twilio_number,
                "outcome": "callback",
                "direction": "outbound-api",
                "status": "queued",
            },
            at=rt.clock(),
        )
        uow.commit()
    return jsonify({"ok": True, "contact_id": contact.id, "call_sid": call_sid, "to": number}), 201


@bp.post("/items/<int:item_id>/answer")
def answer(item_id: int) -> ResponseReturnValue:
    """Bridges the waiting caller of a claimed phone item to the ambassador who claimed it."""
    rt = runtime()
    with rt.uow() as uow:
        call_sid = waiting_call(uow, item_id, current_user.id)
        agent = uow.session.get(StaffUser, current_user.id)
        assert agent is not None
        TwilioVoice(rt.settings).redirect_call(
            call_sid, str(bridge_to(agent, rt.settings.section(PhoneSettings).twilio_number, ANSWER_ANNOUNCE))
        )
        answered_at = rt.clock()
        update_contact(
            uow,
            (Channel.PHONE,),
            call_sid,
            lambda contact: {
                "outcome": "answered",
                "answered_by": agent.display_name,
                "answered_by_id": agent.id,
                "answered_at": iso(answered_at),
                "queue_seconds": max(0, int((answered_at - contact.received_at).total_seconds())),
            },
            actor_id=agent.id,
        )
        uow.commit()
    return jsonify({"ok": True, "call_sid": call_sid, "to": agent.desk_phone or client_identity(agent)})


@bp.get("/token")
def token() -> ResponseReturnValue:
    """An access token for the Twilio Voice SDK in the ambassador's browser."""
    settings = runtime().settings
    if not (
        settings.section(PhoneSettings).twilio_account_sid
        and settings.section(PhoneSettings).twilio_api_key
        and settings.section(PhoneSettings).twilio_api_secret
    ):
        raise TelephonyNotConfigured(
            N_("Les appels dans le navigateur ne sont pas configurés (TWILIO_API_KEY…).")
        )
    identity = client_identity(current_user)
    access = AccessToken(
        settings.section(PhoneSettings).twilio_account_sid,
        settings.section(PhoneSettings).twilio_api_key,
        settings.section(PhoneSettings).twilio_api_secret,
        identity=identity,
        ttl=TOKEN_TTL_SECONDS,
    )
    access.add_grant(
        VoiceGrant(
            outgoing_application_sid=settings.section(PhoneSettings).twilio_twiml_app_sid or None,
            incoming_allow=True,
        )
    )
    return jsonify({"token": access.to_jwt(), "identity": identity, "ttl": TOKEN_TTL_SECONDS})


@bp.get("/items/<int:item_id>/recording")
def recording(item_id: int) -> ResponseReturnValue:
    """The voicemail, proxied: the browser never sees Twilio's credentials."""
    rt = runtime()
    url = voicemail_url(rt.session(), item_id)
    upstream = TwilioVoice(rt.settings).recording(url)
    return Response(
        stream_with_context(upstream.iter_content(64 * 1024)),
        mimetype="audio/mpeg",
        headers={"Cache-Control": "private, max-age=0"},
    )
