"""The ports: what the domain and the services ask of the outside world, as small interfaces.

Their implementations live in `contact_centre.infrastructure` and are chosen by the app factory
(Socket.IO or nothing for the publisher, RQ or a thread pool for the jobs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

# Who hears a notification: the ambassadors' consoles, or the waiting-room screens.
CONSOLES = "consoles"
COUNTER_DISPLAYS = "counter_displays"


class Publisher(Protocol):
    """Tells live screens that something changed; called only after the change has committed."""

    def publish(self, event: str, payload: Any, *, audience: str = CONSOLES) -> None: ...


Call = tuple[Callable[..., Any], tuple[Any, ...]]


class JobQueue(Protocol):
    """Slow work asked for by a transaction (jobs take ids, never objects)."""

    def enqueue_many(self, calls: Sequence[Call]) -> None: ...
