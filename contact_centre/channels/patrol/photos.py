"""The patroller's photos, taken as what their bytes are: never by their name or the browser's word.

A camera gives JPEG (or HEIC on some phones), a screenshot PNG, a few browsers WebP. Pillow reads the
first three to the end, so a truncated or forged file is refused; it cannot decode HEIC, whose
container (an ISO-BMFF `ftyp` box with a HEIF brand) is checked instead.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from contact_centre.domain.errors import N_, RejectedFile
from contact_centre.services.intake import IncomingAttachment

# kind: (content type stored, file extension, Pillow's format name or None when Pillow cannot read it)
KINDS: dict[str, tuple[str, str, str | None]] = {
    "jpeg": ("image/jpeg", "jpg", "JPEG"),
    "png": ("image/png", "png", "PNG"),
    "webp": ("image/webp", "webp", "WEBP"),
    "heic": ("image/heic", "heic", None),
}
ACCEPTED = "JPEG, PNG, WebP, HEIC"
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})


class PhotoRejected(RejectedFile):
    """A file that cannot be taken as a patrol photo."""


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int
    max_count: int
    max_pixels: int


def sniff(data: bytes) -> str | None:
    """The kind of image the bytes are, by their signature."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS and int.from_bytes(data[:4], "big") >= 16:
        return "heic"
    return None


def _declared_pixels(data: bytes) -> int:
    """Width × height as the header states them: nothing is decoded (0 when the header is unreadable)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(image.width) * int(image.height)
    except Image.DecompressionBombError:  # over twice Pillow's own limit (the app sets it to the budget)
        return sys.maxsize
    except Exception:  # unreadable: _readable() says so
        return 0


def _readable(data: bytes, pillow_format: str) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != pillow_format:
                return False
            image.verify()
        # verify() does not decode JPEG data: loading a reduced draft reads the file to its end.
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (256, 256))
            image.load()
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, DecompressionBombError...)
        return False
    return True


def check_photo(
    number: int, filename: str, data: bytes, max_bytes: int, max_pixels: int
) -> IncomingAttachment:
    """The photo ready to record under a generated name, or PhotoRejected saying what is wrong."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or f"photo {number}"
    if not data:
        raise PhotoRejected("empty", N_("La photo « {name} » est vide : reprenez-la."), name=name)
    if len(data) > max_bytes:
        raise PhotoRejected(
            "too_large",
            N_(
                "La photo « {name} » dépasse la taille maximale ({limit} Mo) : reprenez-la en qualité réduite."
            ),
            name=name,
            limit=max(1, max_bytes // (1024 * 1024)),
        )
    kind = sniff(data)
    if kind is None:
        raise PhotoRejected(
            "unsupported_type",
            N_("« {name} » n'est pas une photo : seules les images {accepted} sont acceptées."),
            name=name,
            accepted=ACCEPTED,
        )
    content_type, extension, pillow_format = KINDS[kind]
    if pillow_format is not None and _declared_pixels(data) > max_pixels:
        raise PhotoRejected(
            "too_large",
            N_(
                "La photo « {name} » est trop grande en pixels pour être lue : reprenez-la en qualité réduite."
            ),
            name=name,
        )
    if pillow_format is not None and not _readable(data, pillow_format):
        raise PhotoRejected(
            "corrupt",
            N_("La photo « {name} » est endommagée ou incomplète : elle n'a pas pu être lue. Reprenez-la."),
            name=name,
        )
    return IncomingAttachment(filename=f"photo-{number}.{extension}", content_type=content_type, data=data)


def check_photos(files: Sequence[tuple[str, bytes]], limits: PhotoLimits) -> tuple[IncomingAttachment, ...]:
    """Every photo checked; the first bad one refuses the whole report (nothing half-recorded)."""
    if len(files) > limits.max_count:
        raise PhotoRejected(
            "too_many",
            N_("{count} photos envoyées : un signalement en compte au plus {limit}."),
            count=len(files),
            limit=limits.max_count,
        )
    return tuple(
        check_photo(n, name, data, limits.max_bytes, limits.max_pixels)
        for n, (name, data) in enumerate(files, 1)
    )
