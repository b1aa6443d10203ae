"""Scanned postal letters: the scan behind a mail contact, its pages and their OCR text.

The text is stored twice: as read (shown beside the page images) and folded (lower case, no accents)
for search, so that « ECLAIRAGE » finds « éclairage » on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint, and_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import Base, JSONType, UTCDateTime, utcnow
from contact_centre.domain.cases import Attachment, Contact, ServiceRequest
from contact_centre.domain.enums import Channel, QueueStatus
from contact_centre.domain.errors import N_, NotFound
from contact_centre.domain.people import _enum
from contact_centre.domain.references import format_reference
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.queue import service as queue
from contact_centre.queue.models import QueueItem


class ScanStatus(str, Enum):
    PENDING = "pending"  # waiting for (or in) the OCR job
    DONE = "done"
    FAILED = "failed"  # pages that could be read are kept; `error` says why the rest could not


class LetterScan(Base):
    """One scanned file (PDF, JPEG, PNG, TIFF) attached to a mail contact."""

    __tablename__ = "letter_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pdf, jpeg, png, tiff: found from the bytes
    page_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[ScanStatus] = mapped_column(_enum(ScanStatus), default=ScanStatus.PENDING)
    text: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Every GRC-… reference read in the text, in order, known or not.
    references: Mapped[list[str]] = mapped_column(JSONType, default=list)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ocr_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ocr_seconds: Mapped[float | None] = mapped_column(Float)

    attachment: Mapped[Attachment] = relationship()
    contact: Mapped[Contact] = relationship()
    pages: Mapped[list[LetterPage]] = relationship(
        back_populates="scan", cascade="all, delete-orphan", order_by="LetterPage.number"
    )


class LetterPage(Base):
    """A page rendered to PNG for the console (stored like attachments) and its OCR text."""

    __tablename__ = "letter_pages"
    __table_args__ = (UniqueConstraint("scan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("letter_scans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    image_key: Mapped[str] = mapped_column(String(255), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")

    scan: Mapped[LetterScan] = relationship(back_populates="pages")


@dataclass(frozen=True)
class PageResult:
    number: int
    image_key: str
    width: int
    height: int
    text: str


# OCR turns hyphens into dashes and sometimes splits the groups with spaces: « GRC – 2026 - 000123 ».
_DASH = r"\s*[-‐‑‒–—―]\s*"
_OCR_REFERENCE_RE = re.compile(rf"\bGRC{_DASH}(\d{{4}}){_DASH}(\d{{6}})\b", re.IGNORECASE)


def references_in(text: str) -> list[str]:
    """The request references read in OCR text, normalised, first occurrence order, no repeats."""
    found: list[str] = []
    for match in _OCR_REFERENCE_RE.finditer(text or ""):
        reference = format_reference(int(match.group(1)), int(match.group(2)))
        if reference not in found:
            found.append(reference)
    return found


def fold_text(text: str) -> str:
    """Lower case, accents off, whitespace collapsed: the search form of a text and of a query."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(bare.split())


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
