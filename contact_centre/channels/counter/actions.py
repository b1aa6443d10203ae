"""The counter in the console: call the next ticket to my desk, recall it, mark a no-show."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contact_centre.channels.counter.config import CounterSettings
from contact_centre.domain.counter import CounterTicket
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue
from contact_centre.runtime import runtime
from contact_centre.services import counter as service
from contact_centre.services.counter_reasons import load_reasons, reason_by_code
from contact_centre.services.shapes import item_to_dict

bp = Blueprint("counter_actions", __name__, url_prefix="/counter")


@bp.app_context_processor
def _counter_desks() -> dict[str, Any]:
    return {"counter_desks": runtime().settings.section(CounterSettings).counter_desks}


def _desk() -> str:
    body = request.get_json(silent=True)
    return str(body.get("desk", "")) if isinstance(body, dict) else ""


def _reason_label(code: str) -> str:
    reason = reason_by_code(load_reasons(runtime().settings.section(CounterSettings).counter_reasons_file), code)
    return reason.label if reason else code


def _reply(uow: UnitOfWork, ticket: CounterTicket, *, chime: bool) -> ResponseReturnValue:
    data = service.ticket_dict(ticket, _reason_label(ticket.reason))
    item = item_to_dict(ticket.queue_item)
    if chime:
        service.announce_call(uow, ticket)
    uow.commit()
    return jsonify({"ok": True, "ticket": data, "item": item})


@bp.post("/call-next")
def call_next() -> ResponseReturnValue:
    rt = runtime()
    with rt.uow() as uow:
        ticket = service.call_next(uow, current_user.id, _desk(), rt.settings.section(CounterSettings).counter_desks, rt.clock())
        return _reply(uow, ticket, chime=True)


@bp.post("/items/<int:item_id>/call")
def call(item_id: int) -> ResponseReturnValue:
    rt = runtime()
    with rt.uow() as uow:
        if service.find_ticket(uow.session, item_id) is None:
            # A counter visit recorded without a kiosk ticket (through the API): an ordinary claim.
            item = queue.claim(uow, item_id, current_user.id)
            uow.commit()
            return jsonify({"ok": True, "ticket": None, "item": item_to_dict(item)})
        ticket = service.call_ticket(
            uow, item_id, current_user.id, _desk(), rt.settings.section(CounterSettings).counter_desks, rt.clock()
        )
        return _reply(uow, ticket, chime=True)


@bp.post("/items/<int:item_id>/recall")
def recall(item_id: int) -> ResponseReturnValue:
    with runtime().uow() as uow:
        return _reply(uow, service.recall(uow, item_id, current_user.id), chime=True)


@bp.post("/items/<int:item_id>/no-show")
def no_show(item_id: int) -> ResponseReturnValue:
    with runtime().uow() as uow:
        return _reply(uow, service.no_show(uow, item_id, current_user.id), chime=False)


@bp.get("/items/<int:item_id>/ticket")
def ticket(item_id: int) -> ResponseReturnValue:
    session = runtime().session()
    found = service.ticket_of_item(session, item_id)
    return jsonify(service.ticket_dict(found, _reason_label(found.reason)))
