"""Channel codes, and the rules each channel brings: its label and how soon its items are due.

A code is stored and sent as text: never rename one. The core names the channels it has rules
about (e-mail threading, letters, the counter's tickets...); a channel package declares its own code
with `Channel.declare()` and gives its `ChannelRules` in its plug-in, which the app registers at start,
so a new channel touches nothing outside its package but its line in `contact_centre/plugins.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class Channel(str):
    """A channel code. One instance per code, so `contact.channel is Channel.EMAIL` holds."""

    _declared: ClassVar[dict[str, Channel]] = {}

    PHONE: ClassVar[Channel]
    VOICEMAIL: ClassVar[Channel]
    EMAIL: ClassVar[Channel]
    MAIL: ClassVar[Channel]  # scanned postal letter
    COUNTER: ClassVar[Channel]
    WEB: ClassVar[Channel]
    COUNCIL: ClassVar[Channel]  # conseil de quartier
    GUSP: ClassVar[Channel]  # gestion urbaine et sociale de proximité
    PATROL: ClassVar[Channel]  # the patroller's own report (autosaisine)

    def __new__(cls, code: str) -> Channel:
        """The declared channel of that code; ValueError for an unknown code (as an Enum would)."""
        try:
            return cls._declared[str(code)]
        except KeyError:
            raise ValueError(f"{code!r} is not a valid Channel") from None

    @classmethod
    def declare(cls, code: str) -> Channel:
        """The channel of that code, declared once (declaring it again gives the same instance)."""
        if code not in cls._declared:
            if not code.isascii() or not code.replace("_", "").isalnum() or len(code) > 32:
                raise ValueError(f"a channel code is up to 32 ASCII letters, digits or '_': {code!r}")
            cls._declared[code] = str.__new__(cls, code)
        return cls._declared[code]

    @classmethod
    def declared(cls) -> Iterator[Channel]:
        return iter(list(cls._declared.values()))

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"<Channel {self.value}>"

    def __reduce__(self) -> tuple[type[Channel], tuple[str]]:
        return (Channel, (self.value,))


for _name in ("phone", "voicemail", "email", "mail", "counter", "web", "council", "gusp", "patrol"):
    setattr(Channel, _name.upper(), Channel.declare(_name))


class ChannelType(TypeDecorator[Channel]):
    """A channel column: text in the database (as the Enum column was), a `Channel` in Python. A code
    no plug-in declares any more (a channel retired) still loads."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str.__str__(Channel(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Channel | None:
        return None if value is None else Channel.declare(value)


@dataclass(frozen=True)
class ChannelRules:
    """What a channel's items look like in the queue and how soon they should be picked up.

    Live channels (a caller on the line, a visitor at the desk) count in minutes; written ones count
    in business days and fall due at closing time, so a mail received on Friday evening is not late
    on Saturday morning."""

    label: str
    live_target: timedelta | None = None
    business_days: int = 2
    priority: int = 3  # 1 (a person waiting) … 4


# Contacts from the web arrive through the API until the citizens' web form has its own package.
_RULES: dict[Channel, ChannelRules] = {Channel.WEB: ChannelRules("Internet", business_days=1)}


def register_rules(channel: Channel, rules: ChannelRules) -> None:
    """Called at start for each plug-in's channels; registering the same rules again is harmless."""
    _RULES[channel] = rules


def rules_of(channel: Channel) -> ChannelRules:
    """The channel's rules; a channel no plug-in describes gets the defaults, labelled with its code."""
    return _RULES.get(channel) or ChannelRules(channel.value)


def channel_label(channel: Channel) -> str:
    return rules_of(channel).label
