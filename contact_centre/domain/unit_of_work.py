"""One transaction, and the notifications it causes, published only once it has committed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session

from contact_centre.domain.audit import write_pending_events
from contact_centre.ports import CONSOLES, Call, JobQueue, Publisher


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
        self._outbox: list[tuple[str, Any, str]] = []
        self._jobs: list[Call] = []

    def publish(self, event: str, payload: Any, *, audience: str = CONSOLES) -> None:
        self._outbox.append((event, payload, audience))

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction that may fail alone: its rows and its notifications go together."""
        if not self.savepoints:
            yield
            return
        outbox, jobs = list(self._outbox), list(self._jobs)
        # Events recorded so far belong to the enclosing transaction, not to this part.
        write_pending_events(self.session)
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            self._outbox, self._jobs = outbox, jobs
            raise

    def enqueue(self, func: Callable[..., Any], *args: Any) -> None:
        """A job, queued once the transaction has committed: with this transaction's others, in one
        go (a batch of e-mails queues its acknowledgements in one Redis round trip)."""
        if self.jobs is None:
            raise RuntimeError("this unit of work has no job queue")
        self._jobs.append((func, args))

    def commit(self) -> None:
        self.session.commit()
        outbox, self._outbox = self._outbox, []
        jobs, self._jobs = self._jobs, []
        for event, payload, audience in outbox:
            self.publisher.publish(event, payload, audience=audience)
        if jobs and self.jobs is not None:
            self.jobs.enqueue_many(jobs)

    def rollback(self) -> None:
        self.session.rollback()
        self._outbox.clear()
        self._jobs.clear()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Whatever was not committed explicitly is abandoned: no half-written record.
        if self.session.in_transaction():
            self.rollback()
