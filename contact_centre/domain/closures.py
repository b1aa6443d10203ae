"""Extra closure days an administrator adds (bridges, exceptional closings)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from contact_centre.domain.base import Base, UTCDateTime, utcnow


class ClosureDay(Base):
    __tablename__ = "closure_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def closure_days(session: Session) -> list[ClosureDay]:
    return list(session.scalars(select(ClosureDay).order_by(ClosureDay.day)))
