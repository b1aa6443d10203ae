"""Contacts the city starts itself (a callback), recorded on the item they were made for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Direction
from contact_centre.domain.errors import N_, Conflict, InvalidInput, NotFound
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue
from contact_centre.services.citizens import checked_phone


def number_to_call_back(uow: UnitOfWork, item_id: int, actor_id: int, requested: str = "") -> str:
    """The number to call for this item: the one asked for, else the caller's, else the citizen's."""
    item = queue.claimed_item(uow.session, item_id, actor_id)
    if requested.strip():
        return checked_phone(requested)
    contact = uow.session.get(Contact, item.contact_id)
    assert contact is not None
    candidates = [contact.hints.get("phone", "")]
    if item.citizen is not None:
        candidates += [p.e164 for p in item.citizen.phones]
    for number in candidates:
        if number:
            return number
    raise InvalidInput(N_("Aucun numéro connu pour rappeler : saisissez-en un."))


def waiting_call(uow: UnitOfWork, item_id: int, actor_id: int) -> str:
    """The CallSid of the caller waiting behind this claimed item."""
    item = queue.claimed_item(uow.session, item_id, actor_id)
    contact = uow.session.get(Contact, item.contact_id)
    assert contact is not None
    if contact.channel is not Channel.PHONE or not contact.external_id:
        raise InvalidInput(N_("Cet élément n'est pas un appel en attente."))
    if contact.payload.get("status") in ("completed", "busy", "failed", "no-answer", "canceled"):
        raise Conflict(N_("L'appelant a raccroché : proposez-lui un rappel."))
    if contact.payload.get("outcome") == "answered":
        raise Conflict(N_("Cet appel a déjà été pris."))
    return contact.external_id


def voicemail_url(session: Session, item_id: int) -> str:
    item = queue.get_item(session, item_id)
    contact = session.get(Contact, item.contact_id)
    assert contact is not None
    url = (
        contact.payload.get("recording_url")
        if contact.channel in (Channel.PHONE, Channel.VOICEMAIL)
        else None
    )
    if not url:
        raise NotFound(N_("Pas de message vocal pour cet élément."))
    return str(url)


def record_outbound_contact(
    uow: UnitOfWork,
    item_id: int,
    actor_id: int | None,
    *,
    channel: Channel,
    external_id: str,
    subject: str,
    payload: Mapping[str, Any],
    at: datetime | None = None,
    body: str = "",
    hints: Mapping[str, Any] | None = None,
    item: QueueItem | None = None,
) -> Contact:
    """`item`: the item as it stands in this transaction, when the caller has just written and
    announced it (an e-mail's acknowledgement right after the e-mail): neither reloaded nor announced
    again, since an outbound contact changes nothing consoles show of the item."""
    current = item is not None and item.id == item_id
    if item is None or not current:
        item = queue.get_item(uow.session, item_id)
    contact = Contact(
        channel=channel,
        direction=Direction.OUTBOUND,
        external_id=external_id,
        citizen_id=item.citizen_id,
        request_id=item.request_id,
        queue_item_id=item.id,
        subject=subject[:255],
        body=body,
        hints=dict(hints or {}),
        payload=dict(payload),
        received_at=at or utcnow(),
        created_by_id=actor_id,
    )
    uow.session.add(contact)
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=actor_id,
        action="contact.outbound",
        entity_type="contact",
        entity_id=contact.id,
        request_id=item.request_id,
        after={"channel": channel.value, "queue_item_id": item.id, **dict(payload)},
    )
    if not current:
        queue.publish_update(uow, item)
    return contact


def contacts_of_item(session: Session, item_id: int) -> list[Contact]:
    """What the city sent or placed while handling an item (a callback, a reply), oldest first."""
    return list(
        session.scalars(
            select(Contact).where(Contact.queue_item_id == item_id).order_by(Contact.received_at, Contact.id)
        )
    )
