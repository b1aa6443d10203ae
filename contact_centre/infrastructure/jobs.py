"""Where slow work runs. Job functions take ids, are importable, and run in an app context."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from flask import Flask

from contact_centre.ports import Call

log = logging.getLogger(__name__)


class JobRunner(Protocol):
    name: str

    def enqueue(self, func: Callable[..., Any], *args: Any) -> None: ...

    def enqueue_many(self, calls: Sequence[Call]) -> None: ...

    def status(self) -> dict[str, Any]: ...


class InProcessJobs:
    """The embedded default: a small thread pool in the app process."""

    name = "in-process"

    def __init__(self, app: Flask, workers: int = 2) -> None:
        self._app = app
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")
        self.futures: list[Future[Any]] = []

    def enqueue(self, func: Callable[..., Any], *args: Any) -> None:
        future = self._pool.submit(self._run, func, args)
        self.futures = [f for f in self.futures if not f.done()] + [future]

    def enqueue_many(self, calls: Sequence[Call]) -> None:
        for func, args in calls:
            self.enqueue(func, *args)

    def _run(self, func: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        with self._app.app_context():
            try:
                return func(*args)
            except Exception:
                # A failing job is logged, never kills the pool.
                log.exception("job %s failed", getattr(func, "__name__", func))
                raise

    def status(self) -> dict[str, Any]:
        return {"backend": self.name, "ok": True, "pending": sum(not f.done() for f in self.futures)}


class RQJobs:
    name = "rq"

    def __init__(self, redis_url: str, queue_name: str) -> None:
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(queue_name, connection=self.connection)

    def enqueue(self, func: Callable[..., Any], *args: Any) -> None:
        self.queue.enqueue(func, *args, retry=_retry())

    def enqueue_many(self, calls: Sequence[Call]) -> None:
        """In one pipeline: one round trip to Redis for a whole transaction's jobs."""
        from rq import Queue

        self.queue.enqueue_many([Queue.prepare_data(func, args, retry=_retry()) for func, args in calls])

    def status(self) -> dict[str, Any]:
        try:
            self.connection.ping()
            return {"backend": self.name, "ok": True, "queue": self.queue.name, "pending": len(self.queue)}
        except Exception as exc:
            return {"backend": self.name, "ok": False, "error": type(exc).__name__}


def _retry() -> Any:
    from rq import Retry

    return Retry(max=3, interval=[10, 60, 300])
