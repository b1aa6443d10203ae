"""Scanned postal letters: the scan behind a mail contact, its pages and their OCR text.

The text is stored twice: as read (shown beside the page images) and folded (lower case, no accents)
for search, so that « ECLAIRAGE » finds « éclairage » on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contact_centre.domain.base import Base, JSONType, UTCDateTime, text_enum, utcnow
from contact_centre.domain.contacts import Attachment, Contact
from contact_centre.domain.references import format_reference


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
    status: Mapped[ScanStatus] = mapped_column(text_enum(ScanStatus), default=ScanStatus.PENDING)
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
