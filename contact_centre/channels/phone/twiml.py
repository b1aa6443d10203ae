"""What the caller hears, as TwiML. French voice everywhere."""

from __future__ import annotations

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.settings import Settings

VOICE = {"language": "fr-FR", "voice": "Polly.Lea"}
TWILIO_QUEUE = "espace-citoyen"


def as_response(twiml: VoiceResponse) -> Response:
    return Response(str(twiml), mimetype="text/xml")


def greeting_then_queue(settings: Settings, wait_url: str, result_url: str) -> VoiceResponse:
    twiml = VoiceResponse()
    if settings.section(PhoneSettings).phone_greeting_audio_url:
        twiml.play(settings.section(PhoneSettings).phone_greeting_audio_url)
    else:
        twiml.say(settings.section(PhoneSettings).phone_greeting, **VOICE)
    twiml.enqueue(TWILIO_QUEUE, wait_url=wait_url, wait_url_method="POST", action=result_url, method="POST")
    return twiml


def closed_then_voicemail(settings: Settings, next_opening: str, recording_url: str) -> VoiceResponse:
    twiml = VoiceResponse()
    twiml.say(settings.section(PhoneSettings).phone_closed_message.format(next_opening=next_opening), **VOICE)
    voicemail(twiml, settings, recording_url)
    return twiml


def voicemail(twiml: VoiceResponse, settings: Settings, recording_url: str) -> VoiceResponse:
    # The recording arrives through the status callback; the action only ends the call politely.
    twiml.record(
        max_length=settings.section(PhoneSettings).phone_voicemail_max_seconds,
        play_beep=True,
        timeout=5,
        recording_status_callback=recording_url,
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )
    twiml.say("Merci, votre message a bien été enregistré. Au revoir.", **VOICE)
    twiml.hangup()
    return twiml


def waiting(
    settings: Settings, position: int, estimated_minutes: int, offer_voicemail: bool
) -> VoiceResponse:
    twiml = VoiceResponse()
    if offer_voicemail:
        twiml.say(
            "Nos ambassadeurs sont tous occupés. Vous allez pouvoir laisser un message, nous vous rappellerons.",
            **VOICE,
        )
        twiml.leave()
        return twiml
    ahead = "Vous êtes le prochain appel." if position <= 1 else f"Vous êtes en position {position}."
    wait = "moins d'une minute" if estimated_minutes <= 1 else f"environ {estimated_minutes} minutes"
    twiml.say(f"{ahead} Temps d'attente estimé : {wait}.", **VOICE)
    if settings.section(PhoneSettings).phone_hold_music_url:
        twiml.play(settings.section(PhoneSettings).phone_hold_music_url)
    else:
        twiml.pause(length=20)
    return twiml


def fallback() -> VoiceResponse:
    """Said instead of an application error: the caller never hears Twilio's error message."""
    twiml = VoiceResponse()
    twiml.say(
        "Nous rencontrons une difficulté technique. Merci de rappeler dans quelques instants, "
        "ou d'écrire à la mairie. Au revoir.",
        **VOICE,
    )
    twiml.hangup()
    return twiml
