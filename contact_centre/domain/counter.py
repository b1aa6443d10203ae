"""Kiosk tickets: one per visitor, numbered per letter and per opening day."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contact_centre.domain.base import Base, UTCDateTime, text_enum, utcnow
from contact_centre.domain.queue import QueueItem


class TicketStatus(str, Enum):
    WAITING = "waiting"
    CALLED = "called"  # called to a desk; the visit ends when its queue item is done
    NO_SHOW = "no_show"


class CounterTicket(Base):
    __tablename__ = "counter_tickets"
    __table_args__ = (
        UniqueConstraint("day", "letter", "number"),
        Index("ix_counter_tickets_day_status", "day", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # the local opening day: numbers restart each day
    letter: Mapped[str] = mapped_column(String(1))
    number: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[TicketStatus] = mapped_column(text_enum(TicketStatus), default=TicketStatus.WAITING)
    # Sent by the kiosk page with each tap: a double tap gets the same ticket, not two.
    kiosk_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    desk: Mapped[str | None] = mapped_column(String(40))
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    recalls: Mapped[int] = mapped_column(default=0)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    queue_item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), unique=True)

    queue_item: Mapped[QueueItem] = relationship()

    @property
    def label(self) -> str:
        return f"{self.letter}{self.number:03d}"


class TicketSequence(Base):
    """The last number given per day and letter; incremented under the row's lock."""

    __tablename__ = "counter_ticket_sequences"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    letter: Mapped[str] = mapped_column(String(1), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
