"""The console's e-mail actions: an item's messages both ways with their send status, a reply
with attachments, sending a failed message again."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from contact_centre.channels.email.notify import reply_from_console, resend
from contact_centre.domain.contacts import Contact
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.runtime import runtime
from contact_centre.services.emails import email_thread
from contact_centre.services.intake import IncomingAttachment
from contact_centre.services.shapes import iso
from contact_centre.web.shapes import attachment_json

bp = Blueprint("email_actions", __name__, url_prefix="/email")
MAX_FILES = 20


def message_json(contact: Contact) -> dict[str, Any]:
    payload = contact.payload
    return {
        "id": contact.id,
        "direction": contact.direction.value,
        "subject": contact.subject,
        "body": contact.body,
        "from": payload.get("from", ""),
        "to": payload.get("to", []),
        "message_id": payload.get("message_id", ""),
        "at": iso(contact.received_at),
        "kind": payload.get("kind", "message"),
        "automatic": payload.get("automatic"),
        # Outbound only: queued, sent or failed (with the error), the console shows it.
        "status": payload.get("status"),
        "status_label": _status_label(payload.get("status")),
        "error": payload.get("error", ""),
        "sent_at": payload.get("sent_at"),
        "acknowledgement": payload.get("acknowledgement"),
        "warnings": payload.get("warnings", []),
        "attachments": [attachment_json(a) for a in contact.attachments],
    }


def _status_label(status: object) -> str | None:
    labels = {"queued": _("En cours d'envoi"), "sent": _("Envoyé"), "failed": _("Échec de l'envoi")}
    return labels.get(str(status)) if status else None


@bp.get("/items/<int:item_id>/messages")
def messages(item_id: int) -> ResponseReturnValue:
    return jsonify([message_json(c) for c in email_thread(runtime().session(), item_id)])


@bp.post("/items/<int:item_id>/reply")
def reply(item_id: int) -> ResponseReturnValue:
    """Multipart form: `text`, optional `to`, any number of `files`."""
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if len(uploads) > MAX_FILES:
        raise InvalidInput(N_("Trop de pièces jointes (au plus {limit})."), limit=MAX_FILES)
    files = [
        IncomingAttachment(f.filename or "piece-jointe", f.mimetype or "application/octet-stream", f.read())
        for f in uploads
    ]
    with runtime().uow() as uow:
        contact = reply_from_console(
            uow,
            item_id,
            current_user.id,
            request.form.get("text", ""),
            files,
            to=request.form.get("to", ""),
        )
        uow.commit()
        body = message_json(contact)
    return jsonify(body), 201


@bp.post("/messages/<int:contact_id>/resend")
def resend_message(contact_id: int) -> ResponseReturnValue:
    with runtime().uow() as uow:
        contact = resend(uow, contact_id)
        uow.commit()
        body = message_json(contact)
    return jsonify(body)
