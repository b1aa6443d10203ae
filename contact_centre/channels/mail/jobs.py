"""OCR of a scanned letter, run as a job (an RQ worker in production): it takes the scan's id."""

from __future__ import annotations

import logging
import time

from contact_centre.channels.mail.config import MailSettings
from contact_centre.channels.mail.ocr import Ocr, OcrError, TesseractOcr
from contact_centre.channels.mail.scans import display_png, render_pages
from contact_centre.domain.errors import NotFound
from contact_centre.domain.letters import PageResult, ScanStatus
from contact_centre.runtime import Runtime, runtime
from contact_centre.services import letters
from contact_centre.settings import Settings

log = logging.getLogger(__name__)


def ocr_engine(settings: Settings) -> Ocr:
    return TesseractOcr(
        settings.section(MailSettings).ocr_lang,
        settings.section(MailSettings).ocr_threads,
        settings.section(MailSettings).ocr_timeout_seconds,
    )


def ocr_letter(scan_id: int) -> str:
    """Renders every page, reads it, stores both; returns the scan's final status."""
    rt = runtime()
    with rt.new_uow() as uow:
        try:
            scan = letters.get_scan(uow.session, scan_id)
        except NotFound:
            return "gone"  # the contact was deleted meanwhile
        if scan.status is not ScanStatus.PENDING:
            return scan.status.value
        kind = scan.kind
        data = rt.storage.read(scan.attachment.storage_key)
    # No transaction is held while Tesseract works: SQLite's write lock stays free for the webhooks.
    pages, error, seconds = read_pages(rt, data, kind, ocr_engine(rt.settings))
    with rt.new_uow() as uow:
        result = letters.record_ocr(uow, scan_id, pages, seconds, error)
        uow.commit()
    if result is None:
        # Another run of the same job finished first: its pages are the ones kept.
        for page in pages:
            rt.storage.path(page.image_key).unlink(missing_ok=True)
        return "duplicate"
    log.info(
        "letter scan %s read: %d page(s) in %.1f s%s",
        scan_id,
        len(pages),
        seconds,
        f" ({error})" if error else "",
    )
    return result.status.value


def read_pages(rt: Runtime, data: bytes, kind: str, engine: Ocr) -> tuple[list[PageResult], str, float]:
    """Every page stored as a PNG for the console, with its text; stops reading (not rendering) at the
    first OCR failure, whose French message is returned with the pages."""
    started = time.monotonic()
    pages: list[PageResult] = []
    error = ""
    try:
        for number, (image, dpi) in enumerate(
            render_pages(data, kind, rt.settings.section(MailSettings).ocr_dpi), start=1
        ):
            if number > rt.settings.section(MailSettings).mail_scan_max_pages:
                break
            text = ""
            if not error:
                try:
                    text = engine.read(image, dpi)
                except OcrError as exc:
                    error = str(exc)
            png, width, height = display_png(image)
            stored = rt.storage.save(png)
            pages.append(PageResult(number, stored.key, width, height, text))
    except Exception:
        # Checked at intake, so unexpected (a PDF PDFium renders differently than it opens): the letter
        # is marked failed with the pages read so far rather than left pending behind retries.
        log.exception("letter rendering stopped after %d page(s)", len(pages))
        error = error or f"Le fichier n'a pu être lu que jusqu'à la page {len(pages)}."
    return pages, error, time.monotonic() - started
