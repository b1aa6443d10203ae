"""Twilio's REST API, for what the app starts itself: callbacks and bridging a waiting caller."""

from __future__ import annotations

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.domain.errors import N_, DomainError
from contact_centre.settings import Settings


class TelephonyUnavailable(DomainError):
    code = "telephony_unavailable"
    http_status = 502


class TelephonyNotConfigured(TelephonyUnavailable):
    code = "telephony_not_configured"
    http_status = 503


class TwilioVoice:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if not (settings.section(PhoneSettings).twilio_account_sid and settings.section(PhoneSettings).twilio_auth_token):
            self.client: Client | None = None
            return
        self.client = Client(settings.section(PhoneSettings).twilio_account_sid, settings.section(PhoneSettings).twilio_auth_token)
        if settings.section(PhoneSettings).twilio_api_base_url:
            # A staging or test double of api.twilio.com; the requests are otherwise unchanged.
            self.client.api.base_url = settings.section(PhoneSettings).twilio_api_base_url

    def _checked(self) -> Client:
        if self.client is None:
            raise TelephonyUnavailable(
                N_("La téléphonie n'est pas configurée (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).")
            )
        return self.client

    def place_call(self, to: str, twiml: str, status_callback: str) -> str:
        """Calls `to` from the city's single number; returns the new CallSid."""
        try:
            call = self._checked().calls.create(
                to=to,
                from_=self.settings.section(PhoneSettings).twilio_number,
                twiml=twiml,
                status_callback=status_callback,
                status_callback_method="POST",
            )
        except (TwilioRestException, TwilioException, OSError) as exc:
            raise TelephonyUnavailable(
                N_("Twilio a refusé l'appel ({detail}). Réessayez dans un instant."), detail=_detail(exc)
            ) from exc
        return str(call.sid)

    def redirect_call(self, call_sid: str, twiml: str) -> None:
        """Takes a caller out of the waiting queue into new instructions (bridging them to an ambassador)."""
        try:
            self._checked().calls(call_sid).update(twiml=twiml)
        except (TwilioRestException, TwilioException, OSError) as exc:
            raise TelephonyUnavailable(
                N_("Impossible de prendre l'appel ({detail}) : l'appelant a peut-être raccroché."),
                detail=_detail(exc),
            ) from exc

    def recording(self, recording_url: str) -> requests.Response:
        """Streams a recording with the account's credentials, which never reach the browser.

        Only Twilio's own API host is fetched: the URL came in a webhook, and the app must not be
        made to fetch arbitrary addresses with its credentials.
        """
        allowed = (self.settings.section(PhoneSettings).twilio_api_base_url or "https://api.twilio.com").rstrip("/") + "/"
        if not recording_url.startswith(allowed):
            raise TelephonyUnavailable(N_("Adresse d'enregistrement inattendue : lecture refusée."))
        self._checked()
        try:
            response = requests.get(
                recording_url + ".mp3",
                auth=(self.settings.section(PhoneSettings).twilio_account_sid, self.settings.section(PhoneSettings).twilio_auth_token),
                stream=True,
                timeout=10,
            )
        except requests.RequestException as exc:
            raise TelephonyUnavailable(N_("Enregistrement indisponible (service injoignable).")) from exc
        if response.status_code != 200:
            response.close()
            raise TelephonyUnavailable(
                N_("Enregistrement indisponible (erreur {status})."), status=response.status_code
            )
        return response


def _detail(exc: Exception) -> str:
    if isinstance(exc, TwilioRestException):
        return f"erreur {exc.status}"
    return "service injoignable"
