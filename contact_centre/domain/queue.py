"""The live queue's rows: one item per thing an ambassador must handle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contact_centre.domain.base import Base, UTCDateTime, text_enum, utcnow
from contact_centre.domain.channels import Channel, ChannelType
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import QueueStatus
from contact_centre.domain.people import Citizen, StaffUser
from contact_centre.domain.service_requests import ServiceRequest


class QueueItem(Base):
    __tablename__ = "queue_items"
    __table_args__ = (
        # The snapshot reads open items in queue order; a partial index would be PG-only.
        Index("ix_queue_open", "status", "priority", "received_at"),
        # Every status callback, retry and reply finds its contact's item (P2: a scan of 1 M rows).
        Index("ix_queue_items_contact", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(ChannelType())
    status: Mapped[QueueStatus] = mapped_column(text_enum(QueueStatus), default=QueueStatus.WAITING)
    # 1 = urgent ... 4 = low; the queue is ordered by priority, then age.
    priority: Mapped[int] = mapped_column(default=3)
    summary: Mapped[str] = mapped_column(String(255), default="")
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sla_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the claiming ambassador has no console left open; past it, the item is waiting again.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    contact: Mapped[Contact] = relationship(foreign_keys=[contact_id])
    citizen: Mapped[Citizen | None] = relationship()
    request: Mapped[ServiceRequest | None] = relationship()
    claimed_by: Mapped[StaffUser | None] = relationship()


class ConsoleConnection(Base):
    """A console socket currently open, whatever process holds it.

    Rows are refreshed by their process; a process that died leaves rows that stop being
    refreshed, and the sweep treats them as gone.
    """

    __tablename__ = "console_connections"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    process: Mapped[str] = mapped_column(String(64), default="")
