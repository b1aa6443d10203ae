"""What a person is shown of a file's name: the sender's words, made harmless (files are stored under
generated keys, so the name is for display and download only)."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 255


def visible(text: str) -> str:
    """The text without control nor format characters (bidi overrides, zero-width marks): what is left is
    what a person reads."""
    return "".join(
        ch for ch in unicodedata.normalize("NFC", text or "") if unicodedata.category(ch) not in ("Cc", "Cf")
    )


def display_filename(raw: str, fallback: str = "piece-jointe", max_length: int = MAX_LENGTH) -> str:
    """No path, no control or format character, no leading dot, at most `max_length` characters.

    Format characters include the bidi overrides: « facture\u202efdp.exe » would read « facturexe.pdf »."""
    name = visible(re.split(r"[\\/]", raw or "")[-1]).strip().lstrip(".").strip()
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: max_length - 1 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:max_length]
        )
    return name or fallback
