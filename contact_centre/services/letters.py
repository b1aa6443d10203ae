"""Scanned letters' use cases: a scan registered, its OCR recorded, the letter attached to the request
it quotes, and the search in what was read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Attachment, Contact
from contact_centre.domain.enums import QueueStatus
from contact_centre.domain.errors import N_, NotFound
from contact_centre.domain.letters import (
    LetterPage,
    LetterScan,
    PageResult,
    ScanStatus,
    fold_text,
    references_in,
)
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue


def register_scan(uow: UnitOfWork, contact_id: int, kind: str, page_count: int) -> LetterScan:
    """The scan row for the contact's file, once: a contact recorded again keeps its scan."""
    existing = scan_of_contact(uow.session, contact_id)
    if existing is not None:
        return existing
    attachment = uow.session.scalar(
        select(Attachment).where(Attachment.contact_id == contact_id).order_by(Attachment.id.desc()).limit(1)
    )
    if attachment is None:
        raise NotFound(N_("Ce contact n'a pas de fichier numérisé."))
    scan = LetterScan(
        attachment_id=attachment.id, contact_id=contact_id, kind=kind, page_count=page_count, references=[]
    )
    uow.session.add(scan)
    uow.session.flush()
    return scan


def scan_of_contact(session: Session, contact_id: int) -> LetterScan | None:
    return session.scalar(select(LetterScan).where(LetterScan.contact_id == contact_id).limit(1))


def get_scan(session: Session, scan_id: int) -> LetterScan:
    scan = session.get(LetterScan, scan_id)
    if scan is None:
        raise NotFound(N_("Courrier numérisé introuvable (n° {scan_id})."), scan_id=scan_id)
    return scan


def item_of_contact(session: Session, contact: Contact) -> QueueItem | None:
    """The queue item that shows the contact: its own, or the one it joined."""
    if contact.queue_item_id is not None:
        return session.get(QueueItem, contact.queue_item_id)
    return session.scalar(select(QueueItem).where(QueueItem.contact_id == contact.id))


def record_ocr(
    uow: UnitOfWork, scan_id: int, pages: Sequence[PageResult], seconds: float, error: str = ""
) -> LetterScan | None:
    """Stores the pages and their text, then attaches the letter to the first known request it quotes.

    Returns None when the scan was finished meanwhile (the same job run twice): nothing is changed.
    """
    # Conditional, like every queue change: of two runs of the same job, one only writes.
    taken = uow.session.execute(
        update(LetterScan)
        .where(LetterScan.id == scan_id, LetterScan.status == ScanStatus.PENDING)
        .values(status=ScanStatus.FAILED if error else ScanStatus.DONE)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:
        return None
    scan = get_scan(uow.session, scan_id)
    uow.session.refresh(scan)
    text = "\n\n".join(p.text.strip() for p in pages if p.text.strip())
    scan.pages = [
        LetterPage(number=p.number, image_key=p.image_key, width=p.width, height=p.height, text=p.text)
        for p in pages
    ]
    scan.text = text
    scan.search_text = fold_text(text)
    scan.references = references_in(text)
    scan.error = error[:500]
    scan.ocr_finished_at = utcnow()
    scan.ocr_seconds = round(seconds, 3)
    contact = scan.contact
    if not contact.body.strip() and text:
        # The letter's words become the contact's message: a request opened from it starts with them.
        contact.body = text
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=None,
        action="contact.letter_read",
        entity_type="contact",
        entity_id=contact.id,
        request_id=contact.request_id,
        after={
            "scan_id": scan.id,
            "pages": len(pages),
            "characters": len(text),
            "references": scan.references,
            "error": scan.error or None,
        },
    )
    attach_by_references(uow, contact, scan.references)
    return scan


def attach_by_references(
    uow: UnitOfWork, contact: Contact, references: Sequence[str]
) -> ServiceRequest | None:
    """Attaches a contact not yet tied to a request to the first existing request among `references`.

    The system's counterpart of the console's « Rattacher »: no ambassador holds the item, so it is
    not required to be claimed; an item already attached (by an ambassador meanwhile) is left alone.
    """
    if contact.request_id is not None or not references:
        return None
    requests = {
        r.reference: r
        for r in uow.session.scalars(select(ServiceRequest).where(ServiceRequest.reference.in_(references)))
    }
    request = next((requests[ref] for ref in references if ref in requests), None)
    if request is None:
        return None
    item = item_of_contact(uow.session, contact)
    if item is not None:
        moved = uow.session.execute(
            update(QueueItem)
            .where(QueueItem.id == item.id, QueueItem.request_id.is_(None))
            .values(version=QueueItem.version + 1, request_id=request.id)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) != 1:
            return None
        uow.session.refresh(item)
    contact.request_id = request.id
    if contact.citizen_id is None and request.citizen_id is not None:
        contact.citizen_id = request.citizen_id
        if item is not None and item.citizen_id is None:
            item.citizen_id = request.citizen_id
    record_event(
        uow.session,
        actor_id=None,
        action="request.contact_attached",
        entity_type="request",
        entity_id=request.id,
        request_id=request.id,
        after={"contact_id": contact.id, "channel": contact.channel.value, "found_by": "ocr"},
    )
    uow.session.flush()
    if item is not None and item.status is not QueueStatus.DONE:
        queue.publish_update(uow, item)
    return request


def restart_ocr(uow: UnitOfWork, scan_id: int) -> list[str]:
    """Puts a finished or failed scan back to pending; returns the page image keys to delete."""
    scan = get_scan(uow.session, scan_id)
    keys = [p.image_key for p in scan.pages]
    scan.pages = []
    scan.status = ScanStatus.PENDING
    scan.error = ""
    uow.session.flush()
    return keys


def scans_with_status(session: Session, statuses: Sequence[ScanStatus]) -> list[int]:
    return list(
        session.scalars(select(LetterScan.id).where(LetterScan.status.in_(statuses)).order_by(LetterScan.id))
    )


@dataclass(frozen=True)
class LetterHit:
    scan: LetterScan
    item_id: int | None
    snippet: str


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_letters(session: Session, query: str, limit: int = 20) -> list[LetterHit]:
    """Letters whose text holds every word of `query` (accents and case ignored), newest first.

    A substring match on the folded text: a sequential scan, fine for the letters of a city
    (thousands a year); PostgreSQL's full-text search would be the next step.
    """
    words = fold_text(query).split()[:8]
    if not words:
        return []
    conditions = [LetterScan.search_text.like(f"%{_like_escape(w)}%", escape="\\") for w in words]
    rows = session.execute(
        select(LetterScan, Contact)
        .join(Contact, LetterScan.contact_id == Contact.id)
        .where(and_(*conditions), Contact.channel == Channel.MAIL)
        .order_by(Contact.received_at.desc(), LetterScan.id.desc())
        .limit(limit)
    ).all()
    hits = []
    for scan, contact in rows:
        item = item_of_contact(session, contact)
        hits.append(LetterHit(scan, item.id if item else None, _snippet(scan.text, words[0])))
    return hits


def _snippet(text: str, folded_word: str, width: int = 160) -> str:
    """The first line of the text that holds the word, cut around it."""
    for line in text.splitlines():
        folded = fold_text(line)
        at = folded.find(folded_word)
        if at >= 0:
            start = max(0, at - width // 3)
            piece = " ".join(line.split())[start : start + width]
            return ("…" if start else "") + piece + ("…" if start + width < len(line) else "")
    return " ".join(text.split())[:width]


def scans_of_item(session: Session, item_id: int) -> list[LetterScan]:
    """The letters an item shows: its own contact's and any that joined it, oldest first."""
    item = queue.get_item(session, item_id)
    contacts = session.scalars(
        select(Contact.id)
        .where(
            Contact.channel == Channel.MAIL,
            or_(Contact.id == item.contact_id, Contact.queue_item_id == item.id),
        )
        .order_by(Contact.received_at, Contact.id)
    )
    found = [scan_of_contact(session, contact_id) for contact_id in contacts]
    return [s for s in found if s is not None]
