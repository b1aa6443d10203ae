"""What a scan is, found from its bytes, never from its name; and its pages as images.

Every check gives a French message an ambassador (or the mail-room clerk reading a quarantine
note) can act on. PDFium is not thread-safe: every use of it holds one lock.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

import pypdfium2 as pdfium
from PIL import Image, ImageSequence

from contact_centre.domain.errors import N_, RejectedFile
from contact_centre.domain.file_names import display_filename

_PDFIUM = threading.Lock()

# A PDF page is rendered to at most this many pixels (a poster-sized page would make a gigantic bitmap).
RENDER_MAX_PIXELS = 40_000_000

KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg", ".jpe")),
    "png": ("image/png", (".png",)),
    "tiff": ("image/tiff", (".tif", ".tiff")),
}
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "tiff": "TIFF"}
ACCEPTED = ".pdf, .jpg, .jpeg, .png, .tif, .tiff"


class ScanRejected(RejectedFile):
    """A file that cannot be taken as a scanned letter."""


@dataclass(frozen=True)
class CheckedScan:
    filename: str
    kind: str
    data: bytes
    page_count: int

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes are, by their signature."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


def _kind_of_name(filename: str) -> str | None:
    suffix = PurePath(filename).suffix.lower()
    return next((kind for kind, (_type, suffixes) in KINDS.items() if suffix in suffixes), None)


def check_scan(filename: str, data: bytes, *, max_bytes: int, max_pages: int, max_pixels: int) -> CheckedScan:
    """The file as a scan ready to record, or ScanRejected saying what is wrong with it. An image
    over `max_pixels` (MAX_IMAGE_PIXELS; an A4 page at 600 dpi is 35 Mpx) is refused before it is decoded."""
    name = display_filename(filename, fallback="courrier")
    if not data:
        raise ScanRejected(
            "empty", N_("« {name} » est vide (0 octet) : le scan n'a pas été enregistré."), name=name
        )
    if len(data) > max_bytes:
        raise ScanRejected(
            "too_large",
            N_("« {name} » dépasse la taille maximale d'un courrier numérisé ({limit} Mo)."),
            name=name,
            limit=max(1, max_bytes // (1024 * 1024)),
        )
    kind = sniff(data)
    if kind is None:
        raise ScanRejected(
            "unsupported_type",
            N_(
                "« {name} » n'est pas un scan accepté : seuls les fichiers PDF, JPEG, PNG et TIFF le sont ({accepted})."
            ),
            name=name,
            accepted=ACCEPTED,
        )
    suffix = PurePath(name).suffix
    named = _kind_of_name(name)
    if suffix and named != kind:
        raise ScanRejected(
            "type_mismatch",
            N_(
                "« {name} » est en réalité un fichier {actual}, pas un {claimed} : renommez-le ou numérisez-le de nouveau."
            ),
            name=name,
            actual=KIND_LABELS[kind],
            claimed=KIND_LABELS.get(named or "", suffix.lstrip(".").upper() or "?"),
        )
    pages = _count_pages(name, kind, data, max_pages, max_pixels)
    if pages > max_pages:
        raise ScanRejected(
            "too_many_pages",
            N_("« {name} » compte {pages} pages : un courrier numérisé en compte au plus {limit}."),
            name=name,
            pages=pages,
            limit=max_pages,
        )
    return CheckedScan(filename=name, kind=kind, data=data, page_count=pages)


def _unreadable(name: str, kind: str) -> ScanRejected:
    if kind == "pdf":
        return ScanRejected(
            "corrupt",
            N_(
                "« {name} » est un PDF tronqué ou endommagé : il n'a pas pu être lu. Numérisez le courrier de nouveau."
            ),
            name=name,
        )
    return ScanRejected(
        "corrupt",
        N_(
            "« {name} » est une image {kind} tronquée ou endommagée : elle n'a pas pu être lue. Numérisez le courrier de nouveau."
        ),
        name=name,
        kind=KIND_LABELS[kind],
    )


def _count_pages(name: str, kind: str, data: bytes, max_pages: int, max_pixels: int) -> int:
    """Opens the whole file (every page or frame) so that a damaged one is refused at once; an image's
    frames are counted, and each one's size read from its header, before any of them is decoded."""
    if kind == "pdf":
        # A PDF ends with %%EOF: without it the file was cut (an interrupted copy or scan), even
        # when PDFium could rebuild what is left.
        if b"%%EOF" not in data[-2048:]:
            raise _unreadable(name, kind)
        with _PDFIUM:
            try:
                pdf = pdfium.PdfDocument(data)
                try:
                    count = len(pdf)
                    for index in range(count):
                        pdf[index].close()
                finally:
                    pdf.close()
            except pdfium.PdfiumError as exc:
                raise _unreadable(name, kind) from exc
        if count == 0:
            raise _unreadable(name, kind)
        return count
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = int(getattr(image, "n_frames", 1))  # walks the TIFF directories, decodes nothing
            if frames > max_pages:
                return frames
            for frame in ImageSequence.Iterator(image):
                if frame.width * frame.height > max_pixels:
                    raise Image.DecompressionBombError(f"{frame.width}x{frame.height}")
            count = 0
            for frame in ImageSequence.Iterator(image):
                frame.load()
                count += 1
            return count
    except Image.DecompressionBombError as exc:
        raise ScanRejected(
            "too_large", N_("« {name} » est une image trop grande pour être affichée et lue."), name=name
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _unreadable(name, kind) from exc


def render_pages(data: bytes, kind: str, dpi: int) -> Iterator[tuple[Image.Image, int]]:
    """Each page as a grayscale image and its resolution, one at a time: PDF pages rendered at
    about `dpi`, images as scanned (their own resolution when they carry one, else `dpi`)."""
    if kind == "pdf":
        with _PDFIUM:
            pdf = pdfium.PdfDocument(data)
            count = len(pdf)
        try:
            for index in range(count):
                with _PDFIUM:
                    page = pdf[index]
                    width, height = page.get_size()
                    scale = dpi / 72
                    # A poster-sized page would make a gigantic bitmap: cap the pixels, not the page.
                    pixels = width * height * scale * scale
                    if pixels > RENDER_MAX_PIXELS:
                        scale *= (RENDER_MAX_PIXELS / pixels) ** 0.5
                    image = page.render(scale=scale, grayscale=True).to_pil()
                    page.close()
                yield image, round(scale * 72)
        finally:
            with _PDFIUM:
                pdf.close()
        return
    with Image.open(io.BytesIO(data)) as source:
        for frame in ImageSequence.Iterator(source):
            stated = frame.info.get("dpi") or source.info.get("dpi")
            resolution = round(float(stated[0])) if stated and float(stated[0]) >= 70 else dpi
            yield frame.convert("L"), resolution


def display_png(image: Image.Image, max_width: int = 1240) -> tuple[bytes, int, int]:
    """The page as the console shows it: at most ~150 dpi for an A4, grayscale PNG."""
    shown = image
    if image.width > max_width:
        shown = image.resize(
            (max_width, round(image.height * max_width / image.width)), Image.Resampling.LANCZOS
        )
    out = io.BytesIO()
    shown.save(out, "PNG", optimize=False)
    return out.getvalue(), shown.width, shown.height
