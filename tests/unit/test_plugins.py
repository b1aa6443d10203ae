"""The channel plug-in contract: a channel is its package plus one line in contact_centre/plugins.py."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from contact_centre import plugins
from contact_centre.app import create_app
from contact_centre.cli import main
from contact_centre.plugins import CHANNELS, channel_plugins, load_settings
from contact_centre.settings import spec_of


def _listed(output: str) -> set[str]:
    """The command names `contact-centre --help` lists."""
    commands = output.split("Commands:", 1)[1]
    return {line.split()[0] for line in commands.splitlines() if line.startswith("  ") and line.strip()}


def test_every_plugin_is_named_after_its_package():
    for factory in CHANNELS:
        package = factory.__module__
        plugin = factory()
        assert package == f"contact_centre.channels.{plugin.name}"
        if plugin.cli is not None:
            assert plugin.cli.name == plugin.name  # `contact-centre <channel> …`


def test_the_cli_lists_every_plugins_group():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    groups = {plugin.cli.name for plugin in channel_plugins() if plugin.cli is not None}
    assert {"phone", "mail", "email"} <= groups <= _listed(result.output)


def test_check_config_shows_every_plugins_settings(tmp_path: Path):
    result = CliRunner(env={"INSTANCE_PATH": str(tmp_path)}).invoke(main, ["check-config"])
    assert result.exit_code == 0, result.output
    sections = [plugin.settings for plugin in channel_plugins() if plugin.settings is not None]
    assert len(sections) == len(CHANNELS)  # every channel here has settings; a new one need not
    for section in sections:
        assert f"[{section.title}]" in result.output
        for f in fields(section):
            spec = spec_of(f)
            assert spec is not None and f"  {spec.env} " in result.output


TRAMWAY = '''
"""A throwaway channel: the tramway's lost-property office."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import click
from flask import Blueprint

from contact_centre.runtime import runtime
from contact_centre.settings import setting, text
from contact_centre.web.commands import current_settings
from contact_centre.web.plugin import ChannelPlugin


@dataclass(frozen=True, kw_only=True)
class TramwaySettings:
    title: ClassVar[str] = "Tramway (objets trouvés)"

    tramway_office: str = setting("TRAMWAY_OFFICE", text, "le bureau des objets trouvés", default="Dépôt")


bp = Blueprint("tramway", __name__, url_prefix="/tramway")


@bp.get("/")
def office() -> str:
    return "Bureau : " + runtime().settings.section(TramwaySettings).tramway_office


@click.group("tramway", help="Objets trouvés du tramway.")
def group() -> None:
    pass


@group.command("office", help="Affiche le bureau.")
def office_cmd() -> None:
    click.echo("Bureau : " + current_settings().section(TramwaySettings).tramway_office)


def plugin() -> ChannelPlugin:
    return ChannelPlugin(name="tramway", pages=(bp,), cli=group, settings=TramwaySettings)
'''


@pytest.fixture
def tramway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A channel package outside contact_centre, and its one line in CHANNELS."""
    root = tmp_path / "site"
    (root / "tramway").mkdir(parents=True)
    (root / "tramway" / "__init__.py").write_text(textwrap.dedent(TRAMWAY), encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delitem(sys.modules, "tramway", raising=False)
    import tramway

    monkeypatch.setattr(plugins, "CHANNELS", (*plugins.CHANNELS, tramway.plugin))
    yield tramway
    sys.modules.pop("tramway", None)


def test_a_new_channel_needs_only_its_package_and_one_line(tramway: ModuleType, tmp_path: Path):
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "TRAMWAY_OFFICE": "Gare"}
    app = create_app(load_settings(env, testing=True))
    assert app.test_client().get("/tramway/").text == "Bureau : Gare"

    runner = CliRunner(env=env)
    assert "tramway" in _listed(runner.invoke(main, ["--help"]).output)
    office = runner.invoke(main, ["tramway", "office"])
    assert office.exit_code == 0 and office.output == "Bureau : Gare\n"
    check = runner.invoke(main, ["check-config"])
    assert "[Tramway (objets trouvés)]" in check.output and "TRAMWAY_OFFICE" in check.output

    bad = runner.invoke(main, ["tramway", "office"], env={"SMTP_PORT": "abc"})
    assert bad.exit_code == 2  # its commands start from the checked settings, like the others


def test_the_extra_channel_is_gone_with_its_line(tramway: ModuleType, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(plugins, "CHANNELS", CHANNELS)
    assert "tramway" not in _listed(CliRunner().invoke(main, ["--help"]).output)
