"""The waiting-room display's socket: read-only, it only listens for tickets being called."""

from __future__ import annotations

from typing import Any

from flask_socketio import Namespace, emit

from contact_centre.channels.counter import service
from contact_centre.channels.counter.pages import device_allowed
from contact_centre.runtime import runtime

DISPLAY_NAMESPACE = "/counter"


class CounterDisplayNamespace(Namespace):
    def __init__(self) -> None:
        super().__init__(DISPLAY_NAMESPACE)

    def on_connect(self, auth: Any = None) -> None:
        if not device_allowed():
            raise ConnectionRefusedError("écran non autorisé")
        rt = runtime()
        now = rt.clock()
        session = rt.session()
        day = now.astimezone(rt.calendar(session).zone).date()
        emit("counter:snapshot", {"called": service.called_today(session, day)})


def announce(ticket: dict[str, Any]) -> None:
    """Sent after commit: every display shows the number and its desk, and chimes."""
    runtime().socketio.emit("counter:called", ticket, namespace=DISPLAY_NAMESPACE)
