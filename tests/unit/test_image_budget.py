"""One pixel budget for every image the app decodes, checked from the header before any decoding."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import pytest
from PIL import Image

from contact_centre.channels.mail.scans import ScanRejected, check_scan
from contact_centre.channels.patrol.photos import PhotoRejected, check_photo

BUDGET = 40_000_000


def declared_png(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height; the pixel data (an empty IDAT) would not decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def frames_tiff(count: int, size: tuple[int, int] = (16, 16)) -> bytes:
    out = io.BytesIO()
    frames = [Image.new("L", size, 255) for _ in range(count)]
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


@pytest.fixture(params=["pillow's default", "the app's budget"])
def pillow_limit(request, monkeypatch):
    """With the app, Pillow's own guard is the budget too (create_app sets it): its error is a refusal."""
    if request.param == "the app's budget":
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", BUDGET)


def test_a_photo_declaring_13000_by_13000_is_refused_for_its_size_not_decoded(pillow_limit):
    data = declared_png(13_000, 13_000)  # 169 Mpx in a file of a few dozen bytes
    with pytest.raises(PhotoRejected) as refused, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # Pillow's, on opening the header
        check_photo(1, "lampadaire.png", data, max_bytes=10_000_000, max_pixels=BUDGET)
    # Refused on what the header says (not found corrupt after an attempt to decode it).
    assert refused.value.reason == "too_large"
    assert "trop grande" in refused.value.message


def test_a_scan_declaring_too_many_pixels_is_refused_before_decoding(pillow_limit):
    with pytest.raises(ScanRejected) as refused:
        check_scan(
            "lettre.png", declared_png(13_000, 13_000), max_bytes=1_000_000, max_pages=30, max_pixels=BUDGET
        )
    assert refused.value.reason == "too_large"


def test_a_tiff_with_too_many_frames_is_refused_on_its_count():
    with pytest.raises(ScanRejected) as refused:
        check_scan("lettre.tif", frames_tiff(100), max_bytes=10_000_000, max_pages=30, max_pixels=BUDGET)
    assert refused.value.reason == "too_many_pages"
    assert refused.value.params["pages"] == 100
    assert (
        check_scan(
            "lettre.tif", frames_tiff(3), max_bytes=10_000_000, max_pages=30, max_pixels=BUDGET
        ).page_count
        == 3
    )
