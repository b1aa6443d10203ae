"""Scans are judged by their bytes; references are found in OCR'd text; reception dates; search keys."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contact_centre.channels.mail.intake import parse_day, reception_instant
from contact_centre.channels.mail.ocr import _tidy
from contact_centre.channels.mail.scans import ScanRejected, check_scan, sniff
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.errors import InvalidInput
from contact_centre.domain.letters import fold_text, references_in
from tests.support import letters as scans

LIMITS = {"max_bytes": 1_000_000, "max_pages": 3, "max_pixels": 40_000_000}


def test_the_kind_comes_from_the_bytes():
    assert sniff(scans.png(["a"])) == "png"
    assert sniff(scans.jpeg(["a"])) == "jpeg"
    assert sniff(scans.multipage([["a"]], "PDF")) == "pdf"
    assert sniff(scans.multipage([["a"]], "TIFF")) == "tiff"
    assert sniff(b"GIF89a") is None


def test_a_good_scan_whatever_its_name_case_or_path():
    checked = check_scan("C:\\Scans\\LETTRE.TIF", scans.multipage([["un"], ["deux"]], "TIFF"), **LIMITS)
    assert (checked.filename, checked.kind, checked.page_count) == ("LETTRE.TIF", "tiff", 2)
    assert checked.content_type == "image/tiff" and len(checked.sha256) == 64
    # No extension at all: the bytes decide.
    assert check_scan("scan0001", scans.png(["a"]), **LIMITS).kind == "png"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("vide.pdf", b"", "empty"),
        ("photo.pdf", scans.jpeg(["a"]), "type_mismatch"),
        ("lettre.jpg", scans.png(["a"]), "type_mismatch"),
        ("lettre.gif", scans.png(["a"]), "type_mismatch"),
        ("texte.txt", b"Bonjour", "unsupported_type"),
        ("gros.pdf", b"%PDF-" + b"0" * 1_000_000, "too_large"),
        ("coupe.pdf", scans.multipage([["a"]], "PDF")[:400], "corrupt"),
        ("coupe.png", scans.png(["a"])[:300], "corrupt"),
        ("long.pdf", scans.multipage([["1"], ["2"], ["3"], ["4"]], "PDF"), "too_many_pages"),
    ],
)
def test_refusals_say_why_in_french_and_name_the_file(name, data, reason):
    with pytest.raises(ScanRejected) as refused:
        check_scan(name, data, **LIMITS)
    assert refused.value.reason == reason and refused.value.code == "invalid_input"
    assert f"« {name} »" in str(refused.value)


def test_a_pdf_whose_end_was_cut_is_refused_even_if_its_pages_survive():
    pdf = scans.multipage([["a"]], "PDF")
    cut = pdf[: pdf.rindex(b"startxref")]
    with pytest.raises(ScanRejected, match="tronqué"):
        check_scan("lettre.pdf", cut, **LIMITS)


def test_references_are_found_in_ocr_text_despite_dashes_and_spaces():
    text = "Vos réf. : grc–2026-000123 et GRC - 2025 — 000007\nGRC-2026-000123 encore ; GRC-26-1 non"
    assert references_in(text) == ["GRC-2026-000123", "GRC-2025-000007"]
    assert references_in("") == []


def test_search_keys_ignore_case_accents_and_spacing():
    assert fold_text("  ÉCLAIRAGE   Rue d’Ève\n Noël ") == "eclairage rue d’eve noel"


def test_the_reception_date_is_today_now_or_midday_of_the_day_given():
    calendar = BusinessCalendar(timezone="Europe/Paris")
    now = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    assert reception_instant(None, calendar, now) == now
    assert reception_instant(date(2026, 3, 4), calendar, now) == now
    assert reception_instant(date(2026, 3, 2), calendar, now) == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="dans le futur"):
        reception_instant(date(2026, 3, 5), calendar, now)
    with pytest.raises(InvalidInput, match="plus d'un an"):
        reception_instant(date(2025, 1, 5), calendar, now)
    assert parse_day(" 2026-03-02 ") == date(2026, 3, 2) and parse_day("") is None
    with pytest.raises(InvalidInput, match="format AAAA-MM-JJ"):
        parse_day("02/03/2026")


def test_ocr_output_is_tidied():
    assert _tidy("Bonjour  \n\n\n\nMadame\f\n") == "Bonjour\n\nMadame"


def test_scanned_mail_settings(tmp_path):
    from pathlib import Path

    from contact_centre.channels.mail.config import MailSettings
    from contact_centre.plugins import load_settings
    from contact_centre.settings import SettingsError

    defaults = load_settings({"INSTANCE_PATH": str(tmp_path)}).section(MailSettings)
    assert defaults.mail_scan_dir == tmp_path / "courrier" and defaults.mail_scan_processed_dir is None
    assert (defaults.ocr_lang, defaults.ocr_dpi, defaults.ocr_threads) == ("fra", 300, 1)
    assert defaults.mail_scan_max_bytes == 20 * 1024 * 1024
    custom = load_settings({
        "MAIL_SCAN_DIR": "/srv/scan", "MAIL_SCAN_PROCESSED_DIR": "/srv/ok", "MAIL_SCAN_QUARANTINE_DIR": "/srv/ko",
        "MAIL_SCAN_MAX_BYTES": "1000", "OCR_LANG": "fra+eng", "OCR_DPI": "200",
    }).section(MailSettings)  # fmt: skip
    assert (custom.mail_scan_dir, custom.mail_scan_processed_dir, custom.mail_scan_quarantine_dir) == (
        Path("/srv/scan"),
        Path("/srv/ok"),
        Path("/srv/ko"),
    )
    assert (custom.mail_scan_max_bytes, custom.ocr_lang, custom.ocr_dpi) == (1000, "fra+eng", 200)
    with pytest.raises(SettingsError, match="OCR_DPI : un entier entre 50 et 1200 est attendu"):
        load_settings({"OCR_DPI": "haute"})
