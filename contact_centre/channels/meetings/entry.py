"""A contact heard at a neighbourhood council or a GUSP meeting, as staff enter it afterwards.

It goes through the one way in like any other door; the channel's own data (which council or site,
the meeting's date, the place concerned) rides in the contact's payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contact_centre.domain.channels import Channel
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.runtime import Runtime
from contact_centre.services.intake import CitizenHints, InboundContact, RecordedContact


@dataclass(frozen=True)
class Door:
    slug: str  # in the page's address
    channel: Channel
    label: str
    place_key: str  # the payload's key for the council's name or the GUSP site


COUNCIL = Door("conseil-de-quartier", Channel.COUNCIL, "Conseil de quartier", "council")
GUSP = Door("gusp", Channel.GUSP, "GUSP", "site")
DOORS = {door.slug: door for door in (COUNCIL, GUSP)}


@dataclass(frozen=True)
class MeetingEntry:
    door: Door
    place: str
    meeting_date: date
    citizen: CitizenHints
    subject: str
    description: str
    address: str
    # One per form shown: a double click or a retried post records the contact once.
    entry_key: str
    staff_id: int

    @property
    def source(self) -> str:
        """Who brought it, when no citizen is named: « Conseil de quartier Rive Gauche »."""
        return f"{self.door.label} {self.place}"


def to_inbound(entry: MeetingEntry) -> InboundContact:
    occasion = "réunion" if entry.door is COUNCIL else "rencontre"
    lines = [entry.description.strip(), "", f"{entry.source}, {occasion} du {entry.meeting_date:%d/%m/%Y}."]
    if entry.address:
        lines.append(f"Adresse concernée : {entry.address}")
    return InboundContact(
        channel=entry.door.channel,
        citizen=entry.citizen,
        subject=entry.subject.strip(),
        body="\n".join(lines).strip(),
        payload={
            entry.door.place_key: entry.place,
            "meeting_date": entry.meeting_date.isoformat(),
            "address": entry.address,
        },
        external_id=f"saisie:{entry.entry_key}",
        created_by_id=entry.staff_id,
        # Without a citizen the item would read « Inconnu — … »: the council or the site is who.
        summary=""
        if any((entry.citizen.name, entry.citizen.phone, entry.citizen.email))
        else f"{entry.source} — {entry.subject.strip()}",
    )


def record_entry(rt: Runtime, uow: UnitOfWork, entry: MeetingEntry) -> RecordedContact:
    return rt.intake.record(uow, to_inbound(entry))
