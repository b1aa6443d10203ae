"""Logged-in HTTP sessions and Socket.IO console clients, as a browser would make them."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import requests
import socketio

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html) or re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return next(g for g in match.groups() if g)


def login(base_url: str, username: str, password: str, console: bool = True) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base_url}/login", timeout=10)
    response = http.post(
        f"{base_url}/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    page = http.get(f"{base_url}/console/" if console else f"{base_url}/", timeout=10)
    http.headers["X-CSRFToken"] = csrf_from(page.text)
    return http


class ConsoleClient:
    """A python-socketio client on /console (or another namespace) that records events and lets
    tests wait for them."""

    def __init__(self, namespace: str = "/console") -> None:
        self.namespace = namespace
        self.sio = socketio.Client(reconnection=False)
        self.events: dict[str, list[Any]] = defaultdict(list)
        self._cond = threading.Condition()
        self._closed = threading.Event()
        self.sio.on("disconnect", lambda *_a: self._closed.set(), namespace=namespace)
        self.sio.on("*", self._record, namespace=namespace)

    def _record(self, name: str, data: Any = None) -> None:
        """Every event the server sends, whatever its name (catch-all handler)."""
        with self._cond:
            self.events[name].append(data)
            self._cond.notify_all()

    def connect(self, base_url: str, http: requests.Session | None = None) -> ConsoleClient:
        headers = {}
        if http is not None:
            headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        self.sio.connect(
            base_url, namespaces=[self.namespace], headers=headers, transports=["websocket"], wait_timeout=10
        )
        return self

    def wait_for(
        self, name: str, predicate: Callable[[Any], bool] = lambda _e: True, timeout: float = 10
    ) -> Any:
        """Blocks until an event matching `predicate` has arrived (or fails after `timeout`)."""
        with self._cond:
            found = self._cond.wait_for(
                lambda: next((e for e in self.events[name] if predicate(e)), None) is not None, timeout
            )
            assert found, f"no {name} matching within {timeout}s; got {self.events[name]!r}"
            return next(e for e in self.events[name] if predicate(e))

    def wait_for_count(self, name: str, count: int, timeout: float = 10) -> list[Any]:
        """Blocks until `count` events called `name` have arrived; returns them all."""
        with self._cond:
            arrived = self._cond.wait_for(lambda: len(self.events[name]) >= count, timeout)
            assert arrived, f"{len(self.events[name])} {name} within {timeout}s, expected {count}"
            return list(self.events[name])

    def wait_disconnected(self, timeout: float = 10) -> None:
        self._closed.wait(timeout)
        assert self._closed.is_set(), "the server did not close the socket"

    def call(self, event: str, data: Any, timeout: float = 10) -> Any:
        return self.sio.call(event, data, namespace=self.namespace, timeout=timeout)

    def disconnect(self) -> None:
        """Disconnects in the background: websocket-client waits up to 3 s for the closing
        handshake, which tests observe through the server's events instead."""
        if self.sio.connected:
            threading.Thread(target=self.sio.disconnect, daemon=True).start()
