"""What every `contact-centre` subcommand is given, a channel's group included: the settings the main
group read and checked, an app built from them, and how a command stops with a French message.

The main group (`contact_centre/cli.py`) puts a `CommandContext` on the click context before any
subcommand runs; the channels' commands read it from here, as they cannot import the entry points.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import click
from flask import Flask

from contact_centre.settings import Settings


@dataclass(frozen=True)
class CommandContext:
    # The settings, read and checked once, before any port or the database is opened.
    settings: Settings
    # The app factory (`create_app`), given by the main group.
    app_factory: Callable[[Settings], Flask]


def _context() -> CommandContext:
    obj = click.get_current_context().find_root().obj
    if not isinstance(obj, CommandContext):
        raise RuntimeError("a contact-centre subcommand runs under the `contact-centre` group (cli.main)")
    return obj


def current_settings() -> Settings:
    """The settings the main group read and checked before the command ran."""
    return _context().settings


def make_app() -> Flask:
    """The app, built from those settings."""
    context = _context()
    return context.app_factory(context.settings)


def fail(message: str) -> NoReturn:
    """Stop the command: the message in red on stderr, exit status 1."""
    click.secho(message, fg="red", err=True)
    sys.exit(1)
