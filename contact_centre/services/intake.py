"""The one way in: every channel turns what arrives into an InboundContact and calls
record_inbound_contact, which records it and puts an item in the live queue."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import Channel
from contact_centre.domain.closures import closure_days
from contact_centre.domain.contacts import Attachment, Contact
from contact_centre.domain.enums import Direction
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.file_names import visible
from contact_centre.domain.people import Citizen
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.references import parse_reference
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.domain.sla import default_priority, sla_due_at
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.infrastructure.storage import FileStorage
from contact_centre.queue import service as queue
from contact_centre.services.citizens import (
    checked_email,
    checked_phone,
    find_by_email,
    find_by_phone,
)


@dataclass(frozen=True)
class CitizenHints:
    """What the citizen told us about themselves, as given."""

    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class IncomingAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundContact:
    channel: Channel
    citizen: CitizenHints = CitizenHints()
    subject: str = ""
    body: str = ""
    attachments: tuple[IncomingAttachment, ...] = ()
    payload: Mapping[str, Any] = field(default_factory=dict)
    received_at: datetime | None = None
    # The channel's own id (CallSid, Message-ID...): a retry with the same id records nothing new.
    external_id: str | None = None
    priority: int | None = None
    # An explicit reference; otherwise one found in the subject attaches the contact.
    request_reference: str | None = None
    created_by_id: int | None = None
    # The queue item's title when the channel knows better than « who — what » (a patrol report
    # has no citizen: its tag and place say more).
    summary: str = ""
    # External ids of earlier contacts on the same channel that this one answers, nearest first
    # (an e-mail's In-Reply-To then References): the contact joins their request or item.
    in_reply_to: tuple[str, ...] = ()
    # The contact exactly as received (a whole e-mail), kept for the record whatever its size:
    # what could not be taken apart is never lost.
    original: IncomingAttachment | None = None


@dataclass(frozen=True)
class RecordedContact:
    contact_id: int
    queue_item_id: int
    created: bool
    # True when the contact joined its request's existing item instead of opening a new one.
    threaded: bool = False
    # The rows just written, as they stand in the caller's transaction, when `created`: follow-up
    # work in the same unit of work (an e-mail's acknowledgement) uses them instead of reloading.
    contact: Contact | None = field(default=None, compare=False, repr=False)
    item: QueueItem | None = field(default=None, compare=False, repr=False)


# A caller on the line or a visitor at the desk needs an item of their own to be answered; written
# contacts about an open matter join its item instead, so one ambassador sees the whole exchange.
LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.COUNTER})


def stored_attachment(storage: FileStorage, incoming: IncomingAttachment) -> Attachment:
    """Saves the bytes outside the database under a generated name; the row keeps what was said of them."""
    stored = storage.save(incoming.data)
    return Attachment(
        # As the sender named it (the bytes are stored under a generated key), less what cannot be seen.
        filename=visible(incoming.filename)[:255] or "piece-jointe",
        content_type=incoming.content_type[:127] or "application/octet-stream",
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
    )


def _match_citizen(uow: UnitOfWork, phone: str, email: str) -> Citizen | None:
    """Links the contact only on an unambiguous match; otherwise the ambassador decides."""
    for candidates in (
        find_by_phone(uow.session, phone) if phone else [],
        find_by_email(uow.session, email) if email else [],
    ):
        if len(candidates) == 1:
            return candidates[0]
    return None


def _existing(uow: UnitOfWork, channel: Channel, external_id: str) -> RecordedContact | None:
    row = uow.session.execute(
        select(Contact.id, Contact.queue_item_id, QueueItem.id)
        .outerjoin(QueueItem, QueueItem.contact_id == Contact.id)
        .where(Contact.channel == channel, Contact.external_id == external_id)
    ).first()
    if row is None:
        return None
    # A contact that joined an existing item carries that item's id; one that opened an item is its contact.
    item_id = row[2] if row[2] is not None else row[1]
    return RecordedContact(row[0], item_id, created=False) if item_id is not None else None


def _replied_to(uow: UnitOfWork, inbound: InboundContact) -> tuple[ServiceRequest | None, QueueItem | None]:
    """The request and item of the nearest earlier contact this one answers, if the city knows it."""
    ids = [i for i in inbound.in_reply_to if i][:50]
    if not ids:
        return None, None
    found = {
        c.external_id: c
        for c in uow.session.scalars(
            select(Contact).where(Contact.channel == inbound.channel, Contact.external_id.in_(ids))
        )
    }
    for external_id in ids:
        earlier = found.get(external_id)
        if earlier is None:
            continue
        item = (
            uow.session.get(QueueItem, earlier.queue_item_id)
            if earlier.queue_item_id
            else uow.session.scalar(select(QueueItem).where(QueueItem.contact_id == earlier.id))
        )
        # The request may have been opened on the item after the earlier contact was recorded.
        request = earlier.request or (item.request if item is not None else None)
        return request, item
    return None, None


def _item_to_thread(
    uow: UnitOfWork, request: ServiceRequest | None, item: QueueItem | None
) -> QueueItem | None:
    """The request's open item, else its latest one (re-opened), else the replied-to contact's item."""
    if request is not None:
        latest = uow.session.scalar(
            select(QueueItem)
            .where(QueueItem.request_id == request.id)
            .order_by(QueueItem.status.in_(queue.OPEN).desc(), QueueItem.id.desc())
            .limit(1)
        )
        if latest is not None:
            return latest
    return item


def _summary(inbound: InboundContact, citizen: Citizen | None) -> str:
    if inbound.summary:
        return inbound.summary[:255]
    who = (
        citizen.display_name
        if citizen
        else (inbound.citizen.name or inbound.citizen.phone or inbound.citizen.email or "Inconnu")
    )
    what = inbound.subject or inbound.body.strip().split("\n", 1)[0]
    return f"{who} — {what}"[:255] if what else who[:255]


def record_inbound_contact(
    uow: UnitOfWork,
    inbound: InboundContact,
    *,
    calendar: BusinessCalendar,
    storage: FileStorage,
    max_attachment_bytes: int,
) -> RecordedContact:
    """Records the contact and its queue item in one transaction, then publishes `queue:added`.

    Every refusal (a DomainError) comes before the first write: a caller may try again in the
    same transaction (the e-mail channel records a refused message bare)."""
    if inbound.external_id:
        found = _existing(uow, inbound.channel, inbound.external_id)
        if found:
            return found
    phone = checked_phone(inbound.citizen.phone) if inbound.citizen.phone.strip() else ""
    email = checked_email(inbound.citizen.email) if inbound.citizen.email.strip() else ""
    for attachment in inbound.attachments:
        if len(attachment.data) > max_attachment_bytes:
            raise InvalidInput(
                N_("La pièce jointe « {name} » dépasse la taille maximale ({limit} Mo)."),
                name=attachment.filename,
                limit=max_attachment_bytes // (1024 * 1024),
            )
    received_at = inbound.received_at or utcnow()
    citizen = _match_citizen(uow, phone, email)
    reference = inbound.request_reference or parse_reference(inbound.subject)
    request = (
        uow.session.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))
        if reference
        else None
    )
    if inbound.request_reference and request is None:
        raise InvalidInput(N_("Référence de demande inconnue : {reference}."), reference=reference)
    replied_item = None
    if request is None:
        request, replied_item = _replied_to(uow, inbound)
    if request is not None and citizen is None and request.citizen_id is not None:
        citizen = request.citizen
    if replied_item is not None and citizen is None and replied_item.citizen_id is not None:
        citizen = replied_item.citizen

    contact = Contact(
        channel=inbound.channel,
        direction=Direction.INBOUND,
        external_id=inbound.external_id,
        # The objects, not their ids: the queue item's event is built from them without a reload.
        citizen=citizen,
        subject=inbound.subject[:255],
        body=inbound.body,
        hints={"name": inbound.citizen.name, "phone": phone, "email": email},
        payload=dict(inbound.payload),
        received_at=received_at,
        created_by_id=inbound.created_by_id,
    )
    for attachment in ((inbound.original,) if inbound.original else ()) + inbound.attachments:
        contact.attachments.append(stored_attachment(storage, attachment))
    due = sla_due_at(inbound.channel, received_at, calendar)
    summary = _summary(inbound, citizen)
    existing = None if inbound.channel in LIVE_CHANNELS else _item_to_thread(uow, request, replied_item)
    item: QueueItem | None = None
    if existing is not None:
        contact.queue_item_id = existing.id
    else:
        priority = inbound.priority if inbound.priority is not None else default_priority(inbound.channel)
        item = queue.new_item(contact, request, priority=priority, sla_due_at=due, summary=summary)
    # The contact and its new item in one flush. Under a savepoint when the contact has an external
    # id, so that a concurrent retry of it loses cleanly, not the caller's transaction.
    try:
        with uow.savepoint() if inbound.external_id else nullcontext():
            uow.session.add(contact)
            # Linked once in the session: the request's contacts never hold an unsaved contact.
            contact.request = request
            if item is not None:
                uow.session.add(item)
            uow.session.flush()
    except IntegrityError:
        # Without a savepoint the transaction is lost: its owner redoes it (and finds the contact).
        found = (
            _existing(uow, inbound.channel, inbound.external_id)
            if inbound.external_id and uow.savepoints
            else None
        )
        if found:
            return found
        raise
    record_event(
        uow.session,
        actor_id=inbound.created_by_id,
        action="contact.received",
        entity_type="contact",
        entity_id=contact.id,
        request_id=contact.request_id,
        after={"channel": inbound.channel.value, "citizen_id": contact.citizen_id},
    )
    if existing is not None:
        item = queue.thread_contact(uow, existing.id, contact, sla_due_at=due, summary=summary)
        return RecordedContact(contact.id, item.id, created=True, threaded=True, contact=contact, item=item)
    assert item is not None
    queue.announce_added(uow, item)
    return RecordedContact(contact.id, item.id, created=True, contact=contact, item=item)


@dataclass(frozen=True)
class Intake:
    """The one way in, set up for this installation: its business calendar, file storage and size limit."""

    storage: FileStorage
    max_attachment_bytes: int
    base_calendar: BusinessCalendar

    def calendar(self, session: Session) -> BusinessCalendar:
        """The calendar with the closure days an admin added, read in the caller's session (a second
        session would wait on SQLite's lock held by the first)."""
        return self.base_calendar.with_closures(c.day for c in closure_days(session))

    def record(
        self, uow: UnitOfWork, inbound: InboundContact, calendar: BusinessCalendar | None = None
    ) -> RecordedContact:
        return record_inbound_contact(
            uow,
            inbound,
            calendar=calendar or self.calendar(uow.session),
            storage=self.storage,
            max_attachment_bytes=self.max_attachment_bytes,
        )
