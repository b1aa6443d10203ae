"""Contacts: one interaction on any channel, in or out, with its attachments and internal notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contact_centre.domain.base import Base, JSONType, UTCDateTime, text_enum, utcnow
from contact_centre.domain.channels import Channel, ChannelType
from contact_centre.domain.enums import Direction
from contact_centre.domain.people import Citizen, StaffUser
from contact_centre.domain.service_requests import ServiceRequest


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
    channel: Mapped[Channel] = mapped_column(ChannelType())
    direction: Mapped[Direction] = mapped_column(text_enum(Direction), default=Direction.INBOUND)
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
