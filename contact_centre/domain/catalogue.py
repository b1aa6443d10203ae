"""The process catalogue (référentiel): what the city answers, who owns it, and how fast."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from contact_centre.domain.base import Base, JSONType, UTCDateTime, utcnow
from contact_centre.domain.contact_details import fold_name
from contact_centre.domain.enums import Entity
from contact_centre.domain.people import Service, StaffUser

process_referents = Table(
    "process_referents",
    Base.metadata,
    Column("process_id", ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True),
    Column("rank", Integer, nullable=False, default=0),
)


class Process(Base):
    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Folded title + keywords + code: what search-as-you-type matches against.
    search_text: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    commitment_days: Mapped[int] = mapped_column(default=10)
    patroller_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    documents: Mapped[list[str]] = mapped_column(JSONType, default=list)
    response_template: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service] = relationship()
    referents: Mapped[list[StaffUser]] = relationship(
        secondary=process_referents, order_by=process_referents.c.rank
    )

    @property
    def entity(self) -> Entity:
        return self.service.entity


def search_processes(session: Session, query: str, limit: int = 15) -> list[Process]:
    """Search-as-you-type: every folded word must appear in the code, title, keywords or service."""
    tokens = [t for t in fold_name(query).split() if t][:6]
    stmt = select(Process).where(Process.active.is_(True)).options(joinedload(Process.service))
    for token in tokens:
        stmt = stmt.where(Process.search_text.contains(token, autoescape=True))
    folded = fold_name(query)
    rows = list(session.scalars(stmt.order_by(Process.title).limit(200)))

    def rank(p: Process) -> tuple[bool, int, bool, str]:
        # Exact code first, then most whole-word matches (« 7 » before « 17 »), then title prefix.
        words = set(p.search_text.split())
        return (
            p.code != folded.upper(),
            -sum(t in words for t in tokens),
            not fold_name(p.title).startswith(folded),
            p.title,
        )

    rows.sort(key=rank)
    return rows[:limit]


def active_processes(session: Session) -> list[Process]:
    """The active processes, by service then title, with their service loaded."""
    return list(
        session.scalars(
            select(Process)
            .join(Service, Service.id == Process.service_id)
            .where(Process.active.is_(True))
            .options(joinedload(Process.service))
            .order_by(Service.name, Process.title)
        )
    )
