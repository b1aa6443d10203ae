"""What the app wires together once: database, publisher, jobs, storage, calendar, the intake."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask import current_app, g
from flask_socketio import SocketIO
from sqlalchemy.orm import Session

from contact_centre.domain.base import utcnow
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.infrastructure.db import Database
from contact_centre.infrastructure.jobs import JobRunner
from contact_centre.infrastructure.publishing import NAMESPACES
from contact_centre.infrastructure.storage import FileStorage
from contact_centre.ports import CONSOLES, Publisher
from contact_centre.services.intake import Intake
from contact_centre.settings import Settings

NAMESPACE = NAMESPACES[CONSOLES]


@dataclass
class Runtime:
    settings: Settings
    database: Database
    socketio: SocketIO
    publisher: Publisher
    jobs: JobRunner
    storage: FileStorage
    base_calendar: BusinessCalendar
    intake: Intake
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

    def calendar(self, session: Session) -> BusinessCalendar:
        return self.intake.calendar(session)


class _ClosingUnitOfWork(UnitOfWork):
    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        self.session.close()


def runtime() -> Runtime:
    return cast(Runtime, current_app.extensions["espace_citoyen"])
