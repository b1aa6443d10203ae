"""What a citizen may see of their request, and the key that lets them see it.

References are sequential, so a reference alone must not open a request: the link the city
sends carries a key derived from the reference and the installation's secret.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from contact_centre.domain.enums import REQUEST_STATUS_LABELS, RequestStatus
from contact_centre.domain.errors import DomainError
from contact_centre.domain.people import Citizen
from contact_centre.domain.references import REFERENCE_RE
from contact_centre.domain.service_requests import ServiceRequest
from contact_centre.services.citizens import checked_email, checked_phone


def tracking_key(secret: str, reference: str) -> str:
    digest = hmac.new(secret.encode(), f"suivi:{reference.upper()}".encode(), hashlib.sha256).hexdigest()
    return digest[:20]


def key_matches(secret: str, reference: str, key: str) -> bool:
    return hmac.compare_digest(tracking_key(secret, reference), key or "")


@dataclass(frozen=True)
class PublicRequest:
    reference: str
    process: str
    service: str
    status: RequestStatus
    status_label: str
    received_on: date
    due_on: date
    closed_at: datetime | None


def public_view(session: Session, reference: str) -> PublicRequest | None:
    ref = (reference or "").strip().upper()
    if not REFERENCE_RE.fullmatch(ref):
        return None
    request = session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.reference == ref)
        .options(joinedload(ServiceRequest.process), joinedload(ServiceRequest.service))
    )
    if request is None:
        return None
    return PublicRequest(
        reference=request.reference,
        process=request.process.title,
        service=request.service.name,
        status=request.status,
        status_label=REQUEST_STATUS_LABELS[request.status],
        received_on=request.created_at.date(),
        due_on=request.due_on,
        closed_at=request.closed_at,
    )


def owner_confirms(session: Session, reference: str, contact_detail: str) -> bool:
    """True when `contact_detail` is an e-mail address or phone number of the request's citizen."""
    ref = (reference or "").strip().upper()
    if not REFERENCE_RE.fullmatch(ref):
        return False
    request = session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.reference == ref)
        .options(selectinload(ServiceRequest.citizen).selectinload(Citizen.phones))
    )
    if request is None or request.citizen is None:
        return False
    given = contact_detail.strip()
    known = {e.address for e in request.citizen.emails} | {p.e164 for p in request.citizen.phones}
    for normalise in (checked_email, checked_phone):
        try:
            if normalise(given) in known:
                return True
        except DomainError:
            continue
    return False
