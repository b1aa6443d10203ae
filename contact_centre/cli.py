"""The `contact-centre` command: set-up, imports, accounts, demo data, serving, workers."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.mail.config import MailSettings
from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.settings import Settings, SettingsError

DATA = Path(__file__).resolve().parent / "data"


def _settings() -> Settings:
    """The settings the group read and checked before any command ran."""
    settings = click.get_current_context().find_root().obj
    if not isinstance(settings, Settings):  # a command invoked on its own (tests)
        settings = _checked_settings()
    return settings


def _app() -> Flask:
    from contact_centre.app import create_app

    return create_app(_settings())


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def _checked_settings() -> Settings:
    """The settings, or exit 2 with one French line per unusable variable (no traceback)."""
    from contact_centre.channels import load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        click.secho("Configuration invalide :", fg="red", err=True)
        for line in exc.errors:
            click.secho(f"  {line}", fg="red", err=True)
        click.echo("« contact-centre check-config » affiche toute la configuration.", err=True)
        sys.exit(2)


class _Main(click.Group):
    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        # `contact-centre serve --help` reads no settings: help stays readable with a broken configuration.
        ctx.meta["contact_centre.help"] = "--help" in rest
        return name, command, rest


@click.group(cls=_Main, help="Espace Citoyen — gestion de la relation citoyen.")
@click.pass_context
def main(ctx: click.Context) -> None:
    # Every command starts from checked settings, before a port or the database is opened;
    # check-config reads them itself, to report a bad configuration instead of stopping at it.
    if ctx.invoked_subcommand == "check-config" or ctx.resilient_parsing or ctx.meta.get("contact_centre.help"):
        return
    ctx.obj = _checked_settings()


@main.command(
    "check-config",
    help="Affiche la configuration effective par section (secrets masqués) et tous ses problèmes ; "
    "code de sortie 2 si elle en a.",
)
@click.option("-v", "--verbose", is_flag=True, help="Décrit chaque variable.")
def check_config_cmd(verbose: bool) -> None:
    from contact_centre.channels import inspect_settings

    report = inspect_settings()
    for section in report.sections:
        click.echo(f"[{section.title}]")
        width = max((len(e.env) for e in section.entries), default=0)
        for entry in section.entries:
            origin = "" if entry.from_env else "  (défaut)"
            mark = "  ← invalide" if entry.problem else ""
            click.echo(f"  {entry.env:<{width}} = {entry.shown}{origin}{mark}")
            if verbose:
                click.echo(f"  {'':<{width}}   {entry.doc}")
        click.echo()
    if report.problems:
        click.secho(f"{len(report.problems)} problème(s) :", fg="red", err=True)
        for line in report.problems:
            click.secho(f"  {line}", fg="red", err=True)
        sys.exit(2)
    click.echo("Configuration valide.")


@main.command("init-db", help="Crée ou met à jour le schéma de la base (migrations Alembic).")
def init_db() -> None:
    from contact_centre.migrate import upgrade

    settings = _settings().resolved()
    upgrade(settings.database.database_url)
    click.echo(f"Base à jour : {_redact(settings.database.database_url)}")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(f"{path} : le fichier doit être encodé en UTF-8.")
    except OSError as exc:
        _fail(f"{path} : {exc.strerror}.")
    raise AssertionError


@main.command("import-processes", help="Importe le référentiel des processus (CSV).")
@click.argument("file", type=click.Path(dir_okay=False))
def import_processes_cmd(file: str) -> None:
    from contact_centre.runtime import runtime
    from contact_centre.services.catalogue_import import CatalogueError, import_processes

    text = _read(file)
    app = _app()
    with (
        app.app_context(),
        runtime().new_uow() as uow,
        click.progressbar(length=1, label="Import des processus", file=sys.stderr) as bar,
    ):

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        try:
            summary = import_processes(uow, text, progress=progress)
        except CatalogueError as exc:
            click.echo(err=True)
            _fail("Fichier refusé, rien n'a été importé :\n  " + "\n  ".join(exc.errors))
    click.echo(
        f"Processus : {summary.created} créés, {summary.updated} mis à jour, "
        f"{summary.unchanged} inchangés, {summary.deactivated} désactivés."
    )


@main.command("import-referents", help="Importe les référents GRC (CSV).")
@click.argument("file", type=click.Path(dir_okay=False))
def import_referents_cmd(file: str) -> None:
    from contact_centre.runtime import runtime
    from contact_centre.services.catalogue_import import CatalogueError, import_referents

    text = _read(file)
    with _app().app_context(), runtime().new_uow() as uow:
        try:
            summary = import_referents(uow, text)
        except CatalogueError as exc:
            _fail("Fichier refusé, rien n'a été importé :\n  " + "\n  ".join(exc.errors))
    click.echo(
        f"Référents : {summary.created} créés, {summary.updated} mis à jour, {summary.unchanged} inchangés."
    )


@main.command("create-user", help="Crée un compte agent.")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["ambassador", "head", "patroller", "referent", "validator", "admin"]),
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="")
@click.option("--email", default=None)
def create_user_cmd(username: str, role: str, password: str, full_name: str, email: str | None) -> None:
    from contact_centre.domain.errors import DomainError
    from contact_centre.runtime import runtime
    from contact_centre.services.staff import create_user

    with _app().app_context(), runtime().new_uow() as uow:
        try:
            user = create_user(uow, username, role, password, full_name=full_name, email=email)
            uow.commit()
        except DomainError as exc:
            _fail(str(exc))
        click.echo(f"Compte créé : {user.username} ({role})")


@main.command("create-token", help="Crée un jeton d'API pour un compte et l'affiche (une seule fois).")
@click.argument("username")
@click.option("--label", default="")
def create_token_cmd(username: str, label: str) -> None:
    from contact_centre.domain.errors import DomainError
    from contact_centre.runtime import runtime
    from contact_centre.services.staff import create_token

    with _app().app_context(), runtime().new_uow() as uow:
        try:
            token = create_token(uow, username, label)
            uow.commit()
        except DomainError as exc:
            _fail(str(exc))
    click.echo(token)


@main.command("seed-demo", help="Remplit une base de démonstration (agents, référentiel, citoyens, file).")
def seed_demo_cmd() -> None:
    from contact_centre.demo import DEMO_PASSWORD, seed_demo

    app = _app()
    with app.app_context():
        logins = seed_demo(DATA)
    click.echo(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
    for username, role in logins:
        click.echo(f"  {username:<14} {role}")


@main.command("worker", help="Exécute les tâches de fond (RQ sur Redis ; nécessite REDIS_URL).")
@click.option("--burst", is_flag=True, help="S'arrête quand la file est vide.")
def worker_cmd(burst: bool) -> None:
    from rq import Worker

    from contact_centre.infrastructure.jobs import RQJobs
    from contact_centre.runtime import runtime

    settings = _settings()
    if not settings.jobs.uses_redis:
        _fail(
            "REDIS_URL n'est pas défini : sans Redis, les tâches s'exécutent dans le processus de l'application."
        )
    app = _app()
    with app.app_context():
        jobs = runtime().jobs
        assert isinstance(jobs, RQJobs)
        Worker([jobs.queue], connection=jobs.connection).work(burst=burst)


@main.command("serve", help="Sert l'application (console temps réel comprise).")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve_cmd(host: str, port: int) -> None:
    from contact_centre.app import start_sweeper
    from contact_centre.runtime import runtime

    app = _app()
    start_sweeper(app)
    with app.app_context():
        socketio = runtime().socketio
        settings = runtime().settings
    if settings.section(EmailSettings).imap_host and not settings.jobs.uses_redis:
        import threading

        from contact_centre.channels.email.mailbox import MailboxWatcher

        # Without Redis a separate `email watch` could not reach this process's consoles: watch here.
        threading.Thread(target=MailboxWatcher(app).watch, name="mailbox", daemon=True).start()
        click.echo(f"Relève de la boîte {settings.section(EmailSettings).imap_user}@{settings.section(EmailSettings).imap_host} dans ce processus")
    click.echo(f"Espace Citoyen sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    # Werkzeug's threaded server: fine for a counter of ambassadors; see the README for gunicorn.
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)


@main.group("phone", help="Canal téléphonique (Twilio).")
def phone_group() -> None:
    pass


@phone_group.command(
    "simulate", help="Joue le rôle de Twilio contre une application en marche (requêtes signées)."
)
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Adresse de l'application.")
@click.option("--from", "caller", default="+33612345678", show_default=True, help="Numéro de l'appelant.")
@click.option(
    "--outcome", type=click.Choice(["hangup", "voicemail", "wait"]), default="hangup", show_default=True
)
@click.option("--polls", default=3, show_default=True, help="Annonces d'attente avant l'issue.")
def phone_simulate_cmd(url: str, caller: str, outcome: str, polls: int) -> None:
    from contact_centre.channels.phone.simulate import SimulationError, simulate_call

    token = _settings().section(PhoneSettings).twilio_auth_token
    if not token:
        _fail(
            "TWILIO_AUTH_TOKEN doit être défini, le même que celui de l'application (toute valeur en démonstration)."
        )
    try:
        simulate_call(url, token, caller, outcome=outcome, polls=polls, echo=click.echo)
    except SimulationError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"Application injoignable à {url} : {exc}")


@main.group("mail", help="Courrier postal numérisé : dossier du scanner, lecture (OCR).")
def mail_group() -> None:
    pass


@mail_group.command(
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
def mail_watch_cmd(directory: Path | None, once: bool, interval: float | None) -> None:
    import signal
    import threading

    from contact_centre.channels.mail.watch import mail_room

    app = _app()
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
        click.echo(
            f"Surveillance de {room.incoming} (traités : {room.processed}, quarantaine : {room.quarantine})"
        )
        room.watch(
            stop,
            app.extensions["espace_citoyen"].settings.section(MailSettings).mail_scan_poll_seconds
            if interval is None
            else interval,
        )


_OUTCOMES = {"recorded": "enregistré", "duplicate": "déjà enregistré", "quarantined": "en quarantaine"}


@mail_group.command(
    "ocr", help="Relance la lecture (OCR) des courriers en attente, et des échecs avec --failed."
)
@click.option("--failed", is_flag=True, help="Relit aussi les courriers dont la lecture a échoué.")
def mail_ocr_cmd(failed: bool) -> None:
    from contact_centre.channels.mail.jobs import ocr_letter
    from contact_centre.domain.letters import ScanStatus
    from contact_centre.runtime import runtime
    from contact_centre.services import letters

    with _app().app_context():
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


@main.group("email", help="Canal courriel (IMAP en entrée, SMTP en sortie).")
def email_group() -> None:
    pass


def _watcher(stop: object = None) -> object:
    import logging

    from contact_centre.channels.email.mailbox import MailboxWatcher

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings()
    if not settings.section(EmailSettings).imap_host:
        _fail("IMAP_HOST n'est pas défini : aucune boîte aux lettres à relever.")
    return MailboxWatcher(_app(), stop=stop)  # type: ignore[arg-type]


@email_group.command("watch", help="Relève la boîte en continu (IDLE), jusqu'à Ctrl+C.")
def email_watch_cmd() -> None:
    import signal
    import threading

    from contact_centre.channels.email.mailbox import MailboxWatcher

    stop = threading.Event()
    watcher = _watcher(stop)
    assert isinstance(watcher, MailboxWatcher)
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


@email_group.command("fetch", help="Relève une fois ce qui attend dans la boîte, puis s'arrête.")
def email_fetch_cmd() -> None:
    from contact_centre.channels.email.mailbox import NETWORK_ERRORS, MailboxWatcher

    watcher = _watcher()
    assert isinstance(watcher, MailboxWatcher)
    try:
        count = watcher.run_once()
    except NETWORK_ERRORS as exc:
        _fail(f"Boîte {watcher.key} injoignable : {exc}")
    click.echo(f"{count} nouveau(x) message(s) enregistré(s).")


if __name__ == "__main__":
    main()
