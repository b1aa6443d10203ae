"""A checked scan becomes a mail contact in the queue, and its OCR is put in the jobs' hands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from contact_centre.channels.mail.scans import CheckedScan
from contact_centre.domain.base import utcnow
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import Channel
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.letters import ScanStatus
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.runtime import Runtime
from contact_centre.services import letters
from contact_centre.services.intake import InboundContact, IncomingAttachment

# How far back an ambassador may date a letter they register late.
OLDEST_RECEPTION = timedelta(days=366)


@dataclass(frozen=True)
class RecordedLetter:
    filename: str
    contact_id: int
    queue_item_id: int
    scan_id: int
    created: bool


def reception_instant(day: date | None, calendar: BusinessCalendar, now: datetime | None = None) -> datetime:
    """When a letter counts as received: now, or midday (local time) of the day the ambassador gives.

    The acknowledgement commitment counts business days from that day, whatever time it is.
    """
    now = now or utcnow()
    if day is None:
        return now
    today = now.astimezone(calendar.zone).date()
    if day > today:
        raise InvalidInput(N_("La date de réception ne peut pas être dans le futur."))
    if day < today - OLDEST_RECEPTION:
        raise InvalidInput(N_("La date de réception remonte à plus d'un an : vérifiez-la."))
    if day == today:
        return now
    return datetime.combine(day, time(12, 0), tzinfo=calendar.zone).astimezone(now.tzinfo)


def parse_day(raw: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            N_("Date de réception invalide : « {value} » (format AAAA-MM-JJ)."), value=raw
        ) from None


def record_letter(
    rt: Runtime,
    uow: UnitOfWork,
    scan: CheckedScan,
    *,
    received_at: datetime,
    source: str,
    created_by_id: int | None = None,
) -> RecordedLetter:
    """Records the letter through the one way in; OCR is enqueued once the caller commits.

    The file's SHA-256 is its external id: the same file taken twice (a retry, a restarted watcher,
    a double upload) gives back the letter already recorded.
    """
    from contact_centre.channels.mail.jobs import ocr_letter

    inbound = InboundContact(
        channel=Channel.MAIL,
        subject=f"Courrier numérisé « {scan.filename} »",
        attachments=(IncomingAttachment(scan.filename, scan.content_type, scan.data),),
        payload={"source": source, "filename": scan.filename, "kind": scan.kind, "pages": scan.page_count},
        received_at=received_at,
        external_id=f"sha256:{scan.sha256}",
        created_by_id=created_by_id,
    )
    recorded = rt.intake.record(uow, inbound)
    letter = letters.register_scan(uow, recorded.contact_id, scan.kind, scan.page_count)
    if letter.status is ScanStatus.PENDING:
        # Also for a letter recorded before: its job may have been lost with a process that stopped.
        uow.enqueue(ocr_letter, letter.id)
    return RecordedLetter(
        scan.filename, recorded.contact_id, recorded.queue_item_id, letter.id, recorded.created
    )
