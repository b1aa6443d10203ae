"""Turning a qualified contact into a tracked request, or attaching it to an existing one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.catalogue import Process
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import RequestStatus
from contact_centre.domain.errors import N_, Conflict, InvalidInput, NotFound
from contact_centre.domain.references import (
    REFERENCE_RE,
    next_reference,
    parse_reference,
)
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue


@dataclass(frozen=True)
class RequestDraft:
    process_code: str
    subject: str = ""
    description: str = ""
    location_address: str = ""
    latitude: float | None = None
    longitude: float | None = None


# Called in the creating transaction once a request is opened from an item: a channel can answer
# the citizen there (the e-mail channel sends the reference). Registered once, by the app.
RequestCreatedHook = Callable[[UnitOfWork, ServiceRequest, Contact], None]
_request_created_hooks: list[RequestCreatedHook] = []


def on_request_created(hook: RequestCreatedHook) -> None:
    if hook not in _request_created_hooks:
        _request_created_hooks.append(hook)


def process_by_code(session: Session, code: str) -> Process:
    process = session.scalar(
        select(Process).where(Process.code == code.strip().upper()).options(selectinload(Process.referents))
    )
    if process is None:
        raise InvalidInput(N_("Processus inconnu : « {code} »."), code=code)
    if not process.active:
        raise InvalidInput(N_("Le processus « {code} » n'est plus actif."), code=process.code)
    return process


def _check_location(draft: RequestDraft) -> None:
    if (draft.latitude is None) != (draft.longitude is None):
        raise InvalidInput(N_("Latitude et longitude vont ensemble."))
    if draft.latitude is not None and not -90 <= draft.latitude <= 90:
        raise InvalidInput(N_("Latitude invalide."))
    if draft.longitude is not None and not -180 <= draft.longitude <= 180:
        raise InvalidInput(N_("Longitude invalide."))


def create_request_from_item(
    uow: UnitOfWork, item_id: int, draft: RequestDraft, actor_id: int, calendar: BusinessCalendar
) -> ServiceRequest:
    """Qualifies the item's contact against the catalogue and opens a request for it."""
    item = queue.claimed_item(uow.session, item_id, actor_id)
    if item.request_id is not None:
        assert item.request is not None
        # A double click must not open two requests.
        raise Conflict(
            N_("Cet élément est déjà rattaché à la demande {reference}."), reference=item.request.reference
        )
    process = process_by_code(uow.session, draft.process_code)
    _check_location(draft)
    contact = uow.session.get(Contact, item.contact_id)
    assert contact is not None
    now = utcnow()
    year = now.astimezone(ZoneInfo(calendar.timezone)).year
    number, reference = next_reference(uow.session, year)
    request = ServiceRequest(
        reference=reference,
        year=year,
        number=number,
        subject=(draft.subject or contact.subject or process.title)[:255],
        description=draft.description or contact.body,
        process_id=process.id,
        status=RequestStatus.NEW,
        service_id=process.service_id,
        referent_id=process.referents[0].id if process.referents else None,
        citizen_id=item.citizen_id,
        # The commitment runs from when the citizen reached us, not from when we got to it.
        due_on=calendar.add_business_days(contact.received_at, process.commitment_days),
        location_address=draft.location_address.strip()[:255],
        latitude=draft.latitude,
        longitude=draft.longitude,
        created_at=now,
        created_by_id=actor_id,
    )
    uow.session.add(request)
    uow.session.flush()
    contact.request_id = request.id
    item.request_id = request.id
    record_event(
        uow.session,
        actor_id=actor_id,
        action="request.created",
        entity_type="request",
        entity_id=request.id,
        request_id=request.id,
        after={
            "reference": reference,
            "process": process.code,
            "service": process.service.name,
            "referent_id": request.referent_id,
            "due_on": request.due_on.isoformat(),
            "contact_id": contact.id,
        },
    )
    uow.session.flush()
    queue.publish_update(uow, item)
    for hook in _request_created_hooks:
        hook(uow, request, contact)
    return request


def attach_item_to_request(uow: UnitOfWork, item_id: int, reference: str, actor_id: int) -> ServiceRequest:
    item = queue.claimed_item(uow.session, item_id, actor_id)
    normalised = parse_reference(reference)
    if normalised is None:
        raise InvalidInput(
            N_("Référence invalide : « {reference} » (format GRC-AAAA-NNNNNN)."), reference=reference
        )
    request = request_by_reference(uow.session, normalised)
    if item.request_id == request.id:
        return request
    if item.request_id is not None:
        assert item.request is not None
        raise Conflict(
            N_("Cet élément est déjà rattaché à la demande {reference}."), reference=item.request.reference
        )
    contact = uow.session.get(Contact, item.contact_id)
    assert contact is not None
    contact.request_id = request.id
    item.request_id = request.id
    if item.citizen_id is None and request.citizen_id is not None:
        item.citizen_id = contact.citizen_id = request.citizen_id
    record_event(
        uow.session,
        actor_id=actor_id,
        action="request.contact_attached",
        entity_type="request",
        entity_id=request.id,
        request_id=request.id,
        after={"contact_id": contact.id, "channel": contact.channel.value},
    )
    uow.session.flush()
    queue.publish_update(uow, item)
    return request


def request_by_reference(session: Session, reference: str) -> ServiceRequest:
    ref = (reference or "").strip().upper()
    request = None
    if REFERENCE_RE.fullmatch(ref):
        request = session.scalar(
            select(ServiceRequest)
            .where(ServiceRequest.reference == ref)
            .options(
                joinedload(ServiceRequest.process),
                joinedload(ServiceRequest.service),
                joinedload(ServiceRequest.referent),
                joinedload(ServiceRequest.citizen),
            )
        )
    if request is None:
        raise NotFound(N_("Aucune demande ne porte la référence « {reference} »."), reference=reference)
    return request


OPEN_REQUEST_STATUSES = (RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.AWAITING_VALIDATION)


def open_requests_of(session: Session, citizen_id: int, limit: int = 10) -> list[ServiceRequest]:
    """The citizen's requests still being handled, newest first: what a caller usually calls about."""
    return list(
        session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.citizen_id == citizen_id, ServiceRequest.status.in_(OPEN_REQUEST_STATUSES))
            .options(joinedload(ServiceRequest.process))
            .order_by(ServiceRequest.created_at.desc())
            .limit(limit)
        )
    )
