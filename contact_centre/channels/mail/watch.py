"""The mail-room scanner's folder: each file dropped there is taken exactly once, even across restarts.

A file is first claimed by an atomic rename into the `.processing` subfolder (under a unique name,
so a scanner reusing its names never overwrites anything), then recorded, then moved to the
processed folder. A watcher stopped at any point finds what it had claimed in `.processing` when it
starts again and finishes it; recording is idempotent (the file's SHA-256 is the contact's external
id), so a file recorded just before a stop is not recorded twice. A file that is not a readable scan
goes to the quarantine folder with a `.error.txt` next to it saying why. Nothing is ever deleted.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from contact_centre.channels.mail.config import MailSettings
from contact_centre.channels.mail.intake import record_letter
from contact_centre.channels.mail.scans import check_scan
from contact_centre.domain.base import utcnow
from contact_centre.domain.errors import DomainError
from contact_centre.runtime import runtime
from contact_centre.settings import Settings

log = logging.getLogger(__name__)

PROCESSING = ".processing"
_CLAIMED_RE = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{6}--(?P<name>.+)$")
# Names scanners and copy tools give to files they have not finished writing.
_UNFINISHED = (".part", ".tmp", ".crdownload", ".partial", "~")
# A modification time further ahead than this is a clock out of step, not a file still being written.
_CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class Outcome:
    name: str  # the file's name as the scanner gave it
    status: str  # recorded, duplicate, quarantined
    stored_as: Path
    message: str = ""
    queue_item_id: int | None = None


@dataclass(frozen=True)
class MailRoom:
    incoming: Path
    processed: Path
    quarantine: Path
    settle_seconds: float = 5
    timezone: str = "Europe/Paris"

    @classmethod
    def for_folder(cls, folder: Path, settings: Settings) -> MailRoom:
        return cls(
            incoming=folder,
            processed=settings.section(MailSettings).mail_scan_processed_dir or folder / "traites",
            quarantine=settings.section(MailSettings).mail_scan_quarantine_dir or folder / "quarantaine",
            settle_seconds=settings.section(MailSettings).mail_scan_settle_seconds,
            timezone=settings.app.timezone,
        )

    @property
    def processing(self) -> Path:
        return self.incoming / PROCESSING

    def prepare(self) -> None:
        for folder in (self.incoming, self.processing, self.processed, self.quarantine):
            folder.mkdir(parents=True, exist_ok=True)

    def waiting(self, now: datetime | None = None) -> list[Path]:
        """Files ready to take, oldest first; ones the scanner may still be writing are left for later."""
        instant = (now or utcnow()).timestamp()
        ready = []
        for path in self.incoming.iterdir():
            name = path.name
            if name.startswith((".", "~")) or name.lower().endswith(_UNFINISHED):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if not path.is_file():
                continue
            age = instant - stat.st_mtime
            if age >= self.settle_seconds or age < -_CLOCK_SKEW_SECONDS:
                ready.append((stat.st_mtime, name, path))
        return [path for _mtime, _name, path in sorted(ready)]

    def scan_once(self) -> list[Outcome]:
        """Finishes what a previous run had claimed, then takes every file ready now, one at a time."""
        self.prepare()
        outcomes = []
        resumed: list[Path | None] = [p for p in sorted(self.processing.iterdir()) if p.is_file()]
        if resumed:
            log.info("resuming %d file(s) claimed before a stop", len(resumed))
        # Lazily: a file is claimed only once the previous one is done, so a stop leaves at most one.
        taken = (self._claim(path) for path in self.waiting())
        for claimed in itertools.chain(resumed, taken):
            if claimed is None:
                continue
            outcome = self._process(claimed)
            if outcome:
                outcomes.append(outcome)
        return outcomes

    def watch(self, stop: threading.Event, interval: float) -> None:
        """Polls until `stop` is set; a failing pass (an unmounted share) is logged and retried."""
        while not stop.is_set():
            try:
                for outcome in self.scan_once():
                    log.info("%s: %s %s", outcome.name, outcome.status, outcome.message)
            except OSError:
                log.exception("watched folder %s unreadable; retrying in %s s", self.incoming, interval)
            stop.wait(interval)

    # ------------------------------------------------------------------ one file
    def _claim(self, path: Path) -> Path | None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = self.processing / f"{stamp}-{secrets.token_hex(3)}--{path.name}"
        try:
            # Atomic on one file system: of two watchers, one only gets the file.
            os.rename(path, target)
        except FileNotFoundError:
            return None
        return target

    def _process(self, claimed: Path) -> Outcome | None:
        match = _CLAIMED_RE.match(claimed.name)
        name = match.group("name") if match else claimed.name
        try:
            stat = claimed.stat()
            data = claimed.read_bytes()
        except FileNotFoundError:
            return None  # finished by another watcher meanwhile
        now = utcnow()
        received_at = min(datetime.fromtimestamp(stat.st_mtime, UTC), now)
        rt = runtime()
        try:
            scan = check_scan(
                name,
                data,
                max_bytes=rt.settings.section(MailSettings).mail_scan_max_bytes,
                max_pages=rt.settings.section(MailSettings).mail_scan_max_pages,
                max_pixels=rt.settings.storage.max_image_pixels,
            )
            with rt.new_uow() as uow:
                recorded = record_letter(rt, uow, scan, received_at=received_at, source="watched_folder")
                uow.commit()
        except DomainError as exc:
            return self._quarantine(claimed, name, str(exc), received_at)
        except Exception:
            # The database unreachable, say: the file stays claimed and is tried again at the next pass.
            log.exception(
                "%s could not be recorded; it stays in %s and will be tried again", name, self.processing
            )
            return None
        stored = _move(claimed, self.processed)
        return Outcome(
            name,
            "recorded" if recorded.created else "duplicate",
            stored,
            "" if recorded.created else "déjà enregistré",
            recorded.queue_item_id,
        )

    def _quarantine(self, claimed: Path, name: str, reason: str, received_at: datetime) -> Outcome:
        zone = ZoneInfo(self.timezone)
        note = (
            f"Fichier : {name}\n"
            f"Déposé le : {received_at.astimezone(zone):%d/%m/%Y à %H:%M:%S}\n"
            f"Mis en quarantaine le : {utcnow().astimezone(zone):%d/%m/%Y à %H:%M:%S}\n"
            f"Motif : {reason}\n\n"
            "Ce fichier n'a pas été enregistré. Corrigez-le (ou numérisez le courrier de nouveau) puis déposez-le "
            "dans le dossier surveillé.\n"
        )
        # The note first: if the watcher stops between the two, the file is still claimed and is
        # quarantined again, note and all, at the next start.
        note_path = self.quarantine / f"{claimed.name}.error.txt"
        tmp = note_path.with_name(note_path.name + ".tmp")
        tmp.write_text(note, encoding="utf-8")
        os.replace(tmp, note_path)
        stored = _move(claimed, self.quarantine)
        log.warning("%s quarantined: %s", name, reason)
        return Outcome(name, "quarantined", stored, reason)


def _move(path: Path, folder: Path) -> Path:
    target = folder / path.name
    # shutil.move: the processed folder may be on another file system (a rename would fail there).
    shutil.move(path, target)
    return target


def mail_room(folder: Path | None = None) -> MailRoom:
    settings = runtime().settings
    return MailRoom.for_folder(folder or settings.section(MailSettings).mail_scan_dir, settings)


def scan_once(folder: Path | None = None) -> list[Outcome]:
    return mail_room(folder).scan_once()


def watch(folder: Path | None, stop: threading.Event, interval: float | None = None) -> None:
    mail_room(folder).watch(
        stop,
        runtime().settings.section(MailSettings).mail_scan_poll_seconds if interval is None else interval,
    )
