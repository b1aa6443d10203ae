"""The live queue's rules on both backends: order, atomic claims, leases, explicit moves."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from contact_centre.domain.audit import AuditEvent
from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.enums import QueueStatus
from contact_centre.domain.errors import Conflict, InvalidInput
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.infrastructure.publishing import RecordingPublisher
from contact_centre.jobs.tasks import sweep_queue
from contact_centre.queue import presence
from contact_centre.queue import service as queue
from contact_centre.services.shapes import item_to_dict
from tests.support.accounts import add_user
from tests.support.factories import inbound


def test_snapshot_orders_by_priority_then_age(app, rt):
    now = utcnow()
    with rt.new_uow() as uow:
        old_low = inbound(rt, uow, Channel.EMAIL, received_at=now - timedelta(hours=2))
        new_urgent = inbound(rt, uow, Channel.PHONE, received_at=now - timedelta(minutes=1))
        old_urgent = inbound(rt, uow, Channel.COUNTER, received_at=now - timedelta(minutes=5))
        items = queue.snapshot(uow.session)
        assert [i["id"] for i in items] == [
            old_urgent.queue_item_id,
            new_urgent.queue_item_id,
            old_low.queue_item_id,
        ]
        assert items[0]["priority"] == 1 and items[2]["priority"] == 3
        assert queue.snapshot(uow.session, Channel.EMAIL) == [items[2]]
        # Written channels fall due at closing time of a business day, live ones within minutes.
        email_due = datetime.fromisoformat(items[2]["sla_due_at"])
        assert email_due.astimezone(rt.base_calendar.zone).hour == 17
        phone = queue.get_item(uow.session, new_urgent.queue_item_id)
        assert phone.sla_due_at - phone.received_at == timedelta(minutes=3)
        # The snapshot's rows and an item's own event have one shape.
        assert {**items[1], "waiting_seconds": 0} == {**item_to_dict(phone), "waiting_seconds": 0}


def test_claim_release_complete_transfer_and_their_audit(app, rt):
    sophie = add_user(app, "sophie")
    nadia = add_user(app, "nadia")
    published = RecordingPublisher()
    with rt.new_uow() as setup:
        item_id = inbound(rt, setup).queue_item_id
    with UnitOfWork(rt.database.sessions(), published) as uow:
        queue.claim(uow, item_id, sophie.id)
        uow.commit()
        with pytest.raises(Conflict, match="vient d'être pris par Sophie"):
            queue.claim(uow, item_id, nadia.id)
        uow.rollback()
        with pytest.raises(Conflict, match="pris en charge par Sophie, pas par vous"):
            queue.release(uow, item_id, nadia.id)
        uow.rollback()
        queue.transfer(uow, item_id, sophie.id, nadia.id)
        uow.commit()
        with pytest.raises(InvalidInput):
            queue.transfer(uow, item_id, nadia.id, 999)
        uow.rollback()
        queue.complete(uow, item_id, nadia.id)
        uow.commit()
        with pytest.raises(Conflict, match="déjà été traité"):
            queue.claim(uow, item_id, sophie.id)
        uow.rollback()
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "queue_item").order_by(AuditEvent.id)
        ).all()
        uow.session.close()
    assert actions == ["queue.added", "queue.claimed", "queue.transferred", "queue.completed"]
    assert [e for e, _ in published.events] == ["queue:updated", "queue:updated", "queue:removed"]
    assert published.events[-1][1] == {"id": item_id}


def test_nothing_is_published_when_the_transaction_rolls_back(app, rt):
    sophie = add_user(app, "sophie")
    published = RecordingPublisher()
    with rt.new_uow() as setup:
        item_id = inbound(rt, setup).queue_item_id
    with UnitOfWork(rt.database.sessions(), published) as uow:
        queue.claim(uow, item_id, sophie.id)
        uow.rollback()
        assert uow.session.get(QueueItem, item_id).status is QueueStatus.WAITING
        uow.session.close()
    assert published.events == []


def test_a_departed_ambassadors_items_return_after_the_lease(app, rt):
    sophie = add_user(app, "sophie")
    with rt.new_uow() as uow:
        item_id = inbound(rt, uow).queue_item_id
        presence.connected(uow, "sid-1", sophie.id, "test")
        queue.claim(uow, item_id, sophie.id)
        uow.commit()
        presence.disconnected(uow, "sid-1", timedelta(seconds=0))
        uow.commit()
        item = queue.get_item(uow.session, item_id)
        assert item.status is QueueStatus.CLAIMED and item.lease_expires_at is not None
    assert sweep_queue()["returned_items"] == 1
    with rt.new_uow() as uow:
        item = queue.get_item(uow.session, item_id)
        assert item.status is QueueStatus.WAITING and item.claimed_by_id is None


def test_coming_back_before_the_lease_keeps_the_items(app, rt):
    sophie = add_user(app, "sophie")
    with rt.new_uow() as uow:
        item_id = inbound(rt, uow).queue_item_id
        presence.connected(uow, "sid-1", sophie.id, "test")
        queue.claim(uow, item_id, sophie.id)
        presence.disconnected(uow, "sid-1", timedelta(minutes=2))
        presence.connected(uow, "sid-2", sophie.id, "test")
        uow.commit()
    assert sweep_queue()["returned_items"] == 0
    with rt.new_uow() as uow:
        item = queue.get_item(uow.session, item_id)
        assert item.claimed_by_id == sophie.id and item.lease_expires_at is None


def test_connections_of_a_dead_process_are_dropped_and_leases_start(app, rt):
    sophie = add_user(app, "sophie")
    with rt.new_uow() as uow:
        item_id = inbound(rt, uow).queue_item_id
        presence.connected(uow, "sid-dead", sophie.id, "crashed-host:1")
        queue.claim(uow, item_id, sophie.id)
        uow.commit()
        dropped = presence.drop_stale(uow, stale_after=timedelta(seconds=-1), lease=timedelta(minutes=2))
        uow.commit()
        assert dropped == ["sid-dead"]
        assert queue.get_item(uow.session, item_id).lease_expires_at is not None


def test_twenty_threads_claim_two_hundred_items_each_exactly_once(app, rt, backend):
    if backend.name == "sqlite":
        count, threads = 40, 8  # SQLite serialises writers; the same rule, a smaller crowd
    else:
        count, threads = 200, 20
    users = [add_user(app, f"agent{n}") for n in range(threads)]
    with rt.new_uow() as uow:
        ids = [inbound(rt, uow).queue_item_id for _ in range(count)]
    wins: Counter[int] = Counter()
    refusals = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def agent(user_id: int) -> None:
        try:
            start.wait()
            for item_id in ids:
                with rt.new_uow() as uow:
                    try:
                        queue.claim(uow, item_id, user_id)
                        uow.commit()
                        wins[item_id] += 1
                    except Conflict:
                        refusals[user_id] += 1
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    workers = [threading.Thread(target=agent, args=(u.id,)) for u in users]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert all(wins[i] == 1 for i in ids), "every item claimed exactly once"
    assert sum(refusals.values()) == count * (threads - 1)
    with rt.new_uow() as uow:
        rows = uow.session.scalars(select(QueueItem).where(QueueItem.id.in_(ids))).all()
        assert all(r.status is QueueStatus.CLAIMED and r.claimed_by_id is not None for r in rows)


def test_items_arriving_while_closed_wait_for_the_next_business_day(app, rt):
    # Saturday 28 November 2026, 11:00 in Paris: the mail still lands in the queue.
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    with rt.new_uow() as uow:
        recorded = inbound(rt, uow, Channel.EMAIL, received_at=saturday)
        item = queue.get_item(uow.session, recorded.queue_item_id)
        assert item.status is QueueStatus.WAITING
        # One business day for an email: Monday counts whole, so due Monday 30 November at 17:00 Paris.
        assert item.sla_due_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
