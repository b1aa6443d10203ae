"""Voicemail transcription behind a small interface.

Twilio's built-in transcription handles only English and recordings of 2 to 120 seconds, so the
default is no transcript; a French transcriber (a local speech-to-text model, a vendor API) plugs
in by implementing `Transcriber` and registering under a name chosen by PHONE_TRANSCRIBER.
"""

from __future__ import annotations

from typing import Protocol


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: bytes, content_type: str) -> str | None:
        """The French text of the recording, or None when none can be made."""
        ...


class NoTranscript:
    name = "none"

    def transcribe(self, audio: bytes, content_type: str) -> str | None:
        return None


TRANSCRIBERS: dict[str, type[Transcriber]] = {"none": NoTranscript}


class UnknownTranscriber(ValueError):
    pass


def transcriber_for(name: str) -> Transcriber:
    try:
        return TRANSCRIBERS[name]()
    except KeyError:
        known = ", ".join(sorted(TRANSCRIBERS))
        raise UnknownTranscriber(f"PHONE_TRANSCRIBER « {name} » inconnu (connus : {known})") from None
