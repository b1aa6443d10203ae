"""How many events one console connection may send: a client looping on `queue:claim` must not swamp
the server (3,000 events once took 1,898 threads and 19 s to answer)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

EVENTS_PER_SECOND = 20


class EventRate:
    """At most `limit` events in any `per`-second window, for each connection (sid)."""

    def __init__(
        self, limit: int = EVENTS_PER_SECOND, per: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.per, self.clock = limit, per, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, sid: str) -> bool:
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(sid, deque())
            while seen and now - seen[0] >= self.per:
                seen.popleft()
            if len(seen) >= self.limit:
                return False
            seen.append(now)
            return True

    def forget(self, sid: str) -> None:
        with self._lock:
            self._seen.pop(sid, None)
