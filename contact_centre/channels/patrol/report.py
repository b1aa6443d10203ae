"""A patroller's own report (autosaisine): a category of the catalogue, a place, photos.

The report becomes a contact of channel "patrol" through the one way in, tagged « autosaisine » in
its payload and in the queue item's summary, so an ambassador tells it from a citizen's request.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from contact_centre.domain.catalogue import active_processes
from contact_centre.domain.channels import Channel
from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.domain.unit_of_work import UnitOfWork
from contact_centre.runtime import Runtime
from contact_centre.services.intake import (
    InboundContact,
    IncomingAttachment,
    RecordedContact,
)

TAG = "autosaisine"
TAG_LABEL = "Autosaisine"


@dataclass(frozen=True)
class Category:
    code: str
    title: str
    service: str


@dataclass(frozen=True)
class Location:
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def source(self) -> str:
        if self.has_position:
            return "geolocation+address" if self.address else "geolocation"
        return "address"

    def label(self) -> str:
        """Where, as an ambassador reads it: the address if typed, else the coordinates."""
        if self.address:
            return self.address
        return f"{self.latitude:.5f}, {self.longitude:.5f}" if self.has_position else ""


@dataclass(frozen=True)
class PatrolReport:
    category: Category
    description: str
    location: Location
    photos: tuple[IncomingAttachment, ...]
    # One per form shown: a double tap or a network retry records the report once.
    report_key: str
    patroller_id: int


def active_categories(session: Session) -> list[Category]:
    """The active processes of the catalogue, by service then title (the page groups them)."""
    return [Category(p.code, p.title, p.service.name) for p in active_processes(session)]


def _coordinate(raw: str, low: float, high: float) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def check_location(
    address: str, latitude: str, longitude: str, accuracy: str, *, with_photos: bool
) -> Location:
    """A place for the report: the browser's position, a typed address, or both; never neither."""
    address = " ".join(address.split())
    latitude, longitude = latitude.strip(), longitude.strip()
    lat = lon = None
    if latitude or longitude:
        lat = _coordinate(latitude, -90.0, 90.0)
        lon = _coordinate(longitude, -180.0, 180.0)
        if lat is None or lon is None:
            raise InvalidInput(
                N_(
                    "La position reçue est invalide : touchez de nouveau « Utiliser ma position » ou saisissez l'adresse."
                )
            )
    if lat is None and not address:
        if with_photos:
            raise InvalidInput(
                N_(
                    "Des photos sans lieu ne suffisent pas : touchez « Utiliser ma position » ou saisissez l'adresse, puis envoyez de nouveau les photos."
                )
            )
        raise InvalidInput(N_("Indiquez le lieu : touchez « Utiliser ma position » ou saisissez l'adresse."))
    precision = _coordinate(accuracy.strip(), 0.0, 1e7) if accuracy.strip() and lat is not None else None
    return Location(address=address, latitude=lat, longitude=lon, accuracy_m=precision)


def summary_of(report: PatrolReport) -> str:
    return " — ".join(p for p in (TAG_LABEL, report.category.title, report.location.label()) if p)


def to_inbound(report: PatrolReport) -> InboundContact:
    location = report.location
    lines = [report.description.strip(), ""]
    if location.address:
        lines.append(f"Lieu : {location.address}")
    if location.has_position:
        precision = f" (± {round(location.accuracy_m)} m)" if location.accuracy_m is not None else ""
        lines.append(f"Position : {location.latitude:.6f}, {location.longitude:.6f}{precision}")
    return InboundContact(
        channel=Channel.PATROL,
        subject=f"{TAG_LABEL} — {report.category.title}",
        body="\n".join(lines).strip(),
        attachments=report.photos,
        payload={
            "tag": TAG,
            "process_code": report.category.code,
            "process_title": report.category.title,
            "service": report.category.service,
            "address": location.address,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "accuracy_m": location.accuracy_m,
            "location_source": location.source,
        },
        external_id=f"patrol:{report.report_key}",
        created_by_id=report.patroller_id,
        summary=summary_of(report),
    )


def record_report(rt: Runtime, uow: UnitOfWork, report: PatrolReport) -> RecordedContact:
    """Straight into the queue, with the channel's default priority."""
    return rt.intake.record(uow, to_inbound(report))


def uploaded(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """What the browser really sent: an empty file input still posts one nameless, empty part."""
    return [(name, data) for name, data in files if name or data]
