"""Scanned postal mail: the mail-room scanner's folder, its limits, and Tesseract's OCR."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from contact_centre.settings import Invalid, directory, integer, setting

_LANGS = re.compile(r"^[A-Za-z_]+(\+[A-Za-z_]+)*$")


def ocr_languages(raw: str) -> str:
    value = raw.strip()
    if not _LANGS.match(value):
        raise Invalid("des langues Tesseract séparées par + sont attendues (ex. fra ou fra+eng)")
    return value


@dataclass(frozen=True, kw_only=True)
class MailSettings:
    title: ClassVar[str] = "Courrier numérisé et OCR"

    mail_scan_dir: Path = setting(
        "MAIL_SCAN_DIR", directory, "dossier surveillé par « contact-centre mail watch »",
        derive=lambda read: read["INSTANCE_PATH"] / "courrier",
    )  # fmt: skip
    # Empty processed/quarantine folders default to subfolders of the watched one.
    mail_scan_processed_dir: Path | None = setting(
        "MAIL_SCAN_PROCESSED_DIR",
        directory,
        "où vont les fichiers pris ; vide : DOSSIER/traites",
        default=None,
    )
    mail_scan_quarantine_dir: Path | None = setting(
        "MAIL_SCAN_QUARANTINE_DIR", directory, "où vont les fichiers illisibles ; vide : DOSSIER/quarantaine",
        default=None,
    )  # fmt: skip
    mail_scan_max_bytes: int = setting(
        "MAIL_SCAN_MAX_BYTES",
        integer(1),
        "taille maximale d'un courrier numérisé, en octets",
        default=20 * 1024 * 1024,
    )
    mail_scan_max_pages: int = setting(
        "MAIL_SCAN_MAX_PAGES", integer(1), "nombre maximal de pages", default=30
    )
    # A file younger than this may still be being written by the scanner: it is taken at a later poll.
    mail_scan_settle_seconds: int = setting(
        "MAIL_SCAN_SETTLE_SECONDS", integer(0), "âge minimal d'un fichier avant de le prendre", default=5
    )
    mail_scan_poll_seconds: int = setting(
        "MAIL_SCAN_POLL_SECONDS", integer(1), "intervalle entre deux passages sur le dossier", default=5
    )
    ocr_lang: str = setting("OCR_LANG", ocr_languages, "langues de Tesseract (-l)", default="fra")
    ocr_dpi: int = setting("OCR_DPI", integer(50, 1200), "résolution du rendu des pages PDF", default=300)
    # One thread per OCR lets a worker per core run without oversubscription.
    ocr_threads: int = setting(
        "OCR_THREADS", integer(1), "fils de Tesseract par lecture (OMP_THREAD_LIMIT)", default=1
    )
    ocr_timeout_seconds: int = setting(
        "OCR_TIMEOUT_SECONDS", integer(1), "temps maximal de lecture d'une page", default=120
    )
