"""Twilio's webhooks. Each checks the signature, asks the domain, and answers TwiML fast."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from werkzeug.exceptions import HTTPException

from contact_centre.channels.phone import calls, twiml
from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.channels.phone.jobs import transcribe_voicemail
from contact_centre.channels.phone.signature import twilio_signed
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import Channel
from contact_centre.runtime import runtime
from contact_centre.services.contact_updates import queue_item_of, update_contact

bp = Blueprint("phone", __name__, url_prefix="/phone")
CALL_CHANNELS = (Channel.PHONE, Channel.VOICEMAIL)


@bp.errorhandler(Exception)
def _fallback(exc: Exception) -> ResponseReturnValue:
    if isinstance(exc, HTTPException):
        return exc
    current_app.logger.exception("phone webhook failed; the caller hears the fallback message")
    return twiml.as_response(twiml.fallback())


def _record_call(calendar: BusinessCalendar, now: datetime, voicemail: bool) -> None:
    rt = runtime()
    with rt.uow() as uow:
        rt.intake.record(uow, calls.incoming_call(request.form, now, voicemail=voicemail), calendar)
        uow.commit()


@bp.post("/voice")
@twilio_signed
def voice() -> Response:
    """The URL pasted into Twilio's console for the single number."""
    rt = runtime()
    now = rt.clock()
    calendar = rt.calendar(rt.session())
    if calendar.is_open(now):
        _record_call(calendar, now, voicemail=False)
        return twiml.as_response(
            twiml.greeting_then_queue(
                rt.settings,
                wait_url=url_for("phone.wait", _external=True),
                result_url=url_for("phone.queue_result", _external=True),
            )
        )
    # Closed: the caller gets an item for the next opening even if they hang up before the beep.
    _record_call(calendar, now, voicemail=True)
    when = format_datetime(calendar.next_opening(now), "EEEE d MMMM 'à' H 'heures'")
    return twiml.as_response(
        twiml.closed_then_voicemail(rt.settings, when, url_for("phone.recording", _external=True))
    )


@bp.post("/wait")
@twilio_signed
def wait() -> Response:
    """Polled by Twilio while the caller waits in the queue."""
    rt = runtime()
    settings = rt.settings
    position = int(request.form.get("QueuePosition") or 1)
    queue_time = int(request.form.get("QueueTime") or 0)
    average = int(request.form.get("AvgQueueTime") or 0)
    estimated_minutes = max(1, round(position * max(average, 60) / 60))
    item_id = queue_item_of(rt.session(), CALL_CHANNELS, request.form.get("CallSid", ""))
    if item_id is not None:
        # What the caller is told, the consoles show: Twilio's own count of the line.
        rt.publisher.publish(
            "call:position",
            {
                "id": item_id,
                "position": position,
                "estimated_minutes": estimated_minutes,
                "waited_seconds": queue_time,
            },
        )
    return twiml.as_response(
        twiml.waiting(
            settings,
            position,
            estimated_minutes,
            offer_voicemail=queue_time >= settings.section(PhoneSettings).phone_max_wait_seconds,
        )
    )


@bp.post("/queue-result")
@twilio_signed
def queue_result() -> Response:
    """The caller left the Twilio queue: answered, hung up, or sent to voicemail after the maximum wait."""
    with runtime().uow() as uow:
        update_contact(uow, CALL_CHANNELS, request.form.get("CallSid", ""), calls.queue_changes(request.form))
        uow.commit()
    if request.form.get("QueueResult") == "leave":
        response = twiml.VoiceResponse()
        twiml.voicemail(response, runtime().settings, url_for("phone.recording", _external=True))
        return twiml.as_response(response)
    return twiml.as_response(twiml.VoiceResponse())


@bp.post("/status")
@twilio_signed
def status() -> Response:
    """Call status callback; Twilio retries it, so applying it twice changes nothing."""
    form = request.form
    ended = form.get("CallStatus", "") in calls.FINAL_STATUSES
    with runtime().uow() as uow:
        found = update_contact(
            uow,
            CALL_CHANNELS,
            form.get("CallSid", ""),
            lambda contact: calls.status_changes(form, contact.payload),
            missed=ended,
        )
        uow.commit()
    if found is None:
        current_app.logger.warning("status callback for an unknown call %s", request.form.get("CallSid"))
    return Response(status=204)


@bp.post("/recording")
@twilio_signed
def recording() -> Response:
    """Recording status callback: the voicemail is attached to the call's item."""
    form = request.form
    if form.get("RecordingStatus", "completed") != "completed":
        return Response(status=204)
    rt = runtime()
    with rt.uow() as uow:
        found = update_contact(uow, CALL_CHANNELS, form.get("CallSid", ""), calls.recording_changes(form))
        uow.commit()
    if found is None:
        current_app.logger.warning("recording for an unknown call %s", form.get("CallSid"))
    elif rt.settings.section(PhoneSettings).phone_transcriber != "none":
        # Fetching and transcribing take longer than Twilio waits for an answer.
        rt.jobs.enqueue(transcribe_voicemail, form.get("CallSid", ""), form.get("RecordingUrl", ""))
    return Response(status=204)
