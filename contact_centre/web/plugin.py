"""What a channel brings to the app, declared in one place: its package's `plugin()` returns a
`ChannelPlugin`, `contact_centre.plugins.CHANNELS` lists them (a line per channel), and the app
factory, the settings loader and the CLI iterate over that list. Nothing outside the channel's package
names its modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import click
from flask import Blueprint, Flask
from flask_socketio import Namespace

from contact_centre.domain.channels import Channel, ChannelRules


@dataclass(frozen=True)
class ChannelPlugin:
    name: str
    # The channel codes it records contacts with, each with its label and its pick-up targets.
    channels: Mapping[Channel, ChannelRules] = field(default_factory=dict)
    # Pages and webhooks, registered on the app with their own URL prefix.
    pages: Sequence[Blueprint] = ()
    # The console's actions for this channel, nested under /console/api (role check and errors there).
    console_api: Sequence[Blueprint] = ()
    # Blueprints of machine clients that sign their requests instead of carrying a CSRF token.
    csrf_exempt: Sequence[Blueprint] = ()
    # Socket.IO namespaces, made per app.
    namespaces: Sequence[Callable[[], Namespace]] = ()
    # `contact-centre <name> …`: its group reads the settings and builds the app with web/commands.py.
    cli: click.Group | None = None
    # What `contact-centre serve` starts beside the web server, given the app (a thread, say).
    serve: Callable[[Flask], None] | None = None
    # Its settings section (a class of `settings.section()`), checked at start with the others.
    settings: type | None = None
    # Anything else to wire once the app exists (hooks on the domain's events).
    setup: Callable[[Flask], None] | None = None
    # Its parts of the console, from its package's templates/ and static/ folders: a template per slot
    # ("head" before the scripts, "bar", "queue" column, "item" panel), its ES modules (served at
    # /static/js/console/channels/<name>/, next to the console's own), what its modules read from the
    # page's configuration (under its name), and its entries of the console's string catalogue.
    console_panels: Mapping[str, str] = field(default_factory=dict)
    console_scripts: Sequence[str] = ()
    console_config: Callable[[], Mapping[str, Any]] | None = None
    console_strings: Mapping[str, Any] = field(default_factory=dict)
    # Its package, where its templates/ and static/ folders are (the default: contact_centre.channels.<name>).
    package: str = ""

    @property
    def import_name(self) -> str:
        return self.package or f"contact_centre.channels.{self.name}"


SLOTS = ("head", "bar", "queue", "item")


@dataclass(frozen=True)
class ConsoleParts:
    """The console's parts gathered from every plug-in, once, by the app factory."""

    panels: Mapping[str, Sequence[str]]
    scripts: Sequence[tuple[str, str]]  # (endpoint of the channel's static folder, file name)
    config: Mapping[str, Callable[[], Mapping[str, Any]]]
    strings: Mapping[str, Any]

    @classmethod
    def gather(cls, plugins: Sequence[ChannelPlugin], core_strings: Mapping[str, Any]) -> ConsoleParts:
        panels: dict[str, list[str]] = {slot: [] for slot in SLOTS}
        strings = dict(core_strings)
        for plugin in plugins:
            for slot, template in plugin.console_panels.items():
                if slot not in panels:
                    raise ValueError(
                        f"{plugin.name}: unknown console slot {slot!r} (one of {', '.join(SLOTS)})"
                    )
                panels[slot].append(template)
            clash = set(strings) & set(plugin.console_strings)
            if clash:
                raise ValueError(
                    f"{plugin.name}: console strings already defined: {', '.join(sorted(clash))}"
                )
            strings.update(plugin.console_strings)
        return cls(
            panels=panels,
            scripts=[(f"{p.name}_console.static", s) for p in plugins for s in p.console_scripts],
            config={p.name: p.console_config for p in plugins if p.console_config is not None},
            strings=strings,
        )

    @staticmethod
    def blueprint(plugin: ChannelPlugin) -> Blueprint | None:
        """Serves the plug-in's console templates and modules from its package, or None if it has none."""
        if not (plugin.console_panels or plugin.console_scripts):
            return None
        return Blueprint(
            f"{plugin.name}_console",
            plugin.import_name,
            template_folder="templates",
            static_folder="static" if plugin.console_scripts else None,
            static_url_path=f"/static/js/console/channels/{plugin.name}",
        )
