"""One transaction, and the notifications it causes, published only once it has committed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy.orm import Session

from contact_centre.domain.audit import write_pending_events

ITEM_ADDED, ITEM_UPDATED, ITEM_REMOVED = "queue:added", "queue:updated", "queue:removed"
ITEM_EVENTS = (ITEM_ADDED, ITEM_UPDATED, ITEM_REMOVED)


class Publisher(Protocol):
    """The port through which the domain tells consoles that something changed."""

    def publish(self, event: str, payload: Any) -> None: ...


Call = tuple[Callable[..., Any], tuple[Any, ...]]


class JobQueue(Protocol):
    """The port through which the domain asks for slow work (jobs take ids, never objects)."""

    def enqueue_many(self, calls: Sequence[Call]) -> None: ...


class NullPublisher:
    def publish(self, event: str, payload: Any) -> None:
        return None


class RecordingPublisher:
    """Keeps what was published; for unit tests and for the CLI."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def publish(self, event: str, payload: Any) -> None:
        self.events.append((event, payload))


class UnitOfWork:
    def __init__(
        self,
        session: Session,
        publisher: Publisher,
        jobs: JobQueue | None = None,
        *,
        savepoints: bool = True,
    ) -> None:
        self.session = session
        self.publisher = publisher
        self.jobs = jobs
        # False when the owner redoes the whole transaction, part by part, if any part fails (the
        # mailbox's batches): parts then take no savepoint, and a failed part fails the transaction.
        self.savepoints = savepoints
        self._outbox: list[tuple[str, Any]] = []
        self._after_commit: list[Callable[[], None]] = []
        self._jobs: list[Call] = []

    def publish(self, event: str, payload: Any) -> None:
        if event == ITEM_UPDATED and self._merged(payload):
            return
        self._outbox.append((event, payload))

    def _merged(self, payload: Any) -> bool:
        """An item already announced (added or updated) in this transaction is announced once, with
        its final state: consoles hear of a new e-mail once, not once more for its acknowledgement."""
        item_id = payload.get("id") if isinstance(payload, dict) else None
        if item_id is None:
            return False
        for index in range(len(self._outbox) - 1, -1, -1):
            event, earlier = self._outbox[index]
            if event in ITEM_EVENTS and isinstance(earlier, dict) and earlier.get("id") == item_id:
                if event == ITEM_REMOVED:
                    return False
                self._outbox[index] = (event, payload)
                return True
        return False

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction that may fail alone: its rows and its notifications go together."""
        if not self.savepoints:
            yield
            return
        outbox, callbacks, jobs = list(self._outbox), list(self._after_commit), list(self._jobs)
        # Events recorded so far belong to the enclosing transaction, not to this part.
        write_pending_events(self.session)
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            self._outbox, self._after_commit, self._jobs = outbox, callbacks, jobs
            raise

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def enqueue(self, func: Callable[..., Any], *args: Any) -> None:
        """A job, queued once the transaction has committed: with this transaction's others, in one
        go (a batch of e-mails queues its acknowledgements in one Redis round trip)."""
        if self.jobs is None:
            raise RuntimeError("this unit of work has no job queue")
        self._jobs.append((func, args))

    def commit(self) -> None:
        self.session.commit()
        outbox, self._outbox = self._outbox, []
        callbacks, self._after_commit = self._after_commit, []
        jobs, self._jobs = self._jobs, []
        for event, payload in outbox:
            self.publisher.publish(event, payload)
        if jobs and self.jobs is not None:
            self.jobs.enqueue_many(jobs)
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        self.session.rollback()
        self._outbox.clear()
        self._after_commit.clear()
        self._jobs.clear()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Whatever was not committed explicitly is abandoned: no half-written record.
        if self.session.in_transaction():
            self.rollback()
