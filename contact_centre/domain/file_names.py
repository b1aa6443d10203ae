"""What a person is shown of a file's name: the sender's words, made harmless (files are stored under
generated keys, so the name is for display and download only)."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 255


def display_filename(raw: str, fallback: str = "piece-jointe", max_length: int = MAX_LENGTH) -> str:
    """No path, no control or format character, no leading dot, at most `max_length` characters.

    Format characters include the bidi overrides: « facture\u202efdp.exe » would read « facturexe.pdf »."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = name.strip().lstrip(".").strip()
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - 1 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:max_length]
    return name or fallback
