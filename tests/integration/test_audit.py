"""The audit trail goes with its transaction: written when it commits, in one INSERT, and gone
with whatever part of it is rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from contact_centre.domain.audit import AuditEvent, record_event, timeline
from contact_centre.queue import service as queue
from contact_centre.services.service_requests import RequestDraft, create_request_from_item
from tests.support.accounts import add_user
from tests.support.factories import inbound, load_catalogue


def _note(session, action: str, request_id: int | None = None) -> None:
    record_event(
        session,
        actor_id=None,
        action=action,
        entity_type="test",
        entity_id=1,
        request_id=request_id,
        after={"ok": True},
    )


def _actions(rt) -> list[str]:
    with rt.new_uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity_type == "test").order_by(AuditEvent.id)
            )
        )


def test_events_are_written_at_commit_in_one_insert_and_dropped_by_a_rollback(rt):
    inserts: list[int] = []

    def count(_conn, _cursor, statement: str, parameters, _context, executemany: bool) -> None:
        if statement.startswith("INSERT INTO audit_events"):
            inserts.append(len(parameters) if executemany else 1)

    with rt.new_uow() as uow:
        _note(uow.session, "abandonné")
        uow.rollback()
    event.listen(rt.database.engine, "before_cursor_execute", count)
    try:
        with rt.new_uow() as uow:
            for n in range(120):
                _note(uow.session, f"e{n}")
            assert inserts == []  # nothing before the commit
            uow.commit()
    finally:
        event.remove(rt.database.engine, "before_cursor_execute", count)
    assert sum(inserts) <= 120 and len(inserts) == 1
    assert _actions(rt) == [f"e{n}" for n in range(120)]
    with rt.new_uow() as uow:
        (row,) = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "e0"))
        assert (row.actor_id, row.entity_id, row.after, row.before) == (None, 1, {"ok": True}, None)
        assert row.at is not None and row.at.tzinfo is not None


def test_a_failed_part_drops_its_own_events_only(rt):
    with rt.new_uow() as uow:
        _note(uow.session, "avant")
        with uow.savepoint():
            _note(uow.session, "partie réussie")
        with pytest.raises(ZeroDivisionError), uow.savepoint():
            _note(uow.session, "partie échouée")
            1 / 0  # noqa: B018
        _note(uow.session, "après")
        uow.commit()
    assert _actions(rt) == ["avant", "partie réussie", "après"]


def test_a_closed_session_writes_nothing(rt):
    with rt.new_uow() as uow:
        _note(uow.session, "jamais")
    with rt.new_uow() as uow:
        uow.commit()  # a later transaction of another session has nothing left over
    session = rt.database.sessions()
    _note(session, "avant toute requête")
    session.close()
    session.commit()  # the same session, used again: the closed transaction's event is gone
    session.close()
    assert _actions(rt) == []


def test_a_request_timeline_shows_events_not_yet_committed(app, rt):
    sophie = add_user(app, "sophie")
    with rt.new_uow() as uow:
        load_catalogue(uow)
        item_id = inbound(rt, uow).queue_item_id
        queue.claim(uow, item_id, sophie.id)
        request = create_request_from_item(
            uow, item_id, RequestDraft("P-0002"), sophie.id, rt.calendar(uow.session)
        )
        _note(uow.session, "en cours", request.id)
        # Read in the same transaction, as the console's request page does.
        actions = [e.action for e in timeline(uow.session, request.id)]
        assert actions[0] == "request.created" and actions[-1] == "en cours"
        uow.commit()
    with rt.new_uow() as uow:
        assert [e.action for e in timeline(uow.session, request.id)] == actions


def test_a_savepoint_opened_behind_the_unit_of_work_is_refused(rt):
    with rt.new_uow() as uow:
        _note(uow.session, "en attente")
        with pytest.raises(RuntimeError, match=r"UnitOfWork\.savepoint"):
            uow.session.begin_nested()
