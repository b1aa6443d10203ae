"""The call log's query: every call of a day, in and out, with its waits, talk time and outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from contact_centre.domain.channels import Channel
from contact_centre.domain.contact_details import format_phone_national
from contact_centre.domain.contacts import Contact
from contact_centre.domain.enums import Direction
from contact_centre.domain.queue import QueueItem


@dataclass(frozen=True)
class CallRow:
    at: datetime
    outbound: bool
    caller: str
    called: str
    citizen: str | None
    queue_seconds: int | None
    talk_seconds: int | None
    outcome: str | None
    answered_by: str | None
    item_id: int | None
    has_recording: bool


def _shown(number: str) -> str:
    return format_phone_national(number) if number.startswith("+") else (number or "—")


def call_rows(session: Session, day: date, tz: ZoneInfo) -> list[CallRow]:
    """The calls of one local day, newest first."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    contacts = session.scalars(
        select(Contact)
        .where(
            Contact.channel.in_([Channel.PHONE, Channel.VOICEMAIL]),
            Contact.received_at >= start,
            Contact.received_at < start + timedelta(days=1),
        )
        .options(joinedload(Contact.citizen), joinedload(Contact.created_by))
        .order_by(Contact.received_at.desc(), Contact.id.desc())
    ).all()
    items = dict(
        session.execute(
            select(QueueItem.contact_id, QueueItem.id).where(
                QueueItem.contact_id.in_([c.id for c in contacts])
            )
        ).all()
    )
    rows = []
    for c in contacts:
        p = c.payload
        outbound = c.direction is Direction.OUTBOUND
        rows.append(
            CallRow(
                at=c.received_at,
                outbound=outbound,
                caller=_shown(str(p.get("from", ""))),
                called=_shown(str(p.get("to", ""))),
                citizen=c.citizen.display_name if c.citizen else None,
                queue_seconds=p.get("queue_seconds"),
                talk_seconds=p.get("talk_seconds"),
                outcome=p.get("outcome"),
                answered_by=c.created_by.display_name if outbound and c.created_by else p.get("answered_by"),
                item_id=c.queue_item_id if outbound else items.get(c.id),
                has_recording=bool(p.get("recording_url")),
            )
        )
    return rows


@dataclass(frozen=True)
class CallSummary:
    total: int
    answered: int
    abandoned: int
    voicemail: int
    callbacks: int
    average_wait: int | None


def summarise(rows: list[CallRow]) -> CallSummary:
    answered = [r for r in rows if r.outcome == "answered"]
    waits = [r.queue_seconds for r in answered if r.queue_seconds is not None]
    return CallSummary(
        total=sum(1 for r in rows if not r.outbound),
        answered=len(answered),
        abandoned=sum(1 for r in rows if r.outcome == "abandoned"),
        voicemail=sum(1 for r in rows if r.outcome == "voicemail"),
        callbacks=sum(1 for r in rows if r.outbound),
        average_wait=round(sum(waits) / len(waits)) if waits else None,
    )
