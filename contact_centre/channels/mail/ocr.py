"""OCR behind a small interface; the implementation runs Tesseract's command line.

The command line rather than a binding: the page goes in on stdin and the text comes out on stdout
(no temporary files), the process gets its own environment (OMP_THREAD_LIMIT, so one OCR uses one
core and a worker per core does not oversubscribe the machine), and a timeout can kill it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import Protocol

from PIL import Image


class OcrError(Exception):
    """OCR could not run (engine missing, language missing, timeout); the message is in French."""


class Ocr(Protocol):
    def read(self, image: Image.Image, dpi: int) -> str: ...


class TesseractOcr:
    def __init__(
        self, lang: str = "fra", threads: int = 1, timeout: float = 120, binary: str = "tesseract"
    ) -> None:
        self.lang = lang
        self.threads = threads
        self.timeout = timeout
        self.binary = binary

    def read(self, image: Image.Image, dpi: int) -> str:
        path = shutil.which(self.binary)
        if path is None:
            raise OcrError(
                "Tesseract est introuvable : installez les paquets tesseract-ocr et tesseract-ocr-fra."
            )
        png = io.BytesIO()
        image.save(png, "PNG", compress_level=1)  # speed over size: it only crosses a pipe
        env = dict(os.environ, OMP_THREAD_LIMIT=str(max(1, self.threads)))
        try:
            done = subprocess.run(
                [path, "stdin", "stdout", "-l", self.lang, "--dpi", str(dpi), "--psm", "3"],
                input=png.getvalue(),
                capture_output=True,
                env=env,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrError(
                f"La lecture d'une page a dépassé {self.timeout:g} s : elle a été abandonnée."
            ) from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            message = detail[-1] if detail else f"code {done.returncode}"
            if "Failed loading language" in done.stderr.decode("utf-8", "replace"):
                raise OcrError(
                    f"Tesseract n'a pas la langue « {self.lang} » : installez le paquet tesseract-ocr-{self.lang.split('+')[0]}."
                )
            raise OcrError(f"Tesseract a échoué : {message}")
        return _tidy(done.stdout.decode("utf-8", "replace"))


def _tidy(text: str) -> str:
    """Trailing spaces off, runs of blank lines cut to one; the form feed between pages dropped."""
    lines = [line.rstrip() for line in text.replace("\f", "").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
