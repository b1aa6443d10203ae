"""Who is at a console, and in what state. Connections are rows so every process sees them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.enums import AGENT_STATUS_LABELS, CONSOLE_ROLES, AgentStatus, QueueStatus
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.people import StaffUser
from contact_centre.domain.queue import ConsoleConnection, QueueItem
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue


def agents(uow: UnitOfWork) -> list[dict[str, Any]]:
    claimed = dict(
        uow.session.execute(
            select(QueueItem.claimed_by_id, func.count())
            .where(QueueItem.status == QueueStatus.CLAIMED)
            .group_by(QueueItem.claimed_by_id)
        ).all()
    )
    users = uow.session.scalars(
        select(StaffUser)
        .where(StaffUser.role.in_(CONSOLE_ROLES), StaffUser.active.is_(True))
        .order_by(StaffUser.full_name, StaffUser.username)
    )
    return [
        {
            "id": u.id,
            "name": u.display_name,
            "role": u.role.value,
            "status": u.agent_status.value,
            "status_label": AGENT_STATUS_LABELS[u.agent_status],
            "claimed": claimed.get(u.id, 0),
        }
        for u in users
    ]


def _announce(uow: UnitOfWork) -> None:
    uow.session.flush()
    uow.publish("agents:updated", agents(uow))


def _set_status(uow: UnitOfWork, user: StaffUser, status: AgentStatus) -> None:
    if user.agent_status is status:
        return
    before = user.agent_status.value
    user.agent_status = status
    record_event(
        uow.session,
        actor_id=user.id,
        action="agent.status",
        entity_type="staff_user",
        entity_id=user.id,
        before={"status": before},
        after={"status": status.value},
    )
    _announce(uow)


def connected(uow: UnitOfWork, sid: str, user_id: int, process: str) -> None:
    uow.session.add(ConsoleConnection(sid=sid, user_id=user_id, process=process))
    user = uow.session.get(StaffUser, user_id)
    assert user is not None
    queue.clear_leases(uow, user_id)
    if user.agent_status is AgentStatus.OFFLINE:
        _set_status(uow, user, AgentStatus.AVAILABLE)


def _left(uow: UnitOfWork, user_id: int, lease: timedelta) -> None:
    remaining = uow.session.scalar(
        select(func.count()).select_from(ConsoleConnection).where(ConsoleConnection.user_id == user_id)
    )
    if remaining:
        return
    user = uow.session.get(StaffUser, user_id)
    if user is None:
        return
    queue.start_leases(uow, user_id, lease)
    _set_status(uow, user, AgentStatus.OFFLINE)


def disconnected(uow: UnitOfWork, sid: str, lease: timedelta) -> None:
    conn = uow.session.get(ConsoleConnection, sid)
    if conn is None:
        return
    user_id = conn.user_id
    uow.session.delete(conn)
    uow.session.flush()
    _left(uow, user_id, lease)


def sids_of(session: Session, user_id: int) -> list[str]:
    return list(session.scalars(select(ConsoleConnection.sid).where(ConsoleConnection.user_id == user_id)))


def logged_out(uow: UnitOfWork, user_id: int, lease: timedelta) -> None:
    uow.session.execute(delete(ConsoleConnection).where(ConsoleConnection.user_id == user_id))
    _left(uow, user_id, lease)


def set_status(uow: UnitOfWork, user_id: int, status: str) -> None:
    try:
        wanted = AgentStatus(status)
    except ValueError:
        raise InvalidInput(N_("Statut inconnu : « {status} »."), status=status) from None
    if wanted is AgentStatus.OFFLINE:
        raise InvalidInput(N_("Le statut hors ligne est donné par la déconnexion."))
    user = uow.session.get(StaffUser, user_id)
    assert user is not None
    _set_status(uow, user, wanted)


def touch(uow: UnitOfWork, sids: list[str], now: datetime | None = None) -> None:
    if sids:
        uow.session.execute(
            update(ConsoleConnection)
            .where(ConsoleConnection.sid.in_(sids))
            .values(last_seen_at=now or utcnow())
            .execution_options(synchronize_session=False)
        )


def drop_stale(uow: UnitOfWork, stale_after: timedelta, lease: timedelta) -> list[str]:
    """Connections of a process that died stop being touched; treat them as disconnected."""
    limit = utcnow() - stale_after
    stale = list(uow.session.scalars(select(ConsoleConnection).where(ConsoleConnection.last_seen_at < limit)))
    for conn in stale:
        disconnected(uow, conn.sid, lease)
    return [c.sid for c in stale]
