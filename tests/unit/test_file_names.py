"""The name a person sees of a file: no path, no control nor bidi character, bounded."""

from __future__ import annotations

from contact_centre.channels.email.parse import safe_filename
from contact_centre.domain.file_names import display_filename


def test_bidi_and_control_characters_are_removed():
    assert display_filename("facture\u202efdp.exe") == "facturefdp.exe"  # shown as « facture…exe.pdf » before
    assert display_filename("rapport\u200b\u2066.pdf\u2069\x07") == "rapport.pdf"
    assert display_filename("\u202e") == "piece-jointe"
    assert safe_filename("facture\u202efdp.exe", "application/pdf", 1) == "facturefdp.exe"


def test_paths_leading_dots_and_length():
    assert display_filename("../../etc/passwd") == "passwd"
    assert display_filename("C:\\Users\\x\\photo.jpg") == "photo.jpg"
    assert display_filename("...cache", fallback="courrier") == "cache"
    assert display_filename("", fallback="courrier") == "courrier"
    long = display_filename("é" * 400 + ".pdf")
    assert len(long) == 255 and long.endswith(".pdf")
    assert display_filename("Lettre à la Mairie (copie).pdf") == "Lettre à la Mairie (copie).pdf"
