"""The `contact-centre` command: set-up, imports, accounts, demo data, serving, workers; and each
channel's group (`contact-centre <channel> …`), from its plug-in."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from contact_centre.plugins import channel_plugins, inspect_settings, load_settings
from contact_centre.settings import Settings, SettingsError
from contact_centre.web.commands import CommandContext, current_settings, fail, make_app

DATA = Path(__file__).resolve().parent / "data"


def _create_app(settings: Settings) -> Flask:
    from contact_centre.app import create_app

    return create_app(settings)


def _checked_settings() -> Settings:
    """The settings, or exit 2 with one French line per unusable variable (no traceback)."""
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

    # The channels' groups come from their plug-ins, looked up when the command line is read (no
    # channel is named here): `contact-centre <channel> …` and `--help` list what CHANNELS lists.
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self._with_channels())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._with_channels().get(cmd_name)

    def _with_channels(self) -> dict[str, click.Command]:
        commands = dict(self.commands)
        for plugin in channel_plugins():
            if plugin.cli is not None:
                commands[plugin.cli.name or plugin.name] = plugin.cli
        return commands


@click.group(cls=_Main, help="Espace Citoyen — gestion de la relation citoyen.")
@click.pass_context
def main(ctx: click.Context) -> None:
    # Every command starts from checked settings, before a port or the database is opened;
    # check-config reads them itself, to report a bad configuration instead of stopping at it.
    if (
        ctx.invoked_subcommand == "check-config"
        or ctx.resilient_parsing
        or ctx.meta.get("contact_centre.help")
    ):
        return
    ctx.obj = CommandContext(settings=_checked_settings(), app_factory=_create_app)


@main.command(
    "check-config",
    help="Affiche la configuration effective par section (secrets masqués) et tous ses problèmes ; "
    "code de sortie 2 si elle en a.",
)
@click.option("-v", "--verbose", is_flag=True, help="Décrit chaque variable.")
def check_config_cmd(verbose: bool) -> None:
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

    settings = current_settings().resolved()
    upgrade(settings.database.database_url)
    click.echo(f"Base à jour : {_redact(settings.database.database_url)}")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{path} : le fichier doit être encodé en UTF-8.")
    except OSError as exc:
        fail(f"{path} : {exc.strerror}.")


@main.command("import-processes", help="Importe le référentiel des processus (CSV).")
@click.argument("file", type=click.Path(dir_okay=False))
def import_processes_cmd(file: str) -> None:
    from contact_centre.runtime import runtime
    from contact_centre.services.catalogue_import import CatalogueError, import_processes

    text = _read(file)
    app = make_app()
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
            fail("Fichier refusé, rien n'a été importé :\n  " + "\n  ".join(exc.errors))
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
    with make_app().app_context(), runtime().new_uow() as uow:
        try:
            summary = import_referents(uow, text)
        except CatalogueError as exc:
            fail("Fichier refusé, rien n'a été importé :\n  " + "\n  ".join(exc.errors))
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

    with make_app().app_context(), runtime().new_uow() as uow:
        try:
            user = create_user(uow, username, role, password, full_name=full_name, email=email)
            uow.commit()
        except DomainError as exc:
            fail(str(exc))
        click.echo(f"Compte créé : {user.username} ({role})")


@main.command("create-token", help="Crée un jeton d'API pour un compte et l'affiche (une seule fois).")
@click.argument("username")
@click.option("--label", default="")
def create_token_cmd(username: str, label: str) -> None:
    from contact_centre.domain.errors import DomainError
    from contact_centre.runtime import runtime
    from contact_centre.services.staff import create_token

    with make_app().app_context(), runtime().new_uow() as uow:
        try:
            token = create_token(uow, username, label)
            uow.commit()
        except DomainError as exc:
            fail(str(exc))
    click.echo(token)


@main.command("seed-demo", help="Remplit une base de démonstration (agents, référentiel, citoyens, file).")
def seed_demo_cmd() -> None:
    from contact_centre.demo import DEMO_PASSWORD, seed_demo

    app = make_app()
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

    settings = current_settings()
    if not settings.jobs.uses_redis:
        fail(
            "REDIS_URL n'est pas défini : sans Redis, les tâches s'exécutent dans le processus de l'application."
        )
    app = make_app()
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

    app = make_app()
    start_sweeper(app)
    with app.app_context():
        socketio = runtime().socketio
    for plugin in channel_plugins():
        if plugin.serve is not None:
            plugin.serve(app)
    click.echo(f"Espace Citoyen sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    # Werkzeug's threaded server: fine for a counter of ambassadors; see the README for gunicorn.
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)


if __name__ == "__main__":
    main()
