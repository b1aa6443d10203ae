"""Finding and recording citizens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select, union
from sqlalchemy.orm import Session, selectinload

from contact_centre.domain.audit import record_event
from contact_centre.domain.contact_details import (
    InvalidContactDetail,
    fold_name,
    name_tokens,
    normalise_email,
    normalise_phone,
)
from contact_centre.domain.enums import ContactPreference
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.people import Citizen, CitizenEmail, CitizenPhone
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.services.shapes import citizen_summary


@dataclass(frozen=True)
class CitizenDetails:
    first_name: str = ""
    last_name: str = ""
    civility: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    address_line: str = ""
    postcode: str = ""
    city: str = ""
    preferred_contact: ContactPreference | None = None


def checked_phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidContactDetail as exc:
        raise InvalidInput(str(exc)) from exc


def checked_email(raw: str) -> str:
    try:
        # Lower-cased whole: citizens type their address in any case and expect to be recognised.
        return normalise_email(raw).lower()
    except InvalidContactDetail as exc:
        raise InvalidInput(str(exc)) from exc


def create_citizen(uow: UnitOfWork, details: CitizenDetails, actor_id: int | None) -> Citizen:
    if not (details.first_name.strip() or details.last_name.strip()):
        raise InvalidInput(N_("Le nom ou le prénom du citoyen est obligatoire."))
    phones = sorted({checked_phone(p) for p in details.phones if p.strip()})
    emails = sorted({checked_email(e) for e in details.emails if e.strip()})
    citizen = Citizen(
        civility=details.civility.strip(),
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        first_name_key=fold_name(details.first_name)[:120],
        last_name_key=fold_name(details.last_name)[:120],
        address_line=details.address_line.strip(),
        postcode=details.postcode.strip(),
        city=details.city.strip(),
        preferred_contact=details.preferred_contact,
        phones=[CitizenPhone(e164=p) for p in phones],
        emails=[CitizenEmail(address=e) for e in emails],
    )
    uow.session.add(citizen)
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=actor_id,
        action="citizen.created",
        entity_type="citizen",
        entity_id=citizen.id,
        after=citizen_summary(citizen),
    )
    return citizen


def find_by_phone(session: Session, e164: str) -> list[Citizen]:
    return list(
        session.scalars(
            select(Citizen).join(CitizenPhone).where(CitizenPhone.e164 == e164).order_by(Citizen.id).limit(20)
        ).unique()
    )


def find_by_email(session: Session, address: str) -> list[Citizen]:
    return list(
        session.scalars(
            select(Citizen)
            .join(CitizenEmail)
            .where(CitizenEmail.address == address.lower())
            .order_by(Citizen.id)
            .limit(20)
        ).unique()
    )


def search_citizens(session: Session, query: str, limit: int = 20) -> list[Citizen]:
    """A phone number, an email address, or names in any order, accents and case ignored.

    Name tokens match the start of the first or last name, so « dupont j » finds Jean Dupont;
    prefix matching keeps the search on the name indexes at any table size.
    """
    query = (query or "").strip()
    if not query:
        return []
    if "@" in query:
        try:
            return find_by_email(session, checked_email(query))[:limit]
        except InvalidInput:
            return []
    if sum(ch.isdigit() for ch in query) >= 6:
        try:
            return find_by_phone(session, normalise_phone(query))[:limit]
        except InvalidContactDetail:
            return []
    tokens = name_tokens(query)[:4]
    if not tokens:
        return []
    first, *others = tokens
    rest = [
        or_(
            Citizen.last_name_key.startswith(t, autoescape=True),
            Citizen.first_name_key.startswith(t, autoescape=True),
        )
        for t in others
    ]
    # Two ordered index walks that each stop after a page, instead of one OR that must sort every
    # match: « mar » matches thousands of Martin and Marie in a city-sized register.
    pages = [
        select(Citizen.id, Citizen.last_name_key, Citizen.first_name_key)
        .where(lead.startswith(first, autoescape=True), *rest)
        .order_by(lead, follow, Citizen.id)
        .limit(limit)
        .subquery()
        for lead, follow in (
            (Citizen.last_name_key, Citizen.first_name_key),
            (Citizen.first_name_key, Citizen.last_name_key),
        )
    ]
    matches = union(*(select(page.c.id) for page in pages)).subquery()
    stmt = (
        select(Citizen)
        .where(Citizen.id.in_(select(matches.c.id)))
        .options(selectinload(Citizen.phones), selectinload(Citizen.emails))
        .order_by(Citizen.last_name_key, Citizen.first_name_key, Citizen.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def get_citizen(session: Session, citizen_id: int) -> Citizen | None:
    return session.scalar(select(Citizen).where(Citizen.id == citizen_id).options(selectinload(Citizen.phones)))
