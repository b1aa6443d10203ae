"""Exceptional closure days an admin adds to the business calendar (a bridge day, a strike...)."""

from __future__ import annotations

from datetime import date

from contact_centre.domain.audit import record_event
from contact_centre.domain.closures import ClosureDay
from contact_centre.domain.errors import N_, Conflict
from contact_centre.domain.unit_of_work import UnitOfWork


def add_closure(uow: UnitOfWork, day: date, label: str, actor_id: int) -> ClosureDay:
    if uow.session.get(ClosureDay, day) is not None:
        raise Conflict(N_("Ce jour est déjà fermé."))
    closure = ClosureDay(day=day, label=label, created_by_id=actor_id)
    uow.session.add(closure)
    record_event(
        uow.session,
        actor_id=actor_id,
        action="closure.added",
        entity_type="closure_day",
        entity_id=day.toordinal(),
        after={"day": day.isoformat(), "label": label},
    )
    return closure


def remove_closure(uow: UnitOfWork, day: date, actor_id: int) -> bool:
    """False when the day was not closed (a second click): nothing to do."""
    row = uow.session.get(ClosureDay, day)
    if row is None:
        return False
    uow.session.delete(row)
    record_event(
        uow.session,
        actor_id=actor_id,
        action="closure.removed",
        entity_type="closure_day",
        entity_id=day.toordinal(),
        before={"day": day.isoformat(), "label": row.label},
    )
    return True
