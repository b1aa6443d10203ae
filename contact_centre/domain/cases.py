"""Contacts (one interaction on any channel) and requests (demandes) they lead to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contact_centre.domain.base import Base, JSONType, UTCDateTime, utcnow
from contact_centre.domain.catalogue import Process
from contact_centre.domain.enums import Channel, Direction, RequestStatus
from contact_centre.domain.people import Citizen, Service, StaffUser, _enum


class ServiceRequest(Base):
    """A citizen's request (« demande »), tracked by its public reference."""

    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("year", "number"),
        Index("ix_requests_citizen", "citizen_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    subject: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id"))
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.NEW)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    due_on: Mapped[date] = mapped_column(Date)
    location_address: Mapped[str] = mapped_column(String(255), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    process: Mapped[Process] = relationship()
    service: Mapped[Service] = relationship()
    referent: Mapped[StaffUser | None] = relationship(foreign_keys=[referent_id])
    citizen: Mapped[Citizen | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(back_populates="request", order_by="Contact.received_at")


class ReferenceCounter(Base):
    """Last number issued per year; incremented in the creating transaction, so never reused."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Contact(Base):
    """One interaction on one channel, in either direction."""

    __tablename__ = "contacts"
    __table_args__ = (
        # Channels retry (Twilio, IMAP): the same external id must not make a second contact.
        UniqueConstraint("channel", "external_id"),
        Index("ix_contacts_request", "request_id"),
        Index("ix_contacts_citizen", "citizen_id"),
        # The call log reads one day of calls.
        Index("ix_contacts_channel_received", "channel", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    direction: Mapped[Direction] = mapped_column(_enum(Direction), default=Direction.INBOUND)
    external_id: Mapped[str | None] = mapped_column(String(255))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    subject: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # What the citizen told us about themselves, as given (name, phone, email).
    hints: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # The item a contact belongs to when it did not open one itself: an outbound contact made while
    # handling it (a callback, a reply), or a written contact that joined its request's item.
    queue_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("queue_items.id", use_alter=True), index=True
    )

    citizen: Mapped[Citizen | None] = relationship()
    request: Mapped[ServiceRequest | None] = relationship(back_populates="contacts")
    created_by: Mapped[StaffUser | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class Attachment(Base):
    """A file that came with a contact; the bytes live outside the database (storage_key)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)

    contact: Mapped[Contact] = relationship(back_populates="attachments")


class Note(Base):
    """An ambassador's note on a queue item or a request."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_item_id: Mapped[int | None] = mapped_column(ForeignKey("queue_items.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[StaffUser] = relationship()
