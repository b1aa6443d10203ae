"""Tickets: issued at the kiosk, called to a desk, recalled, or closed as a no-show.

A ticket is a contact of channel "counter" with its item in the one live queue, so a visit is
handled in the same panel as a call or a letter; the ticket adds its number, its desk and times.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from contact_centre.domain.audit import record_event
from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import Channel
from contact_centre.domain.counter import CounterTicket, TicketSequence, TicketStatus
from contact_centre.domain.enums import QueueStatus
from contact_centre.domain.errors import N_, Conflict, InvalidInput, NotFound
from contact_centre.domain.queue import QueueItem
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.ports import COUNTER_DISPLAYS
from contact_centre.queue import service as queue
from contact_centre.services.counter_reasons import Reason
from contact_centre.services.intake import InboundContact, Intake
from contact_centre.services.shapes import iso

DEFAULT_VISIT_MINUTES = 5  # before the day has any finished visit to learn from
SHOWN_ON_DISPLAY = 6


def _next_number(session: Session, day: date, letter: str) -> int:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(TicketSequence).values(day=day, letter=letter, last_number=0).on_conflict_do_nothing()
    )
    return session.execute(
        update(TicketSequence)
        .where(TicketSequence.day == day, TicketSequence.letter == letter)
        .values(last_number=TicketSequence.last_number + 1)
        .returning(TicketSequence.last_number)
    ).scalar_one()


def issue_ticket(
    intake: Intake, uow: UnitOfWork, reason: Reason, kiosk_key: str, now: datetime, calendar: BusinessCalendar
) -> CounterTicket:
    """A new ticket and its queue item; the same kiosk key twice gives back the first ticket."""
    if kiosk_key:
        found = uow.session.scalar(select(CounterTicket).where(CounterTicket.kiosk_key == kiosk_key))
        if found is not None:
            return found
    if not calendar.is_open(now):
        raise Conflict(
            N_("L'accueil est fermé : aucun ticket n'est délivré en dehors des heures d'ouverture.")
        )
    day = now.astimezone(calendar.zone).date()
    number = _next_number(uow.session, day, reason.letter)
    label = f"{reason.letter}{number:03d}"
    recorded = intake.record(
        uow,
        InboundContact(
            channel=Channel.COUNTER,
            subject=f"Ticket {label} — {reason.label}",
            payload={"ticket": label, "reason": reason.code, "reason_label": reason.label,
                     "processes": list(reason.processes)},
            received_at=now,
            external_id=f"ticket:{day.isoformat()}:{label}",
            priority=reason.priority,
        ),
        calendar,
    )  # fmt: skip
    ticket = CounterTicket(
        day=day,
        letter=reason.letter,
        number=number,
        reason=reason.code,
        kiosk_key=kiosk_key or None,
        issued_at=now,
        contact_id=recorded.contact_id,
        queue_item_id=recorded.queue_item_id,
    )
    uow.session.add(ticket)
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=None,
        action="counter.ticket_issued",
        entity_type="counter_ticket",
        entity_id=ticket.id,
        after={"ticket": label, "reason": reason.code},
    )
    return ticket


def estimated_wait_minutes(session: Session, ticket: CounterTicket, now: datetime) -> int:
    """Visitors called before this one × the day's mean visit, shared by the desks at work."""
    ahead = session.scalar(
        select(func.count())
        .select_from(CounterTicket)
        .join(QueueItem, QueueItem.id == CounterTicket.queue_item_id)
        .where(
            CounterTicket.day == ticket.day,
            CounterTicket.status == TicketStatus.WAITING,
            QueueItem.status == QueueStatus.WAITING,
            CounterTicket.id != ticket.id,
            (QueueItem.priority < ticket.queue_item.priority)
            | (
                (QueueItem.priority == ticket.queue_item.priority)
                & (CounterTicket.issued_at <= ticket.issued_at)
            ),
        )
    )
    visits = session.execute(
        select(QueueItem.claimed_at, QueueItem.done_at)
        .select_from(CounterTicket)
        .join(QueueItem, QueueItem.id == CounterTicket.queue_item_id)
        .where(
            CounterTicket.day == ticket.day,
            CounterTicket.status == TicketStatus.CALLED,
            QueueItem.done_at.isnot(None),
        )
    ).all()
    durations = [(done - called).total_seconds() / 60 for called, done in visits if called and done]
    visit = sum(durations) / len(durations) if durations else DEFAULT_VISIT_MINUTES
    desks = session.scalar(
        select(func.count(func.distinct(CounterTicket.desk))).where(
            CounterTicket.day == ticket.day, CounterTicket.called_at >= now - timedelta(hours=1)
        )
    )
    return math.ceil((ahead or 0) * visit / max(1, desks or 0))


def find_ticket(session: Session, item_id: int) -> CounterTicket | None:
    return session.scalar(select(CounterTicket).where(CounterTicket.queue_item_id == item_id))


def ticket_of_item(session: Session, item_id: int) -> CounterTicket:
    ticket = find_ticket(session, item_id)
    if ticket is None:
        raise NotFound(N_("Cet élément n'est pas un ticket d'accueil."))
    return ticket


def _check_desk(desk: str, desks: tuple[str, ...]) -> str:
    if desk not in desks:
        raise InvalidInput(N_("Choisissez d'abord votre guichet."))
    return desk


def call_ticket(
    uow: UnitOfWork, item_id: int, user_id: int, desk: str, desks: tuple[str, ...], now: datetime
) -> CounterTicket:
    """Claims the ticket's item (the same atomic claim as any item) and calls it to `desk`."""
    _check_desk(desk, desks)
    ticket = ticket_of_item(uow.session, item_id)
    if ticket.status is TicketStatus.NO_SHOW:
        raise Conflict(N_("Ce ticket a été clôturé : la personne ne s'est pas présentée."))
    queue.claim(uow, item_id, user_id)
    before = {"status": ticket.status.value, "desk": ticket.desk}
    ticket.status = TicketStatus.CALLED
    ticket.desk = desk
    ticket.called_by_id = user_id
    ticket.called_at = ticket.called_at or now
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=user_id,
        action="counter.ticket_called",
        entity_type="counter_ticket",
        entity_id=ticket.id,
        before=before,
        after={"status": ticket.status.value, "desk": desk, "ticket": ticket.label},
    )
    return ticket


def call_next(
    uow: UnitOfWork, user_id: int, desk: str, desks: tuple[str, ...], now: datetime
) -> CounterTicket:
    """The next waiting ticket by reason priority, then age; another desk taking it first is skipped."""
    _check_desk(desk, desks)
    candidates = uow.session.scalars(
        select(CounterTicket.queue_item_id)
        .join(QueueItem, QueueItem.id == CounterTicket.queue_item_id)
        .where(CounterTicket.status == TicketStatus.WAITING, QueueItem.status == QueueStatus.WAITING)
        .order_by(QueueItem.priority, CounterTicket.issued_at, CounterTicket.id)
        .limit(10)
    ).all()
    for item_id in candidates:
        try:
            return call_ticket(uow, item_id, user_id, desk, desks, now)
        except Conflict:
            continue  # called by another desk a moment ago
    raise NotFound(N_("Personne n'attend au guichet pour le moment."))


def _held_ticket(uow: UnitOfWork, item_id: int, user_id: int) -> CounterTicket:
    queue.claimed_item(uow.session, item_id, user_id)
    ticket = ticket_of_item(uow.session, item_id)
    if ticket.status is not TicketStatus.CALLED:
        raise Conflict(N_("Appelez d'abord ce ticket à votre guichet."))
    return ticket


def recall(uow: UnitOfWork, item_id: int, user_id: int) -> CounterTicket:
    ticket = _held_ticket(uow, item_id, user_id)
    ticket.recalls += 1
    record_event(
        uow.session,
        actor_id=user_id,
        action="counter.ticket_recalled",
        entity_type="counter_ticket",
        entity_id=ticket.id,
        after={"ticket": ticket.label, "desk": ticket.desk, "recalls": ticket.recalls},
    )
    return ticket


def no_show(uow: UnitOfWork, item_id: int, user_id: int) -> CounterTicket:
    """The visitor did not come to the desk: the ticket and its item are closed, with the wait kept."""
    ticket = _held_ticket(uow, item_id, user_id)
    ticket.status = TicketStatus.NO_SHOW
    record_event(
        uow.session,
        actor_id=user_id,
        action="counter.no_show",
        entity_type="counter_ticket",
        entity_id=ticket.id,
        before={"status": TicketStatus.CALLED.value},
        after={"status": TicketStatus.NO_SHOW.value, "ticket": ticket.label},
    )
    queue.complete(uow, item_id, user_id)
    return ticket


def ticket_dict(ticket: CounterTicket, reason_label: str = "") -> dict[str, Any]:
    item = ticket.queue_item
    waited = (ticket.called_at or item.done_at or ticket.issued_at) - ticket.issued_at
    # Both instants from the queue's own clock: the visit lasts from the claim to the end.
    handled = item.done_at - item.claimed_at if item.done_at and item.claimed_at else None
    return {
        "id": ticket.id,
        "ticket": ticket.label,
        "reason": ticket.reason,
        "reason_label": reason_label,
        "status": ticket.status.value,
        "desk": ticket.desk,
        "issued_at": iso(ticket.issued_at),
        "called_at": iso(ticket.called_at),
        "recalls": ticket.recalls,
        "waited_seconds": int(waited.total_seconds()) if ticket.called_at else None,
        "handled_seconds": int(handled.total_seconds()) if handled is not None else None,
        "item_id": ticket.queue_item_id,
    }


def called_today(session: Session, day: date, limit: int = SHOWN_ON_DISPLAY) -> list[dict[str, Any]]:
    """What the waiting-room display shows: the last tickets called, newest first."""
    tickets = session.scalars(
        select(CounterTicket)
        .where(CounterTicket.day == day, CounterTicket.called_at.isnot(None))
        .order_by(CounterTicket.called_at.desc(), CounterTicket.id.desc())
        .limit(limit)
    )
    return [{"ticket": t.label, "desk": t.desk, "called_at": iso(t.called_at)} for t in tickets]


def announce_call(uow: UnitOfWork, ticket: CounterTicket) -> None:
    """Every waiting-room display shows the number and its desk, and chimes (after the commit)."""
    data = ticket_dict(ticket)
    uow.publish(
        "counter:called",
        {"ticket": data["ticket"], "desk": data["desk"], "called_at": data["called_at"]},
        audience=COUNTER_DISPLAYS,
    )
