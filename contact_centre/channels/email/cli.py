"""`contact-centre email …`: the city's mailbox, watched or fetched once; and its watch inside `serve`."""

from __future__ import annotations

import threading

import click
from flask import Flask

from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.email.mailbox import NETWORK_ERRORS, MailboxWatcher
from contact_centre.runtime import Runtime
from contact_centre.web.commands import current_settings, fail, make_app


@click.group("email", help="Canal courriel (IMAP en entrée, SMTP en sortie).")
def group() -> None:
    pass


def _watcher(stop: threading.Event | None = None) -> MailboxWatcher:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not current_settings().section(EmailSettings).imap_host:
        fail("IMAP_HOST n'est pas défini : aucune boîte aux lettres à relever.")
    return MailboxWatcher(make_app(), stop=stop)


@group.command("watch", help="Relève la boîte en continu (IDLE), jusqu'à Ctrl+C.")
def watch_cmd() -> None:
    import signal

    stop = threading.Event()
    watcher = _watcher(stop)
    if not watcher.settings.jobs.uses_redis:
        click.echo(
            "Attention : sans REDIS_URL, les consoles ne verront ces courriels qu'en se reconnectant. "
            "En installation simple, « contact-centre serve » relève la boîte lui-même.",
            err=True,
        )
    # Ctrl+C or a service manager's TERM: the message being recorded is finished, then it stops.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: stop.set())
    click.echo(f"Relève de {watcher.key} (Ctrl+C pour arrêter)")
    watcher.watch()
    click.echo("Relève arrêtée.")


@group.command("fetch", help="Relève une fois ce qui attend dans la boîte, puis s'arrête.")
def fetch_cmd() -> None:
    watcher = _watcher()
    try:
        count = watcher.run_once()
    except NETWORK_ERRORS as exc:
        fail(f"Boîte {watcher.key} injoignable : {exc}")
    click.echo(f"{count} nouveau(x) message(s) enregistré(s).")


def watch_beside_serve(app: Flask) -> None:
    """`contact-centre serve` without Redis: a separate `email watch` could not reach this process's
    consoles, so the mailbox is watched here, in a thread."""
    rt: Runtime = app.extensions["espace_citoyen"]
    email = rt.settings.section(EmailSettings)
    if email.imap_host and not rt.settings.jobs.uses_redis:
        threading.Thread(target=MailboxWatcher(app).watch, name="mailbox", daemon=True).start()
        click.echo(f"Relève de la boîte {email.imap_user}@{email.imap_host} dans ce processus")
