"""The live queue's operations. Every change is a conditional UPDATE, so two ambassadors
acting on the same item at the same instant cannot both win, on SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, aliased, joinedload

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import CONSOLE_ROLES, QueueStatus
from contact_centre.domain.errors import N_, Conflict, InvalidInput, NotFound
from contact_centre.domain.people import Citizen, StaffUser, citizen_display_name, staff_display_name
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.services.shapes import ItemFields, fields_to_dict, item_to_dict

OPEN = (QueueStatus.WAITING, QueueStatus.CLAIMED)

# What an item's event needs of its relations, and no more: the snapshot builds hundreds at once.
ITEM_OPTIONS = (
    joinedload(QueueItem.citizen).load_only(Citizen.id, Citizen.first_name, Citizen.last_name),
    joinedload(QueueItem.claimed_by).load_only(StaffUser.id, StaffUser.full_name, StaffUser.username),
    joinedload(QueueItem.request).load_only(ServiceRequest.id, ServiceRequest.reference),
)


def _load(session: Session, item_id: int) -> QueueItem:
    item = session.get(
        QueueItem,
        item_id,
        populate_existing=True,
        options=ITEM_OPTIONS,
    )
    if item is None:
        raise NotFound(N_("Élément de file introuvable (n° {item_id})."), item_id=item_id)
    return item


def get_item(session: Session, item_id: int) -> QueueItem:
    return _load(session, item_id)


def claimed_item(session: Session, item_id: int, user_id: int) -> QueueItem:
    """The item, if `user_id` holds it now: panel actions act only on the ambassador's own items."""
    item = _load(session, item_id)
    if item.status is not QueueStatus.CLAIMED or item.claimed_by_id != user_id:
        raise Conflict(N_("Prenez d'abord cet élément en charge."))
    return item


def _state(item: QueueItem) -> dict[str, Any]:
    return {"status": item.status.value, "claimed_by": item.claimed_by_id}


def _changed(uow: UnitOfWork, item: QueueItem) -> None:
    uow.session.flush()
    _announce(uow, item)


def _announce(uow: UnitOfWork, item: QueueItem) -> None:
    if item.status is QueueStatus.DONE:
        uow.publish("queue:removed", {"id": item.id})
    else:
        uow.publish("queue:updated", item_to_dict(item))


def new_item(
    contact: Contact,
    request: ServiceRequest | None,
    *,
    priority: int,
    sla_due_at: datetime,
    summary: str,
) -> QueueItem:
    """The waiting item of a contact not yet written: the caller adds both and flushes once, then
    calls `announce_added`."""
    if not 1 <= priority <= 4:
        raise InvalidInput(N_("Priorité invalide : {priority} (attendu de 1 à 4)."), priority=priority)
    return QueueItem(
        channel=contact.channel,
        status=QueueStatus.WAITING,
        priority=priority,
        summary=summary[:255],
        contact=contact,
        citizen=contact.citizen,
        request=request,
        received_at=contact.received_at,
        sla_due_at=sla_due_at,
    )


def announce_added(uow: UnitOfWork, item: QueueItem) -> None:
    """A new item, once written: its audit event, and `queue:added` when the transaction commits."""
    record_event(
        uow.session,
        actor_id=None,
        action="queue.added",
        entity_type="queue_item",
        entity_id=item.id,
        request_id=item.request_id,
        after=_state(item) | {"channel": item.channel.value, "priority": item.priority},
    )
    uow.publish("queue:added", item_to_dict(item))


def thread_contact(
    uow: UnitOfWork, item_id: int, contact: Contact, *, sla_due_at: datetime, summary: str
) -> QueueItem:
    """A new contact about the item's matter: an open item is updated where it stands (its claim
    and its place in the queue kept); a finished one goes back to the queue as of this contact."""
    for _attempt in range(3):
        before = _load(uow.session, item_id)
        before_state = _state(before)
        if before.status is QueueStatus.DONE:
            action, event = "queue.reopened", "queue:added"
            won = _conditional_update(
                uow.session,
                item_id,
                [QueueItem.status == QueueStatus.DONE],
                {
                    "status": QueueStatus.WAITING,
                    "claimed_by_id": None,
                    "claimed_at": None,
                    "lease_expires_at": None,
                    "done_at": None,
                    "received_at": contact.received_at,
                    "sla_due_at": sla_due_at,
                    "summary": summary[:255],
                },
            )
        else:
            action, event = "queue.contact_added", "queue:updated"
            won = _conditional_update(
                uow.session, item_id, [QueueItem.status.in_(OPEN)], {"summary": summary[:255]}
            )
        # Lost only to a concurrent claim, release or completion: look again and apply to what is there.
        if won:
            break
    else:
        raise Conflict(N_("Cet élément change trop vite, réessayez."))
    item = _load(uow.session, item_id)
    record_event(
        uow.session,
        actor_id=None,
        action=action,
        entity_type="queue_item",
        entity_id=item.id,
        request_id=item.request_id,
        before=before_state,
        after=_state(item) | {"contact_id": contact.id, "channel": contact.channel.value},
    )
    uow.publish(event, item_to_dict(item))
    return item


def _conditional_update(session: Session, item_id: int, where: list[Any], values: dict[str, Any]) -> bool:
    result = session.execute(
        update(QueueItem)
        .where(QueueItem.id == item_id, *where)
        .values(version=QueueItem.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def _refusal(item: QueueItem, user_id: int, claiming: bool = False) -> Conflict:
    if item.status is QueueStatus.DONE:
        return Conflict(N_("Cet élément a déjà été traité."))
    if item.status is QueueStatus.CLAIMED and item.claimed_by_id != user_id:
        name = item.claimed_by.display_name if item.claimed_by else "un autre agent"
        if claiming:
            return Conflict(N_("Cet élément vient d'être pris par {name}."), name=name)
        return Conflict(N_("Cet élément est pris en charge par {name}, pas par vous."), name=name)
    return Conflict(N_("Prenez d'abord cet élément en charge."))


def claim(uow: UnitOfWork, item_id: int, user_id: int) -> QueueItem:
    """Exactly one claimant wins; a second click by the winner is harmless."""
    now = utcnow()
    won = _conditional_update(
        uow.session,
        item_id,
        [QueueItem.status == QueueStatus.WAITING],
        {
            "status": QueueStatus.CLAIMED,
            "claimed_by_id": user_id,
            "claimed_at": now,
            "lease_expires_at": None,
        },
    )
    item = _load(uow.session, item_id)
    if not won:
        if item.status is QueueStatus.CLAIMED and item.claimed_by_id == user_id:
            return item
        raise _refusal(item, user_id, claiming=True)
    record_event(
        uow.session,
        actor_id=user_id,
        action="queue.claimed",
        entity_type="queue_item",
        entity_id=item.id,
        request_id=item.request_id,
        before={"status": QueueStatus.WAITING.value, "claimed_by": None},
        after=_state(item),
    )
    _changed(uow, item)
    return item


def _owned_transition(
    uow: UnitOfWork, item_id: int, user_id: int, action: str, values: dict[str, Any]
) -> QueueItem:
    before = _load(uow.session, item_id)
    before_state = _state(before)
    ok = _conditional_update(
        uow.session,
        item_id,
        [QueueItem.status == QueueStatus.CLAIMED, QueueItem.claimed_by_id == user_id],
        values,
    )
    item = _load(uow.session, item_id)
    if not ok:
        raise _refusal(item, user_id)
    record_event(
        uow.session,
        actor_id=user_id,
        action=action,
        entity_type="queue_item",
        entity_id=item.id,
        request_id=item.request_id,
        before=before_state,
        after=_state(item),
    )
    _changed(uow, item)
    return item


def release(uow: UnitOfWork, item_id: int, user_id: int) -> QueueItem:
    return _owned_transition(
        uow,
        item_id,
        user_id,
        "queue.released",
        {"status": QueueStatus.WAITING, "claimed_by_id": None, "claimed_at": None, "lease_expires_at": None},
    )


def complete(uow: UnitOfWork, item_id: int, user_id: int) -> QueueItem:
    return _owned_transition(
        uow, item_id, user_id, "queue.completed", {"status": QueueStatus.DONE, "done_at": utcnow()}
    )


def transfer(uow: UnitOfWork, item_id: int, user_id: int, to_user_id: int) -> QueueItem:
    target = uow.session.get(StaffUser, to_user_id)
    if target is None or not target.active or target.role not in CONSOLE_ROLES:
        raise InvalidInput(N_("Destinataire du transfert introuvable ou inactif."))
    if to_user_id == user_id:
        raise InvalidInput(N_("Vous avez déjà cet élément."))
    return _owned_transition(
        uow,
        item_id,
        user_id,
        "queue.transferred",
        {"claimed_by_id": to_user_id, "claimed_at": utcnow(), "lease_expires_at": None},
    )


def snapshot(session: Session, channel: Channel | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The open queue, in order, as event dicts. Read as plain rows: every console asks for it on
    connect, and building hundreds of ORM objects costs more than the query."""
    claimer = aliased(StaffUser)
    stmt = (
        select(
            *(getattr(QueueItem, name) for name in _ITEM_COLUMNS),
            claimer.full_name,
            claimer.username,
            Citizen.first_name,
            Citizen.last_name,
            ServiceRequest.reference,
        )
        .outerjoin(claimer, claimer.id == QueueItem.claimed_by_id)
        .outerjoin(Citizen, Citizen.id == QueueItem.citizen_id)
        .outerjoin(ServiceRequest, ServiceRequest.id == QueueItem.request_id)
        .where(QueueItem.status.in_(OPEN))
        .order_by(QueueItem.priority, QueueItem.received_at, QueueItem.id)
        .limit(limit)
    )
    if channel is not None:
        stmt = stmt.where(QueueItem.channel == channel)
    now = utcnow()
    items = []
    for row in session.execute(stmt):
        base = dict(zip(_ITEM_COLUMNS, row[: len(_ITEM_COLUMNS)], strict=True))
        full_name, username, first, last, reference = row[len(_ITEM_COLUMNS) :]
        fields = ItemFields(
            **base,
            claimed_by_name=staff_display_name(full_name, username) if base["claimed_by_id"] else None,
            citizen_name=citizen_display_name(first, last) if base["citizen_id"] else None,
            request_reference=reference,
        )
        items.append(fields_to_dict(fields, now))
    return items


_ITEM_COLUMNS = tuple(
    name
    for name in ItemFields._fields
    if name not in ("claimed_by_name", "citizen_name", "request_reference")
)


def _set_leases(uow: UnitOfWork, user_id: int, expires: datetime | None) -> list[int]:
    """Sets the lease on the user's claimed items that do not have the wanted state yet."""
    has_lease = QueueItem.lease_expires_at.is_not(None)
    ids = list(
        uow.session.scalars(
            select(QueueItem.id).where(
                QueueItem.status == QueueStatus.CLAIMED,
                QueueItem.claimed_by_id == user_id,
                has_lease if expires is None else ~has_lease,
            )
        )
    )
    for item_id in ids:
        if _conditional_update(
            uow.session,
            item_id,
            [QueueItem.status == QueueStatus.CLAIMED, QueueItem.claimed_by_id == user_id],
            {"lease_expires_at": expires},
        ):
            _changed(uow, _load(uow.session, item_id))
    return ids


def start_leases(uow: UnitOfWork, user_id: int, lease: timedelta) -> list[int]:
    """The ambassador left: their claimed items wait for them until the lease runs out."""
    return _set_leases(uow, user_id, utcnow() + lease)


def clear_leases(uow: UnitOfWork, user_id: int) -> None:
    """The ambassador is back before the lease ran out: they keep their items."""
    _set_leases(uow, user_id, None)


def expire_leases(uow: UnitOfWork, now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    due = list(
        uow.session.scalars(
            select(QueueItem.id).where(
                QueueItem.status == QueueStatus.CLAIMED, QueueItem.lease_expires_at <= now
            )
        )
    )
    returned = []
    for item_id in due:
        before = _load(uow.session, item_id)
        before_state = _state(before)
        if _conditional_update(
            uow.session,
            item_id,
            [QueueItem.status == QueueStatus.CLAIMED, QueueItem.lease_expires_at <= now],
            {
                "status": QueueStatus.WAITING,
                "claimed_by_id": None,
                "claimed_at": None,
                "lease_expires_at": None,
            },
        ):
            item = _load(uow.session, item_id)
            record_event(
                uow.session,
                actor_id=None,
                action="queue.lease_expired",
                entity_type="queue_item",
                entity_id=item_id,
                request_id=item.request_id,
                before=before_state,
                after=_state(item),
            )
            _changed(uow, item)
            returned.append(item_id)
    return returned


def publish_update(uow: UnitOfWork, item: QueueItem) -> None:
    """For changes made to an item's links (citizen, request) rather than its state."""
    uow.session.flush()
    _changed(uow, _load(uow.session, item.id))
