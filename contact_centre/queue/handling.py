"""What an ambassador does in an item's panel besides claiming it: who it is, notes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from contact_centre.domain.audit import record_event
from contact_centre.domain.contacts import Contact, Note
from contact_centre.domain.errors import N_, InvalidInput, NotFound
from contact_centre.domain.people import Citizen
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue

MAX_NOTE = 10_000


def link_citizen(uow: UnitOfWork, item_id: int, citizen_id: int, actor_id: int) -> None:
    item = queue.claimed_item(uow.session, item_id, actor_id)
    citizen = uow.session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound(N_("Citoyen introuvable (n° {citizen_id})."), citizen_id=citizen_id)
    before = item.citizen_id
    contact = uow.session.get(Contact, item.contact_id)
    assert contact is not None
    item.citizen_id = contact.citizen_id = citizen.id
    if item.request is not None and item.request.citizen_id is None:
        item.request.citizen_id = citizen.id
    record_event(
        uow.session,
        actor_id=actor_id,
        action="queue.citizen_linked",
        entity_type="queue_item",
        entity_id=item.id,
        request_id=item.request_id,
        before={"citizen_id": before},
        after={"citizen_id": citizen.id},
    )
    queue.publish_update(uow, item)


def add_note(uow: UnitOfWork, item_id: int, text: str, actor_id: int) -> Note:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(N_("La note est vide."))
    if len(text) > MAX_NOTE:
        raise InvalidInput(N_("La note dépasse {limit} caractères."), limit=MAX_NOTE)
    item = queue.get_item(uow.session, item_id)
    note = Note(queue_item_id=item.id, request_id=item.request_id, author_id=actor_id, text=text)
    uow.session.add(note)
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=actor_id,
        action="note.added",
        entity_type="note",
        entity_id=note.id,
        request_id=item.request_id,
        after={"queue_item_id": item.id, "text": text},
    )
    return note


def notes_of(session: Session, item_id: int) -> list[Note]:
    return list(
        session.scalars(
            select(Note)
            .where(Note.queue_item_id == item_id)
            .options(joinedload(Note.author))
            .order_by(Note.id)
        )
    )
