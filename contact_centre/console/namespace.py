"""Socket.IO namespace /console: the live half of the console contract (see README)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import request
from flask_babel import gettext
from flask_login import current_user
from flask_socketio import Namespace, disconnect, emit

from contact_centre.console.rate import EventRate
from contact_centre.domain.enums import CONSOLE_ROLES
from contact_centre.domain.errors import N_, DomainError, InvalidInput, NotFound
from contact_centre.queue import presence
from contact_centre.queue import service as queue
from contact_centre.runtime import NAMESPACE, runtime
from contact_centre.services.shapes import item_to_dict
from contact_centre.web.converters import MAX_ID
from contact_centre.web.errors import error_text

PROCESS_NAME = f"{socket.gethostname()}:{os.getpid()}"


def _allowed() -> bool:
    return bool(current_user.is_authenticated and current_user.role in CONSOLE_ROLES)


def guarded(handler: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """The session may have ended elsewhere (logout, password change) while this socket stayed open."""

    @wraps(handler)
    def wrapper(self: Any, *args: Any) -> dict[str, Any]:  # an event without data passes no argument
        if not _allowed():
            disconnect()
            return {
                "ok": False,
                "code": "unauthenticated",
                "reason": "Votre session a expiré : reconnectez-vous.",
            }
        if not self.rate.allow(request.sid):  # type: ignore[attr-defined]
            return {
                "ok": False,
                "code": "rate_limited",
                "reason": gettext("Trop d'actions à la fois : patientez un instant."),
            }
        return handler(self, *args)

    return wrapper


class ConsoleNamespace(Namespace):
    def __init__(self) -> None:
        super().__init__(NAMESPACE)
        # This process's open sockets, refreshed in the database by the sweep loop.
        self.local_sids: set[str] = set()
        self._lock = threading.Lock()
        self.rate = EventRate()

    def sids(self) -> list[str]:
        with self._lock:
            return list(self.local_sids)

    def _lease(self) -> timedelta:
        return timedelta(seconds=runtime().settings.queue.claim_lease_seconds)

    def on_connect(self, auth: Any = None) -> None:
        if not _allowed():
            # Refuses the handshake: the client gets connect_error with this message.
            raise ConnectionRefusedError("authentification requise")
        sid = request.sid  # type: ignore[attr-defined]
        with runtime().uow() as uow:
            presence.connected(uow, sid, current_user.id, PROCESS_NAME)
            snapshot = queue.snapshot(uow.session)
            agents = presence.agents(uow)
            uow.commit()
        with self._lock:
            self.local_sids.add(sid)
        emit("queue:snapshot", {"items": snapshot})
        emit("agents:updated", agents)

    def on_disconnect(self, reason: Any = None) -> None:
        sid = request.sid  # type: ignore[attr-defined]
        with self._lock:
            self.local_sids.discard(sid)
        self.rate.forget(sid)
        with runtime().uow() as uow:
            presence.disconnected(uow, sid, self._lease())
            uow.commit()

    def _act(self, action: Any) -> dict[str, Any]:
        try:
            with runtime().uow() as uow:
                result = action(uow)
                uow.commit()
            return {"ok": True, **(result or {})}
        except DomainError as exc:
            return {"ok": False, "reason": error_text(exc), "code": exc.code}

    @staticmethod
    def _item_id(data: Any) -> int:
        item_id = data.get("item_id") if isinstance(data, dict) else None
        if not isinstance(item_id, int) or isinstance(item_id, bool):
            raise InvalidInput(N_("item_id (entier) attendu."))
        if not 1 <= item_id <= MAX_ID:  # no row has it; the database driver would overflow on it
            raise NotFound(N_("Élément de file introuvable (n° {item_id})."), item_id=item_id)
        return item_id

    @guarded
    def on_queue_claim(self, data: Any = None) -> dict[str, Any]:
        return self._act(
            lambda uow: {"item": item_to_dict(queue.claim(uow, self._item_id(data), current_user.id))}
        )

    @guarded
    def on_queue_release(self, data: Any = None) -> dict[str, Any]:
        return self._act(
            lambda uow: {"item": item_to_dict(queue.release(uow, self._item_id(data), current_user.id))}
        )

    @guarded
    def on_agent_status(self, data: Any = None) -> dict[str, Any]:
        status = data.get("status") if isinstance(data, dict) else None
        return self._act(lambda uow: presence.set_status(uow, current_user.id, str(status)))

    @guarded
    def on_queue_snapshot(self, data: Any = None) -> dict[str, Any]:
        """A client that missed events (reconnection) asks for the whole queue again."""
        with runtime().uow() as uow:
            return {"ok": True, "items": queue.snapshot(uow.session)}

    def trigger_event(self, event: str, *args: Any) -> Any:
        # Flask-SocketIO looks for on_queue:claim; route the colon names to on_queue_claim.
        return super().trigger_event(event.replace(":", "_"), *args)
