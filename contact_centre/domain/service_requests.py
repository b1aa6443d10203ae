"""Requests (« demandes »): what a citizen asked, tracked by a public reference until answered."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contact_centre.domain.base import Base, UTCDateTime, text_enum, utcnow
from contact_centre.domain.catalogue import Process
from contact_centre.domain.enums import RequestStatus
from contact_centre.domain.people import Citizen, Service, StaffUser

if TYPE_CHECKING:
    from contact_centre.domain.contacts import Contact


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
    status: Mapped[RequestStatus] = mapped_column(text_enum(RequestStatus), default=RequestStatus.NEW)
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
