"""Public request references: GRC-YYYY-NNNNNN, sequential per year, never reused."""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from contact_centre.domain.service_requests import ReferenceCounter

REFERENCE_RE = re.compile(r"\bGRC-(\d{4})-(\d{6})\b", re.IGNORECASE)


def format_reference(year: int, number: int) -> str:
    return f"GRC-{year:04d}-{number:06d}"


def parse_reference(text: str) -> str | None:
    """The first reference found in free text (a mail subject, an OCR'd letter), upper-cased."""
    match = REFERENCE_RE.search(text or "")
    return format_reference(int(match.group(1)), int(match.group(2))) if match else None


def next_reference(session: Session, year: int) -> tuple[int, str]:
    """Takes the next number for `year` inside the caller's transaction.

    The counter row is locked by the UPDATE until commit, so concurrent creators queue up;
    a rolled-back transaction gives its number back without it ever having been seen.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(ReferenceCounter).values(year=year, last_number=0).on_conflict_do_nothing())
    number = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    ).scalar_one()
    return number, format_reference(year, number)


def last_number(session: Session, year: int) -> int:
    return session.scalar(select(ReferenceCounter.last_number).where(ReferenceCounter.year == year)) or 0
