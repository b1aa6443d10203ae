"""The item panel's JSON actions under /console/api (access and errors: `web.console_api`).
Claiming and releasing go through the socket."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session

from contact_centre.domain.audit import timeline
from contact_centre.domain.catalogue import search_processes
from contact_centre.domain.contacts import Attachment
from contact_centre.domain.enums import REQUEST_STATUS_LABELS
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.people import Citizen
from contact_centre.queue import handling
from contact_centre.queue import service as queue
from contact_centre.runtime import runtime
from contact_centre.services.citizens import (
    CitizenDetails,
    create_citizen,
    get_citizen,
    search_citizens,
)
from contact_centre.services.outbound import contacts_of_item
from contact_centre.services.service_requests import (
    RequestDraft,
    attach_item_to_request,
    create_request_from_item,
    open_requests_of,
    request_by_reference,
)
from contact_centre.services.shapes import citizen_summary, iso, item_to_dict
from contact_centre.web.errors import json_error
from contact_centre.web.json_input import json_object, optional_id, text, texts
from contact_centre.web.shapes import attachment_json

bp = Blueprint("panel", __name__)


@bp.get("/items/<int:item_id>")
def item_detail(item_id: int) -> ResponseReturnValue:
    session = runtime().session()
    item = queue.get_item(session, item_id)
    contact = item.contact
    data = item_to_dict(item)
    data["contact"] = {
        "id": contact.id,
        "channel": contact.channel.value,
        "direction": contact.direction.value,
        "subject": contact.subject,
        "body": contact.body,
        "hints": contact.hints,
        "payload": contact.payload,
        "received_at": iso(contact.received_at),
        "attachments": [attachment_json(a) for a in contact.attachments],
    }
    # What the city sent or placed while handling this item (a callback, a reply), oldest first.
    data["outbound"] = [
        {
            "id": c.id,
            "channel": c.channel.value,
            "subject": c.subject,
            "payload": c.payload,
            "at": iso(c.received_at),
            "by": c.created_by.display_name if c.created_by else None,
        }
        for c in contacts_of_item(session, item.id)
    ]
    data["notes"] = [
        {"id": n.id, "text": n.text, "created_at": iso(n.created_at), "author": n.author.display_name}
        for n in handling.notes_of(session, item.id)
    ]
    data["citizen_detail"] = _citizen_json(session, item.citizen) if item.citizen else None
    data["request_detail"] = _request_json(item.request.reference) if item.request else None
    return jsonify(data)


def _citizen_json(session: Session, citizen: Citizen) -> dict[str, Any]:
    return citizen_summary(citizen) | {
        "open_requests": [
            {
                "reference": r.reference,
                "subject": r.subject,
                "process": r.process.title,
                "status_label": REQUEST_STATUS_LABELS[r.status],
                "due_on": r.due_on.isoformat(),
            }
            for r in open_requests_of(session, citizen.id)
        ]
    }


def _request_json(reference: str) -> dict[str, Any]:
    session = runtime().session()
    req = request_by_reference(session, reference)
    return {
        "id": req.id,
        "reference": req.reference,
        "subject": req.subject,
        "status": req.status.value,
        "status_label": REQUEST_STATUS_LABELS[req.status],
        "process": {"code": req.process.code, "title": req.process.title},
        "service": req.service.name,
        "entity": req.service.entity.value,
        "referent": req.referent.display_name if req.referent else None,
        "due_on": req.due_on.isoformat(),
        "location_address": req.location_address,
        "citizen": req.citizen.display_name if req.citizen else None,
        "timeline": [
            {
                "at": iso(e.at),
                "action": e.action,
                "actor": e.actor.display_name if e.actor else None,
                "after": e.after,
            }
            for e in timeline(session, req.id)
        ],
    }


@bp.get("/requests/<reference>")
def request_detail(reference: str) -> ResponseReturnValue:
    return jsonify(_request_json(reference))


@bp.get("/processes")
def processes() -> ResponseReturnValue:
    found = search_processes(runtime().session(), request.args.get("q", ""))
    return jsonify(
        [
            {
                "code": p.code,
                "title": p.title,
                "service": p.service.name,
                "entity": p.service.entity.value,
                "commitment_days": p.commitment_days,
                "patroller_visit": p.patroller_visit,
            }
            for p in found
        ]
    )


@bp.get("/citizens")
def citizens() -> ResponseReturnValue:
    found = search_citizens(runtime().session(), request.args.get("q", ""))
    return jsonify([citizen_summary(c) for c in found])


@bp.post("/citizens")
def new_citizen() -> ResponseReturnValue:
    data = json_object()
    details = CitizenDetails(
        first_name=text(data, "first_name"),
        last_name=text(data, "last_name"),
        phones=texts(data, "phones"),
        emails=texts(data, "emails"),
        address_line=text(data, "address_line"),
        postcode=text(data, "postcode"),
        city=text(data, "city"),
    )
    item_id = optional_id(data, "item_id")
    with runtime().uow() as uow:
        citizen = create_citizen(uow, details, current_user.id)
        uow.session.refresh(citizen, ["phones", "emails"])
        body = citizen_summary(citizen)
        if item_id is not None:
            handling.link_citizen(uow, item_id, citizen.id, current_user.id)
        uow.commit()
    return jsonify(body), 201


@bp.post("/items/<int:item_id>/citizen")
def link_citizen(item_id: int) -> ResponseReturnValue:
    citizen_id = optional_id(json_object(), "citizen_id")
    if citizen_id is None:
        raise InvalidInput(N_("citizen_id attendu."))
    with runtime().uow() as uow:
        handling.link_citizen(uow, item_id, citizen_id, current_user.id)
        uow.commit()
    citizen = runtime().session().get(Citizen, citizen_id)
    assert citizen is not None
    return jsonify({"ok": True, "citizen": _citizen_json(runtime().session(), citizen)})


def _float(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidInput(N_("Coordonnées invalides.")) from None


@bp.post("/items/<int:item_id>/request")
def create_request(item_id: int) -> ResponseReturnValue:
    data = json_object()
    draft = RequestDraft(
        process_code=str(data.get("process_code", "")),
        subject=str(data.get("subject", "")),
        description=str(data.get("description", "")),
        location_address=str(data.get("location_address", "")),
        latitude=_float(data.get("latitude")),
        longitude=_float(data.get("longitude")),
    )
    rt = runtime()
    with rt.uow() as uow:
        req = create_request_from_item(uow, item_id, draft, current_user.id, rt.calendar(uow.session))
        reference = req.reference
        uow.commit()
    return jsonify(_request_json(reference)), 201


@bp.post("/items/<int:item_id>/attach")
def attach(item_id: int) -> ResponseReturnValue:
    reference = str(json_object().get("reference", ""))
    with runtime().uow() as uow:
        req = attach_item_to_request(uow, item_id, reference, current_user.id)
        ref = req.reference
        uow.commit()
    return jsonify(_request_json(ref))


@bp.post("/items/<int:item_id>/notes")
def add_note(item_id: int) -> ResponseReturnValue:
    with runtime().uow() as uow:
        note = handling.add_note(uow, item_id, str(json_object().get("text", "")), current_user.id)
        body = {"id": note.id, "text": note.text, "created_at": iso(note.created_at)}
        uow.commit()
    return jsonify(body), 201


@bp.post("/items/<int:item_id>/complete")
def complete(item_id: int) -> ResponseReturnValue:
    with runtime().uow() as uow:
        queue.complete(uow, item_id, current_user.id)
        uow.commit()
    return jsonify({"ok": True, "message": _("Élément traité.")})


@bp.post("/items/<int:item_id>/transfer")
def transfer(item_id: int) -> ResponseReturnValue:
    to_user = json_object().get("to_user_id")
    if not isinstance(to_user, int):
        raise InvalidInput(N_("to_user_id attendu."))
    with runtime().uow() as uow:
        queue.transfer(uow, item_id, current_user.id, to_user)
        uow.commit()
    return jsonify({"ok": True})


@bp.get("/citizens/<int:citizen_id>")
def citizen_detail(citizen_id: int) -> ResponseReturnValue:
    session = runtime().session()
    citizen = get_citizen(session, citizen_id)
    if citizen is None:
        return json_error(_("Citoyen introuvable."), 404, "not_found")
    return jsonify(_citizen_json(session, citizen))


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int) -> ResponseReturnValue:
    rt = runtime()
    found = rt.session().get(Attachment, attachment_id)
    if found is None:
        return json_error(_("Pièce jointe introuvable."), 404, "not_found")
    # Always a download, never rendered inline: the bytes come from outside the city.
    return send_file(
        rt.storage.path(found.storage_key),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )
