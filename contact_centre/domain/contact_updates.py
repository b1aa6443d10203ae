"""What a channel learns about a contact after recording it: a call's status, a voicemail."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from contact_centre.domain.audit import record_event
from contact_centre.domain.cases import Contact
from contact_centre.domain.enums import Channel, QueueStatus
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue
from contact_centre.queue.models import QueueItem

MISSED_PREFIX = "Appel manqué — "


def update_contact(
    uow: UnitOfWork,
    channels: Iterable[Channel],
    external_id: str,
    changes: Mapping[str, Any],
    *,
    missed: bool = False,
) -> int | None:
    """Merges `changes` into the contact's payload; returns its id, or None for an unknown id.

    Channels retry their callbacks: applying the same changes twice changes nothing and writes
    no second audit event. `missed` marks a still-waiting item as a missed call to call back.
    """
    contact = uow.session.scalar(
        select(Contact).where(Contact.channel.in_(list(channels)), Contact.external_id == external_id)
    )
    if contact is None:
        return None
    before = {k: contact.payload.get(k) for k in changes}
    if before != dict(changes):
        contact.payload = {**contact.payload, **changes}
        record_event(
            uow.session,
            actor_id=None,
            action="contact.updated",
            entity_type="contact",
            entity_id=contact.id,
            request_id=contact.request_id,
            before=before,
            after=dict(changes),
        )
    item = uow.session.scalar(select(QueueItem).where(QueueItem.contact_id == contact.id))
    if (
        missed
        and item is not None
        and item.status is QueueStatus.WAITING
        and not item.summary.startswith(MISSED_PREFIX)
    ):
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
        queue.publish_update(uow, item)
    return contact.id
