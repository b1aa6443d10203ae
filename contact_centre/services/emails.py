"""The e-mail channel's use cases besides the intake: the mailbox's position, messages the city sends
(queued as outbound contacts, counted for loop protection), an item's thread."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from contact_centre.domain.audit import record_event
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.emails import MailboxState, OutboundMail
from contact_centre.domain.enums import Direction
from contact_centre.domain.errors import N_, InvalidInput, NotFound
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.infrastructure.storage import FileStorage
from contact_centre.queue import service as queue
from contact_centre.services.intake import IncomingAttachment, stored_attachment
from contact_centre.services.outbound import record_outbound_contact


@dataclass(frozen=True)
class MailDraft:
    """A message ready to be queued; its text is final (composed by the e-mail channel)."""

    to: str
    subject: str
    body: str
    message_id: str
    kind: str = "reply"  # reply, acknowledgement, request_created
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    automatic: bool = False
    to_name: str = ""
    attachments: tuple[IncomingAttachment, ...] = ()


def mailbox_state(session: Session, key: str) -> MailboxState:
    state = session.get(MailboxState, key)
    if state is None:
        state = MailboxState(key=key, uidvalidity=None, last_uid=0)
        session.add(state)
    return state


def automatic_mails_since(session: Session, recipient: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboundMail)
            .where(
                OutboundMail.recipient == recipient.lower(),
                OutboundMail.automatic.is_(True),
                OutboundMail.created_at >= since,
            )
        )
        or 0
    )


def queue_mail(
    uow: UnitOfWork,
    item_id: int,
    actor_id: int | None,
    draft: MailDraft,
    *,
    sender: str,
    storage: FileStorage,
    max_attachment_bytes: int,
    item: QueueItem | None = None,
) -> Contact:
    """Records the message as an outbound contact on the item, status « queued »; a job sends it.
    `item`: the item as it stands in this transaction, if the caller has just written it."""
    for attachment in draft.attachments:
        if len(attachment.data) > max_attachment_bytes:
            raise InvalidInput(
                N_("La pièce jointe « {name} » dépasse la taille maximale ({limit} Mo)."),
                name=attachment.filename,
                limit=max_attachment_bytes // (1024 * 1024),
            )
    contact = record_outbound_contact(
        uow,
        item_id,
        actor_id,
        channel=Channel.EMAIL,
        external_id=draft.message_id,
        subject=draft.subject,
        payload={
            "kind": draft.kind,
            "from": sender,
            "to": draft.to,
            "to_name": draft.to_name,
            "message_id": draft.message_id,
            "in_reply_to": draft.in_reply_to,
            "references": list(draft.references),
            "automatic": draft.automatic,
            "status": "queued",
            "attempts": 0,
        },
        body=draft.body,
        hints={"name": draft.to_name, "phone": "", "email": draft.to},
        item=item,
    )
    for attachment in draft.attachments:
        contact.attachments.append(stored_attachment(storage, attachment))
    # Written with the transaction's next flush; the loop-protection count autoflushes before it reads.
    uow.session.add(
        OutboundMail(contact_id=contact.id, recipient=draft.to.lower(), automatic=draft.automatic)
    )
    return contact


def outbound_mail(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id, options=[selectinload(Contact.attachments)])
    if contact is None or contact.channel is not Channel.EMAIL or contact.direction is not Direction.OUTBOUND:
        raise NotFound(N_("Courriel introuvable (n° {contact_id})."), contact_id=contact_id)
    return contact


def update_mail(uow: UnitOfWork, contact_id: int, changes: Mapping[str, Any]) -> Contact:
    """Records a send attempt's outcome; the item's consoles are told so a failure shows at once."""
    contact = outbound_mail(uow.session, contact_id)
    before = {k: contact.payload.get(k) for k in changes}
    contact.payload = {**contact.payload, **changes}
    record_event(
        uow.session,
        actor_id=None,
        action=f"mail.{changes.get('status', 'updated')}",
        entity_type="contact",
        entity_id=contact.id,
        request_id=contact.request_id,
        before=before,
        after=dict(changes),
    )
    if contact.queue_item_id is not None:
        queue.publish_update(uow, queue.get_item(uow.session, contact.queue_item_id))
    return contact


def email_thread(session: Session, item_id: int) -> list[Contact]:
    """Every e-mail of an item, both ways, oldest first: its own, the ones that joined it, the
    request's."""
    item = queue.get_item(session, item_id)
    related = [Contact.queue_item_id == item.id, Contact.id == item.contact_id]
    if item.request_id is not None:
        related.append(Contact.request_id == item.request_id)
    return list(
        session.scalars(
            select(Contact)
            .where(Contact.channel == Channel.EMAIL, or_(*related))
            .options(selectinload(Contact.attachments))
            .order_by(Contact.received_at, Contact.id)
        )
    )


def latest_inbound(contacts: list[Contact]) -> Contact | None:
    return next((c for c in reversed(contacts) if c.direction is Direction.INBOUND), None)


def item_of_contact(session: Session, contact_id: int) -> QueueItem | None:
    return session.scalar(
        select(QueueItem).where(
            or_(
                QueueItem.contact_id == contact_id,
                QueueItem.id
                == select(Contact.queue_item_id).where(Contact.id == contact_id).scalar_subquery(),
            )
        )
    )
