"""What a channel learns about a contact after recording it: a call's status, a voicemail."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from contact_centre.domain.audit import record_event
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import QueueStatus
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue

MISSED_PREFIX = "Appel manqué — "
Changes = Mapping[str, Any]


def queue_item_of(session: Session, channels: Iterable[Channel], external_id: str) -> int | None:
    """The id of the queue item holding the contact a channel knows by `external_id`."""
    return session.scalar(
        select(QueueItem.id)
        .join(Contact, QueueItem.contact_id == Contact.id)
        .where(Contact.channel.in_(list(channels)), Contact.external_id == external_id)
    )


def update_contact(
    uow: UnitOfWork,
    channels: Iterable[Channel],
    external_id: str,
    changes: Changes | Callable[[Contact], Changes],
    *,
    missed: bool = False,
    actor_id: int | None = None,
) -> int | None:
    """Merges `changes` into the contact's payload; returns its id, or None for an unknown id.

    `changes` may be computed from the contact as it stands (a call's talk time needs its queue
    time). Channels retry their callbacks: applying the same changes twice changes nothing and
    writes no second audit event. `missed` marks a still-waiting item as a missed call to call back.
    """
    contact = uow.session.scalar(
        select(Contact).where(Contact.channel.in_(list(channels)), Contact.external_id == external_id)
    )
    if contact is None:
        return None
    if callable(changes):
        changes = changes(contact)
    before = {k: contact.payload.get(k) for k in changes}
    changed = before != dict(changes)
    if changed:
        contact.payload = {**contact.payload, **changes}
        record_event(
            uow.session,
            actor_id=actor_id,
            action="contact.updated",
            entity_type="contact",
            entity_id=contact.id,
            request_id=contact.request_id,
            before=before,
            after=dict(changes),
        )
    # An outbound contact (a callback) belongs to the item it was made for.
    item = (
        uow.session.get(QueueItem, contact.queue_item_id)
        if contact.queue_item_id
        else uow.session.scalar(select(QueueItem).where(QueueItem.contact_id == contact.id))
    )
    if item is None or item.status is QueueStatus.DONE:
        return contact.id
    if missed and item.status is QueueStatus.WAITING and not item.summary.startswith(MISSED_PREFIX):
        item.summary = (MISSED_PREFIX + item.summary)[:255]
        record_event(
            uow.session,
            actor_id=None,
            action="queue.missed_call",
            entity_type="queue_item",
            entity_id=item.id,
            request_id=item.request_id,
            after={"summary": item.summary},
        )
        changed = True
    if changed:
        # The console redraws the open item's panel (a call that ends while the ambassador talks).
        queue.publish_update(uow, item)
    return contact.id
