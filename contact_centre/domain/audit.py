"""Append-only audit trail. Written in the same transaction as the change it records;
filtered by request, it is that request's timeline.

Events are plain rows, not ORM objects: a transaction's events wait in its session and are written
in one INSERT when it commits (an e-mail batch records hundreds), without the unit of work's
bookkeeping for objects nobody reads back. A rollback drops them with the rest. A savepoint writes
those recorded before it (`UnitOfWork.savepoint`), so what waits always belongs to the innermost
transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event, insert, select
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column, relationship

from contact_centre.domain.base import Base, JSONType, UTCDateTime, utcnow
from contact_centre.domain.people import StaffUser


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_request", "request_id", "id"),
        Index("ix_audit_entity", "entity_type", "entity_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))  # None: the system
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column()
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    actor: Mapped[StaffUser | None] = relationship()


_PENDING = "audit_events"  # key in Session.info


def record_event(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int,
    request_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Adds an event to the caller's transaction; the caller commits both together."""
    if not session.in_transaction():
        session.begin()  # the event belongs to a transaction, and is dropped if it ends uncommitted
    session.info.setdefault(_PENDING, []).append(
        {
            "at": utcnow(),
            "actor_id": actor_id,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "request_id": request_id,
            "before": before,
            "after": after,
        }
    )


def write_pending_events(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


@event.listens_for(Session, "before_commit")
def _write_on_commit(session: Session) -> None:
    # Also on a savepoint's release: its events then belong to the enclosing transaction.
    write_pending_events(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, _transaction: SessionTransaction) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_create")
def _no_savepoint_over_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested and session.info.get(_PENDING):
        # Its rollback would drop events of the enclosing transaction.
        raise RuntimeError("audit events pending: open savepoints with UnitOfWork.savepoint()")


@event.listens_for(Session, "after_transaction_end")
def _drop_when_closed(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without a commit: nothing of it was written
        session.info.pop(_PENDING, None)


def timeline(session: Session, request_id: int) -> list[AuditEvent]:
    write_pending_events(session)
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id).order_by(AuditEvent.id))
    )
