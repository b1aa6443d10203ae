"""The waiting-room display's socket: read-only, it only listens for tickets being called."""

from __future__ import annotations

from typing import Any

from flask_socketio import Namespace, emit

from contact_centre.channels.counter.pages import device_allowed
from contact_centre.infrastructure.publishing import NAMESPACES
from contact_centre.ports import COUNTER_DISPLAYS
from contact_centre.runtime import runtime
from contact_centre.services import counter as service

DISPLAY_NAMESPACE = NAMESPACES[COUNTER_DISPLAYS]


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
