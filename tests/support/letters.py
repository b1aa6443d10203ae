"""Scanned letters made by the tests: French text rendered with DejaVu, as PNG, JPEG, TIFF and PDF."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from concurrent.futures import wait
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from rq import SimpleWorker

from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel
from contact_centre.domain.references import next_reference
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.infrastructure.jobs import InProcessJobs, RQJobs
from contact_centre.queue import service as queue
from contact_centre.runtime import Runtime
from contact_centre.services.service_requests import RequestDraft, create_request_from_item
from tests.support.factories import inbound, load_catalogue

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DPI = 300

LETTER = [
    "Madame, Monsieur,",
    "Je vous écris au sujet de l'éclairage public",
    "de la rue Édouard Vaillant, éteint depuis février.",
    "Référence : {reference}",
    "Veuillez agréer mes salutations distinguées.",
]


def page_image(lines: list[str], width: int = 1900, size: int = 46) -> Image.Image:
    """A page of text at 300 dpi (46 px ≈ 11 pt), black on white, tight around the lines."""
    font = ImageFont.truetype(FONT, size)
    height = 120 + len(lines) * int(size * 1.6)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((90, 60 + n * int(size * 1.6)), line, font=font, fill=0)
    return image


def encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, dpi=(DPI, DPI))
    return out.getvalue()


def png(lines: list[str]) -> bytes:
    return encode(page_image(lines), "PNG")


def jpeg(lines: list[str]) -> bytes:
    return encode(page_image(lines), "JPEG")


def multipage(pages: list[list[str]], fmt: str) -> bytes:
    """A multi-page PDF or TIFF, one image per page."""
    images = [page_image(lines) for lines in pages]
    out = io.BytesIO()
    if fmt == "PDF":
        images[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    else:
        images[0].save(
            out, "TIFF", dpi=(DPI, DPI), save_all=True, append_images=images[1:], compression="tiff_lzw"
        )
    return out.getvalue()


def letter_lines(reference: str) -> list[str]:
    return [line.format(reference=reference) for line in LETTER]


def request_numbered(app: Any, rt: Runtime, user_id: int, number: int = 123) -> str:
    """Opens a request whose reference ends in `number` (the year's counter is moved up to it)."""
    with rt.new_uow() as uow:
        load_catalogue(uow)
        item_id = inbound(rt, uow, channel=Channel.WEB, subject="Lampadaire éteint").queue_item_id
        queue.claim(uow, item_id, user_id)
        uow.commit()
    with rt.new_uow() as uow:
        year = utcnow().astimezone(rt.base_calendar.zone).year
        while next_reference(uow.session, year)[0] < number - 1:
            pass
        request = create_request_from_item(
            uow, item_id, RequestDraft("P-0003"), user_id, rt.calendar(uow.session)
        )
        reference = request.reference
        uow.commit()
    assert reference.endswith(f"-{number:06d}"), reference
    return reference


def run_jobs(rt: Runtime) -> None:
    """Runs every job enqueued so far, in-process threads or RQ, and waits for them."""
    if isinstance(rt.jobs, RQJobs):
        SimpleWorker([rt.jobs.queue], connection=rt.jobs.connection).work(burst=True)
    else:
        assert isinstance(rt.jobs, InProcessJobs)
        done, not_done = wait(rt.jobs.futures, timeout=60)
        assert not not_done, "jobs still running after 60 s"
        for future in done:
            future.result()


def wait_until(check: Callable[[], Any], timeout: float = 30, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def request_id(rt: Runtime, reference: str) -> int:
    from sqlalchemy import select

    with rt.new_uow() as uow:
        found = uow.session.scalar(select(ServiceRequest.id).where(ServiceRequest.reference == reference))
    assert found is not None
    return found
