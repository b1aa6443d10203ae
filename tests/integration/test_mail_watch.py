"""The mail-room's watched folder: each file taken exactly once across restarts, bad ones quarantined."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from contact_centre.channels.mail import watch as watch_module
from contact_centre.channels.mail.watch import PROCESSING, MailRoom
from contact_centre.cli import main
from contact_centre.domain.channels import Channel
from contact_centre.domain.contacts import Contact
from contact_centre.domain.letters import LetterScan, ScanStatus
from tests.support import letters as scans


class Crash(BaseException):
    """The watcher's process killed at that instant: nothing after it runs, no handler catches it."""


@pytest.fixture
def settings(settings):
    return settings.replace(mail_scan_settle_seconds=0, mail_scan_max_pages=5)


def _drop(folder: Path, name: str, data: bytes, age: float) -> bytes:
    path = folder / name
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return data


def _mail_contacts(rt) -> list[tuple[dict, datetime]]:
    with rt.new_uow() as uow:
        return [
            (c.payload, c.received_at)
            for c in uow.session.scalars(
                select(Contact).where(Contact.channel == Channel.MAIL).order_by(Contact.id)
            )
        ]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_each_file_is_taken_once_across_restarts_and_bad_ones_are_quarantined(rt, tmp_path, monkeypatch):
    inbox = tmp_path / "scanner"
    inbox.mkdir()
    letter = _drop(inbox, "a-lettre.png", scans.png(["Lettre de madame Bérénice Fournier."]), age=100)
    pdf = _drop(
        inbox, "b-dossier.pdf", scans.multipage([["Dossier : première page"], ["Deuxième page"]], "PDF"), 90
    )
    _drop(inbox, "c-photo.pdf", scans.jpeg(["Une photo, pas un PDF."]), age=80)
    _drop(inbox, "d-vide.pdf", b"", age=70)
    _drop(inbox, "e-coupe.pdf", pdf[: len(pdf) // 2], age=60)
    tiff = _drop(inbox, "f-liasse.tif", scans.multipage([["Feuillet un"], ["Feuillet deux"]], "TIFF"), age=50)
    room = MailRoom.for_folder(inbox, rt.settings)

    # 1st run: killed just after recording the first letter, before moving it out.
    real_move = watch_module._move
    monkeypatch.setattr(watch_module, "_move", lambda *_a: (_ for _ in ()).throw(Crash()))
    with pytest.raises(Crash):
        room.scan_once()
    assert len(_mail_contacts(rt)) == 1
    assert [n.endswith("--a-lettre.png") for n in _files(inbox / PROCESSING)] == [True]

    # 2nd run: finishes the first file (already recorded: not again), then is killed while taking the next.
    monkeypatch.setattr(watch_module, "_move", real_move)
    real_record = watch_module.record_letter

    def record_then_crash_on_b(rt_, uow, scan, **kwargs):
        if scan.filename == "b-dossier.pdf":
            raise Crash()
        return real_record(rt_, uow, scan, **kwargs)

    monkeypatch.setattr(watch_module, "record_letter", record_then_crash_on_b)
    with pytest.raises(Crash):
        MailRoom.for_folder(inbox, rt.settings).scan_once()
    assert len(_mail_contacts(rt)) == 1
    assert [n.endswith("--b-dossier.pdf") for n in _files(inbox / PROCESSING)] == [True]

    # 3rd run, nothing in the way: the claimed file first, then the others oldest first. Two more were
    # dropped meanwhile: a copy of a letter already taken, and one still being written (too recent
    # for a 30 s settle time).
    monkeypatch.setattr(watch_module, "record_letter", real_record)
    _drop(inbox, "g-en-cours.png", scans.png(["Lettre du comité des fêtes."]), age=0)
    _drop(inbox, "h-copie.png", letter, age=40)
    outcomes = replace(room, settle_seconds=30).scan_once()
    assert [(o.name, o.status) for o in outcomes] == [
        ("b-dossier.pdf", "recorded"),
        ("c-photo.pdf", "quarantined"),
        ("d-vide.pdf", "quarantined"),
        ("e-coupe.pdf", "quarantined"),
        ("f-liasse.tif", "recorded"),
        ("h-copie.png", "duplicate"),
    ]
    assert _files(inbox) == ["g-en-cours.png"] and _files(inbox / PROCESSING) == []

    # 4th run, once the scanner has finished the last file.
    assert [(o.name, o.status) for o in room.scan_once()] == [("g-en-cours.png", "recorded")]
    assert _files(inbox) == [] and _files(inbox / PROCESSING) == []

    # Every good file recorded exactly once, with the file's time as its reception date; none lost.
    contacts = _mail_contacts(rt)
    assert [p["filename"] for p, _at in contacts] == [
        "a-lettre.png",
        "b-dossier.pdf",
        "f-liasse.tif",
        "g-en-cours.png",
    ]
    assert all(p["source"] == "watched_folder" for p, _at in contacts)
    assert abs(contacts[0][1].timestamp() - (time.time() - 100)) < 30
    processed = _files(inbox / "traites")
    assert sorted(n.split("--", 1)[1] for n in processed) == [
        "a-lettre.png", "b-dossier.pdf", "f-liasse.tif", "g-en-cours.png", "h-copie.png"
    ]  # fmt: skip
    assert {(inbox / "traites" / n).read_bytes() for n in processed} >= {letter, pdf, tiff}

    # Quarantined, never deleted, each with a note saying why in French.
    quarantine = inbox / "quarantaine"
    kept = [n for n in _files(quarantine) if not n.endswith(".error.txt")]
    assert sorted(n.split("--", 1)[1] for n in kept) == ["c-photo.pdf", "d-vide.pdf", "e-coupe.pdf"]
    notes = {n.split("--", 1)[1]: (quarantine / f"{n}.error.txt").read_text(encoding="utf-8") for n in kept}
    assert "est en réalité un fichier JPEG, pas un PDF" in notes["c-photo.pdf"]
    assert "est vide (0 octet)" in notes["d-vide.pdf"]
    assert "est un PDF tronqué ou endommagé" in notes["e-coupe.pdf"]
    assert all("Fichier : " in note and "n'a pas été enregistré" in note for note in notes.values())
    assert (quarantine / next(n for n in kept if n.endswith("d-vide.pdf"))).read_bytes() == b""

    # Their OCR ran once each, after the restarts as before.
    scans.run_jobs(rt)
    with rt.new_uow() as uow:
        statuses = uow.session.execute(
            select(LetterScan.page_count, LetterScan.status, LetterScan.text)
        ).all()
    assert sorted(s[0] for s in statuses) == [1, 1, 2, 2]
    assert all(s[1] is ScanStatus.DONE for s in statuses)
    assert any("Bérénice" in s[2] for s in statuses)


def test_contact_centre_mail_watch_once(settings, rt, tmp_path):
    inbox = tmp_path / "scanner"
    inbox.mkdir()
    _drop(inbox, "lettre.jpg", scans.jpeg(["Bonjour, je signale un nid-de-poule."]), age=30)
    _drop(inbox, "lettre.tiff", scans.png(["Un PNG nommé TIFF."]), age=20)
    env = {
        "DATABASE_URL": settings.database.database_url,
        "REDIS_URL": settings.jobs.redis_url,
        "SECRET_KEY": settings.app.secret_key,
        "INSTANCE_PATH": str(tmp_path / "cli-instance"),
        "ATTACHMENTS_DIR": str(settings.storage.attachments_dir),
        "SOCKETIO_CHANNEL": settings.jobs.socketio_channel,
        "RQ_QUEUE": settings.jobs.rq_queue,
        "MAIL_SCAN_SETTLE_SECONDS": "0",
        "MAIL_SCAN_QUARANTINE_DIR": str(tmp_path / "rejets"),
    }
    result = CliRunner(env=env).invoke(main, ["mail", "watch", str(inbox), "--once"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "lettre.jpg : enregistré" in result.output
    assert (
        "lettre.tiff : en quarantaine — « lettre.tiff » est en réalité un fichier PNG, pas un TIFF"
        in result.output
    )
    assert "1 courrier(s) enregistré(s), 1 en quarantaine." in result.output
    assert len(_files(tmp_path / "rejets")) == 2 and len(_files(inbox / "traites")) == 1
    with rt.new_uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LetterScan)) == 1
