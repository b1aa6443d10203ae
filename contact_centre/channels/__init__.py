"""Channel adapters. Each translates what arrives (a Twilio form post, a MIME message, a scan, a
counter ticket) into an InboundContact and calls domain.intake.record_inbound_contact — nothing else.
Adapters never reach into another channel.

Each channel declares its settings section in `<name>/config.py`; the core loader is given them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contact_centre.channels.counter.config import CounterSettings
from contact_centre.channels.email.config import EmailSettings
from contact_centre.channels.mail.config import MailSettings
from contact_centre.channels.meetings.config import MeetingsSettings
from contact_centre.channels.patrol.config import PatrolSettings
from contact_centre.channels.phone.config import PhoneSettings
from contact_centre.settings import Report, Settings, inspect_env

# Until the channel registry takes them over: every channel's settings section, in check-config's order.
CHANNEL_SECTIONS: tuple[type, ...] = (
    PhoneSettings, EmailSettings, MailSettings, CounterSettings, MeetingsSettings, PatrolSettings,
)  # fmt: skip


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """The settings of the core and of every channel, from `env` (os.environ by default), checked.

    Raises SettingsError listing every problem. `overrides` set fields by name (tests)."""
    return Settings.from_env(env, CHANNEL_SECTIONS, **overrides)


def inspect_settings(env: Mapping[str, str] | None = None) -> Report:
    """What check-config prints: every section's values and every problem, without raising."""
    return inspect_env(env, CHANNEL_SECTIONS)
