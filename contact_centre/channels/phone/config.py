"""The phone channel's settings (Twilio Programmable Voice). Without TWILIO_AUTH_TOKEN every webhook is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from contact_centre.settings import Invalid, e164, integer, setting, template, text, url


def transcriber(raw: str) -> str:
    from contact_centre.channels.phone.transcription import TRANSCRIBERS

    value = raw.strip()
    if value not in TRANSCRIBERS:
        raise Invalid(f"un transcripteur connu est attendu ({', '.join(sorted(TRANSCRIBERS))})")
    return value


@dataclass(frozen=True, kw_only=True)
class PhoneSettings:
    title: ClassVar[str] = "Téléphone (Twilio)"

    twilio_auth_token: str = setting(
        "TWILIO_AUTH_TOKEN",
        text,
        "vérifie la signature de chaque webhook ; vide : webhooks refusés",
        default="",
        secret=True,
    )
    twilio_account_sid: str = setting(
        "TWILIO_ACCOUNT_SID", text, "compte Twilio des appels REST (rappels, messages vocaux)", default=""
    )
    twilio_api_key: str = setting(
        "TWILIO_API_KEY", text, "clé d'API du téléphone dans le navigateur", default=""
    )
    twilio_api_secret: str = setting(
        "TWILIO_API_SECRET", text, "secret de cette clé d'API", default="", secret=True
    )
    twilio_twiml_app_sid: str = setting(
        "TWILIO_TWIML_APP_SID", text, "application TwiML du téléphone dans le navigateur", default=""
    )
    twilio_number: str = setting(
        "TWILIO_NUMBER", e164, "le numéro unique, au format E.164", default="+33326693838"
    )
    # Empty for api.twilio.com; set to a staging or test double of Twilio's REST API.
    twilio_api_base_url: str = setting(
        "TWILIO_API_BASE_URL", url("http", "https", strip_slash=True), "API REST de Twilio ; vide : api.twilio.com",
        default="",
    )  # fmt: skip
    phone_greeting: str = setting(
        "PHONE_GREETING", text, "accueil dit avant la mise en file",
        default="Bonjour, vous êtes bien à l'Espace Citoyen de la Ville. Un ambassadeur va vous répondre, merci de patienter.",
    )  # fmt: skip
    phone_greeting_audio_url: str = setting(
        "PHONE_GREETING_AUDIO_URL",
        url("http", "https"),
        "enregistrement joué à la place de l'accueil",
        default="",
    )
    phone_closed_message: str = setting(
        "PHONE_CLOSED_MESSAGE", template("next_opening"), "message dit hors des heures d'ouverture, avant la messagerie",
        default=(
            "Bonjour, l'Espace Citoyen est ouvert du lundi au vendredi de 9 heures à 17 heures. "
            "Nous rouvrirons {next_opening}. Laissez-nous un message après le bip, nous vous rappellerons."
        ),
    )  # fmt: skip
    phone_hold_music_url: str = setting(
        "PHONE_HOLD_MUSIC_URL", url("http", "https"), "musique d'attente ; vide : silence", default=""
    )
    phone_max_wait_seconds: int = setting(
        "PHONE_MAX_WAIT_SECONDS", integer(1), "attente après laquelle la messagerie est proposée", default=300
    )
    phone_voicemail_max_seconds: int = setting(
        "PHONE_VOICEMAIL_MAX_SECONDS", integer(1), "durée maximale d'un message vocal", default=120
    )
    phone_transcriber: str = setting(
        "PHONE_TRANSCRIBER", transcriber, "transcripteur des messages vocaux (channels/phone/transcription.py)",
        default="none",
    )  # fmt: skip
