"""Translates Twilio's form posts into domain values. No database, no Flask request here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from contact_centre.domain.channels import Channel
from contact_centre.domain.contact_details import (
    InvalidContactDetail,
    format_phone_national,
    normalise_phone,
)
from contact_centre.services.intake import CitizenHints, InboundContact

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


def status_changes(form: Mapping[str, str], payload: Mapping[str, Any]) -> dict[str, Any]:
    """What a status callback adds to the call log; the same post twice gives the same changes."""
    status = form.get("CallStatus", "")
    changes: dict[str, Any] = {"status": status}
    duration = int(form.get("CallDuration") or 0)
    if form.get("CallDuration"):
        changes["duration_seconds"] = duration
    if status not in FINAL_STATUSES:
        return changes
    outcome = payload.get("outcome")
    if outcome == "callback":
        changes["talk_seconds"] = duration
    elif outcome == "answered":
        # The inbound leg's duration counts the greeting and the wait too.
        changes["talk_seconds"] = max(0, duration - int(payload.get("queue_seconds") or 0))
    elif outcome != "voicemail":
        changes["outcome"] = "abandoned"
        changes["queue_seconds"] = int(payload.get("queue_seconds") or duration)
    return changes


def queue_changes(form: Mapping[str, str]) -> dict[str, Any]:
    """The Enqueue action tells how long the caller waited and why they left the queue."""
    changes: dict[str, Any] = {"queue_result": form.get("QueueResult", "")}
    if form.get("QueueTime"):
        changes["queue_seconds"] = int(form["QueueTime"])
    return changes


def recording_changes(form: Mapping[str, str]) -> dict[str, Any]:
    return {
        "recording_sid": form.get("RecordingSid", ""),
        "recording_url": form.get("RecordingUrl", ""),
        "recording_seconds": int(form.get("RecordingDuration") or 0),
        "outcome": "voicemail",
    }
