"""What the e-mail channel keeps besides contacts: where it stands in each mailbox, and the
messages the city sends (recorded as outbound contacts, counted for loop protection)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from contact_centre.domain.base import Base, UTCDateTime, utcnow


class MailboxState(Base):
    """One watched IMAP folder: its UIDVALIDITY and the highest UID already recorded."""

    __tablename__ = "mailbox_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboundMail(Base):
    """One message the city sends; automatic ones are counted per address for loop protection."""

    __tablename__ = "outbound_mails"
    __table_args__ = (Index("ix_outbound_mails_recipient", "recipient", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
