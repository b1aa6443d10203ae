"""Translates Twilio's form posts into domain values. No database, no Flask request here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from contact_centre.domain.enums import Channel
from contact_centre.domain.identity import InvalidContactDetail, format_phone_national, normalise_phone
from contact_centre.domain.intake import CitizenHints, InboundContact

# Twilio's CallStatus values that end a call.
FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def caller_number(form: Mapping[str, str]) -> str:
    """The caller's number in E.164, or "" for a withheld or unusable caller ID ("anonymous", "+266696687")."""
    try:
        return normalise_phone(form.get("From", ""))
    except InvalidContactDetail:
        return ""


def incoming_call(form: Mapping[str, str], now: datetime, *, voicemail: bool) -> InboundContact:
    number = caller_number(form)
    shown = format_phone_national(number) if number else "Numéro masqué"
    return InboundContact(
        channel=Channel.VOICEMAIL if voicemail else Channel.PHONE,
        citizen=CitizenHints(phone=number),
        subject=("Message vocal de " if voicemail else "Appel de ") + shown,
        payload=call_payload(form) | {"status": form.get("CallStatus", "ringing"), "outcome": None},
        received_at=now,
        external_id=form["CallSid"],
    )


def call_payload(form: Mapping[str, str]) -> dict[str, Any]:
    return {
        "call_sid": form.get("CallSid", ""),
        "from": form.get("From", ""),
        "to": form.get("To", ""),
        "direction": form.get("Direction", "inbound"),
    }


def status_changes(form: Mapping[str, str]) -> dict[str, Any]:
    status = form.get("CallStatus", "")
    changes: dict[str, Any] = {"status": status}
    if form.get("CallDuration"):
        changes["duration_seconds"] = int(form["CallDuration"])
    return changes


def recording_changes(form: Mapping[str, str]) -> dict[str, Any]:
    return {
        "recording_sid": form.get("RecordingSid", ""),
        "recording_url": form.get("RecordingUrl", ""),
        "recording_seconds": int(form.get("RecordingDuration") or 0),
        "outcome": "voicemail",
    }
