"""The shape of a queue item in Socket.IO events and JSON: part of the console contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contact_centre.domain.base import utcnow
from contact_centre.domain.enums import CHANNEL_LABELS
from contact_centre.queue.models import QueueItem


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def item_to_dict(item: QueueItem, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    citizen = item.citizen
    return {
        "id": item.id,
        "channel": item.channel.value,
        "channel_label": CHANNEL_LABELS[item.channel],
        "received_at": iso(item.received_at),
        "waiting_seconds": max(0, int((now - item.received_at).total_seconds())),
        "sla_due_at": iso(item.sla_due_at),
        "priority": item.priority,
        "status": item.status.value,
        "claimed_by": (
            {"id": item.claimed_by.id, "name": item.claimed_by.display_name} if item.claimed_by else None
        ),
        "claimed_at": iso(item.claimed_at),
        "lease_expires_at": iso(item.lease_expires_at),
        "citizen": {"id": citizen.id, "name": citizen.display_name} if citizen else None,
        "summary": item.summary,
        "contact_id": item.contact_id,
        "request": ({"id": item.request.id, "reference": item.request.reference} if item.request else None),
        "version": item.version,
    }
