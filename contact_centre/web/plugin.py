"""What a channel brings to the app, declared in one place: its package's `plugin()` returns a
`ChannelPlugin`, `contact_centre.plugins.CHANNELS` lists them (a line per channel), and the app
factory, the settings loader and the CLI iterate over that list. Nothing outside the channel's package
names its modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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
    # Template of its panel in the console's item view, and its ES module under static/.
    console_panel: str | None = None
    console_script: str | None = None
