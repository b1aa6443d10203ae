"""Job functions. They take ids and look everything else up in the current app."""

from __future__ import annotations

from datetime import timedelta

from contact_centre.queue import presence
from contact_centre.queue import service as queue
from contact_centre.runtime import runtime


def sweep_queue() -> dict[str, int]:
    """Forget consoles of dead processes, then return items whose lease has run out."""
    rt = runtime()
    lease = timedelta(seconds=rt.settings.queue.claim_lease_seconds)
    stale_after = timedelta(seconds=max(3 * rt.settings.queue.sweep_interval_seconds, 30))
    with rt.new_uow() as uow:
        dropped = presence.drop_stale(uow, stale_after, lease)
        returned = queue.expire_leases(uow)
        uow.commit()
    return {"dropped_connections": len(dropped), "returned_items": len(returned)}
