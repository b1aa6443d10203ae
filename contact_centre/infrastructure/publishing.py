"""Publishers: Socket.IO for the running app, and two that deliver nowhere (CLI, benchmarks, tests)."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO

from contact_centre.ports import CONSOLES, COUNTER_DISPLAYS

# Each audience is a Socket.IO namespace.
NAMESPACES = {CONSOLES: "/console", COUNTER_DISPLAYS: "/counter"}


class SocketIOPublisher:
    """Delivers to every connected screen, through Redis when several processes run."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def publish(self, event: str, payload: Any, *, audience: str = CONSOLES) -> None:
        self.socketio.emit(event, payload, namespace=NAMESPACES[audience])


class NullPublisher:
    def publish(self, event: str, payload: Any, *, audience: str = CONSOLES) -> None:
        return None


class RecordingPublisher:
    """Keeps what was published, for tests."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def publish(self, event: str, payload: Any, *, audience: str = CONSOLES) -> None:
        self.events.append((event, payload))
