"""The channels this installation runs: one line each. The app factory, the settings loader and the CLI
iterate over them.

Adding a channel: its package under `contact_centre/channels/` with a `plugin()` (see
`web/plugin.py`), and its line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contact_centre.channels import counter, email, mail, meetings, patrol, phone
from contact_centre.settings import Report, Settings, inspect_env
from contact_centre.web.plugin import ChannelPlugin

CHANNELS = (
    phone.plugin,
    email.plugin,
    mail.plugin,
    counter.plugin,
    meetings.plugin,
    patrol.plugin,
)


def channel_plugins() -> list[ChannelPlugin]:
    return [plugin() for plugin in CHANNELS]


def channel_sections() -> tuple[type, ...]:
    """Every channel's settings section, in the order of CHANNELS (check-config's order)."""
    return tuple(plugin.settings for plugin in channel_plugins() if plugin.settings is not None)


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """The settings of the core and of every channel, from `env` (os.environ by default), checked.

    Raises SettingsError listing every problem. `overrides` set fields by name (tests)."""
    return Settings.from_env(env, channel_sections(), **overrides)


def inspect_settings(env: Mapping[str, str] | None = None) -> Report:
    """What check-config prints: every section's values and every problem, without raising."""
    return inspect_env(env, channel_sections())
