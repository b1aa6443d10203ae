"""Citizens and staff: who writes to the city, and who answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contact_centre.domain.base import Base, UTCDateTime, text_enum, utcnow
from contact_centre.domain.enums import AgentStatus, ContactPreference, Entity, Role, ValidatorTitle

# Byte order on PostgreSQL, as SQLite's default: one btree then serves both the prefix LIKE and the
# ORDER BY of a name search (under a linguistic collation it can serve only one of them).
_SEARCH_KEY = String(120).with_variant(String(120, collation="C"), "postgresql")


def staff_display_name(full_name: str, username: str) -> str:
    return full_name or username


def citizen_display_name(first_name: str, last_name: str) -> str:
    """« Jean DUPONT », the way French administrations write names."""
    name = " ".join(part for part in (first_name, last_name.upper()) if part)
    return name or "Citoyen·ne sans nom"


class Service(Base):
    """An owning service (Voirie, État civil...) of one of the three entities."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("name", "entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    entity: Mapped[Entity] = mapped_column(text_enum(Entity))


class StaffUser(Base):
    """A member of staff. Implements Flask-Login's user protocol without importing Flask."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(text_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    validator_title: Mapped[ValidatorTitle | None] = mapped_column(text_enum(ValidatorTitle))
    # The ambassador's desk phone (E.164); calls are bridged there, else to the browser.
    desk_phone: Mapped[str | None] = mapped_column(String(20))
    agent_status: Mapped[AgentStatus] = mapped_column(text_enum(AgentStatus), default=AgentStatus.OFFLINE)
    # Bumped on logout and password change: old session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service | None] = relationship()

    @property
    def display_name(self) -> str:
        return staff_display_name(self.full_name, self.username)

    @property
    def entity(self) -> Entity | None:
        return self.service.entity if self.service else None

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class ApiToken(Base):
    """A machine client's bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[StaffUser] = relationship()


class Citizen(Base):
    __tablename__ = "citizens"
    __table_args__ = (
        # Name search walks one of these in order and stops after a page (see search_citizens).
        Index("ix_citizens_last_key", "last_name_key", "first_name_key", "id"),
        Index("ix_citizens_first_key", "first_name_key", "last_name_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    civility: Mapped[str] = mapped_column(String(16), default="")
    first_name: Mapped[str] = mapped_column(String(120), default="")
    last_name: Mapped[str] = mapped_column(String(120), default="")
    # Accent- and case-folded copies for search (see identity.fold_name).
    first_name_key: Mapped[str] = mapped_column(_SEARCH_KEY, default="")
    last_name_key: Mapped[str] = mapped_column(_SEARCH_KEY, default="")
    address_line: Mapped[str] = mapped_column(String(255), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    preferred_contact: Mapped[ContactPreference | None] = mapped_column(text_enum(ContactPreference))
    accepts_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    phones: Mapped[list[CitizenPhone]] = relationship(
        back_populates="citizen", cascade="all, delete-orphan", order_by="CitizenPhone.id"
    )
    emails: Mapped[list[CitizenEmail]] = relationship(
        back_populates="citizen", cascade="all, delete-orphan", order_by="CitizenEmail.id"
    )

    @property
    def display_name(self) -> str:
        return citizen_display_name(self.first_name, self.last_name)


class CitizenPhone(Base):
    __tablename__ = "citizen_phones"
    __table_args__ = (UniqueConstraint("citizen_id", "e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    # Not unique across citizens: a household shares a landline.
    e164: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str] = mapped_column(String(40), default="")

    citizen: Mapped[Citizen] = relationship(back_populates="phones")


class CitizenEmail(Base):
    __tablename__ = "citizen_emails"
    __table_args__ = (UniqueConstraint("citizen_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    # Stored normalised and lower-cased so lookups are exact.
    address: Mapped[str] = mapped_column(String(254), index=True)

    citizen: Mapped[Citizen] = relationship(back_populates="emails")
