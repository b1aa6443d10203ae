"""Slow phone work, run as jobs: fetching and transcribing a voicemail."""

from __future__ import annotations

from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.channels.phone.rest import TwilioVoice
from contact_centre.channels.phone.transcription import transcriber_for
from contact_centre.domain.channels import Channel
from contact_centre.runtime import runtime
from contact_centre.services.contact_updates import update_contact


def transcribe_voicemail(call_sid: str, recording_url: str) -> bool:
    """Stores the transcript in the call's contact; False when the transcriber gives none."""
    rt = runtime()
    transcriber = transcriber_for(rt.settings.section(PhoneSettings).phone_transcriber)
    audio = TwilioVoice(rt.settings).recording(recording_url)
    try:
        text = transcriber.transcribe(audio.content, "audio/mpeg")
    finally:
        audio.close()
    if not text:
        return False
    with rt.new_uow() as uow:
        update_contact(uow, (Channel.PHONE, Channel.VOICEMAIL), call_sid, {"transcript": text})
        uow.commit()
    return True
