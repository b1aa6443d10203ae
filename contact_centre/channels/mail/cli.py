"""`contact-centre mail …`: the mail room's watched folder and the reading (OCR) of letters."""

from __future__ import annotations

import threading
from pathlib import Path

import click
from flask import Flask

from contact_centre.channels.mail.config import MailSettings
from contact_centre.runtime import Runtime
from contact_centre.web.commands import make_app


@click.group("mail", help="Courrier postal numérisé : dossier du scanner, lecture (OCR).")
def group() -> None:
    pass


@group.command(
    "watch",
    help="Surveille le dossier où le scanner dépose les courriers (MAIL_SCAN_DIR par défaut) : chaque "
    "fichier est pris une seule fois, même après un redémarrage, puis rangé dans le dossier des traités "
    "(ou en quarantaine, avec la raison, s'il est illisible).",
)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--once", is_flag=True, help="Un seul passage, puis s'arrête.")
@click.option(
    "--interval", type=float, default=None, help="Secondes entre deux passages (MAIL_SCAN_POLL_SECONDS)."
)
def watch_cmd(directory: Path | None, once: bool, interval: float | None) -> None:
    import signal

    from contact_centre.channels.mail.watch import mail_room
    from contact_centre.runtime import runtime

    app = make_app()
    with app.app_context():
        room = mail_room(directory)
        room.prepare()
        if once:
            outcomes = room.scan_once()
            for outcome in outcomes:
                line = f"{outcome.name} : {_OUTCOMES[outcome.status]}"
                click.echo(line + (f" — {outcome.message}" if outcome.message else ""))
            recorded = sum(o.status == "recorded" for o in outcomes)
            quarantined = sum(o.status == "quarantined" for o in outcomes)
            click.echo(f"{recorded} courrier(s) enregistré(s), {quarantined} en quarantaine.")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_args: stop.set())
        if not runtime().settings.jobs.uses_redis:
            click.echo(
                "Attention : sans REDIS_URL, les consoles ne verront ces courriers qu'en se reconnectant. "
                "En installation simple, « contact-centre serve » surveille le dossier lui-même.",
                err=True,
            )
        click.echo(
            f"Surveillance de {room.incoming} (traités : {room.processed}, quarantaine : {room.quarantine})"
        )
        room.watch(
            stop,
            runtime().settings.section(MailSettings).mail_scan_poll_seconds if interval is None else interval,
        )


_OUTCOMES = {"recorded": "enregistré", "duplicate": "déjà enregistré", "quarantined": "en quarantaine"}


@group.command("ocr", help="Relance la lecture (OCR) des courriers en attente, et des échecs avec --failed.")
@click.option("--failed", is_flag=True, help="Relit aussi les courriers dont la lecture a échoué.")
def ocr_cmd(failed: bool) -> None:
    from contact_centre.channels.mail.jobs import ocr_letter
    from contact_centre.domain.letters import ScanStatus
    from contact_centre.runtime import runtime
    from contact_centre.services import letters

    with make_app().app_context():
        rt = runtime()
        with rt.new_uow() as uow:
            if failed:
                for scan_id in letters.scans_with_status(uow.session, [ScanStatus.FAILED]):
                    for key in letters.restart_ocr(uow, scan_id):
                        rt.storage.path(key).unlink(missing_ok=True)
                uow.commit()
            pending = letters.scans_with_status(uow.session, [ScanStatus.PENDING])
        for scan_id in pending:
            if rt.jobs.name == "rq":
                rt.jobs.enqueue(ocr_letter, scan_id)
            else:
                # No worker outside this command without Redis: read them here, one after the other.
                click.echo(f"Courrier {scan_id} : {ocr_letter(scan_id)}")
        click.echo(f"{len(pending)} courrier(s) à lire.")


def watch_beside_serve(app: Flask) -> None:
    """`contact-centre serve` without Redis: a separate `mail watch` could not reach this process's
    consoles, so the scanner's folder is watched here, in a thread."""
    from contact_centre.channels.mail.watch import mail_room

    rt: Runtime = app.extensions["espace_citoyen"]
    if rt.settings.jobs.uses_redis:
        return
    with app.app_context():
        room = mail_room()
        room.prepare()

    def run() -> None:
        with app.app_context():
            room.watch(threading.Event(), rt.settings.section(MailSettings).mail_scan_poll_seconds)

    threading.Thread(target=run, name="mail-room", daemon=True).start()
    click.echo(f"Surveillance du dossier du scanner {room.incoming} dans ce processus")
