"""What the app wires together once: database, publisher, jobs, storage, calendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask import current_app, g
from flask_socketio import SocketIO
from sqlalchemy.orm import Session

from contact_centre.db import Database
from contact_centre.domain.base import utcnow
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.closures import closure_days
from contact_centre.domain.intake import InboundContact, RecordedContact, record_inbound_contact
from contact_centre.domain.storage import FileStorage
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.jobs.runner import JobRunner
from contact_centre.settings import Settings

NAMESPACE = "/console"


class SocketIOPublisher:
    """Delivers domain notifications to every console, through Redis when several processes run."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def publish(self, event: str, payload: Any) -> None:
        self.socketio.emit(event, payload, namespace=NAMESPACE)


@dataclass
class Runtime:
    settings: Settings
    database: Database
    socketio: SocketIO
    publisher: SocketIOPublisher
    jobs: JobRunner
    storage: FileStorage
    base_calendar: BusinessCalendar
    # Where "now" comes from for business-hours decisions; a test sets a fixed instant.
    clock: Callable[[], datetime] = utcnow

    def session(self) -> Session:
        """The request's session, closed at teardown."""
        if "db_session" not in g:
            g.db_session = self.database.sessions()
        return cast(Session, g.db_session)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session(), self.publisher, self.jobs)

    def new_uow(self, *, savepoints: bool = True) -> UnitOfWork:
        """A unit of work with its own session, for jobs and socket events outside a request."""
        return _ClosingUnitOfWork(self.database.sessions(), self.publisher, self.jobs, savepoints=savepoints)

    def record_contact(
        self, uow: UnitOfWork, inbound: InboundContact, calendar: BusinessCalendar | None = None
    ) -> RecordedContact:
        """The one way in, with this installation's calendar, storage and size limit."""
        return record_inbound_contact(
            uow,
            inbound,
            calendar=calendar or self.calendar(uow.session),
            storage=self.storage,
            max_attachment_bytes=self.settings.max_attachment_bytes,
        )

    def calendar(self, session: Session) -> BusinessCalendar:
        """The business calendar with the closure days an admin added, read in the caller's
        session (a second session would wait on SQLite's lock held by the first)."""
        return self.base_calendar.with_closures(c.day for c in closure_days(session))


class _ClosingUnitOfWork(UnitOfWork):
    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        self.session.close()


def runtime() -> Runtime:
    return cast(Runtime, current_app.extensions["espace_citoyen"])
