"""The JSON shapes of the console contract without URLs: a queue item (Socket.IO events and the API)
and a citizen card. Shapes that carry download URLs are in `web.shapes`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel, channel_label
from contact_centre.domain.enums import QueueStatus
from contact_centre.domain.people import Citizen
from contact_centre.domain.queue import QueueItem


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


class ItemFields(NamedTuple):
    """What an item's event carries, from an ORM item or straight from a snapshot row."""

    id: int
    channel: Channel
    status: QueueStatus
    priority: int
    summary: str
    contact_id: int
    received_at: datetime
    sla_due_at: datetime
    claimed_at: datetime | None
    lease_expires_at: datetime | None
    version: int
    claimed_by_id: int | None
    claimed_by_name: str | None
    citizen_id: int | None
    citizen_name: str | None
    request_id: int | None
    request_reference: str | None


def fields_of(item: QueueItem) -> ItemFields:
    return ItemFields(
        id=item.id,
        channel=item.channel,
        status=item.status,
        priority=item.priority,
        summary=item.summary,
        contact_id=item.contact_id,
        received_at=item.received_at,
        sla_due_at=item.sla_due_at,
        claimed_at=item.claimed_at,
        lease_expires_at=item.lease_expires_at,
        version=item.version,
        claimed_by_id=item.claimed_by_id,
        claimed_by_name=item.claimed_by.display_name if item.claimed_by else None,
        citizen_id=item.citizen_id,
        citizen_name=item.citizen.display_name if item.citizen else None,
        request_id=item.request_id,
        request_reference=item.request.reference if item.request else None,
    )


def fields_to_dict(f: ItemFields, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return {
        "id": f.id,
        "channel": f.channel.value,
        "channel_label": channel_label(f.channel),
        "received_at": iso(f.received_at),
        "waiting_seconds": max(0, int((now - f.received_at).total_seconds())),
        "sla_due_at": iso(f.sla_due_at),
        "priority": f.priority,
        "status": f.status.value,
        "claimed_by": {"id": f.claimed_by_id, "name": f.claimed_by_name} if f.claimed_by_id else None,
        "claimed_at": iso(f.claimed_at),
        "lease_expires_at": iso(f.lease_expires_at),
        "citizen": {"id": f.citizen_id, "name": f.citizen_name} if f.citizen_id else None,
        "summary": f.summary,
        "contact_id": f.contact_id,
        "request": {"id": f.request_id, "reference": f.request_reference} if f.request_id else None,
        "version": f.version,
    }


def item_to_dict(item: QueueItem, now: datetime | None = None) -> dict[str, Any]:
    return fields_to_dict(fields_of(item), now)


def citizen_summary(citizen: Citizen) -> dict[str, object]:
    return {
        "id": citizen.id,
        "name": citizen.display_name,
        "phones": [p.e164 for p in citizen.phones],
        "emails": [e.address for e in citizen.emails],
        "address": ", ".join(
            part for part in (citizen.address_line, f"{citizen.postcode} {citizen.city}".strip()) if part
        ),
    }
