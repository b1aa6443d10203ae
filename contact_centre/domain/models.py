"""Imports every table so Base.metadata is complete (Alembic, tests)."""

from contact_centre.domain.audit import AuditEvent
from contact_centre.domain.base import Base
from contact_centre.domain.catalogue import Process, process_referents
from contact_centre.domain.closures import ClosureDay
from contact_centre.domain.contacts import Attachment, Contact, Note
from contact_centre.domain.counter import CounterTicket, TicketSequence
from contact_centre.domain.emails import MailboxState, OutboundMail
from contact_centre.domain.letters import LetterPage, LetterScan
from contact_centre.domain.people import ApiToken, Citizen, CitizenEmail, CitizenPhone, Service, StaffUser
from contact_centre.domain.queue import ConsoleConnection, QueueItem
from contact_centre.domain.service_requests import ReferenceCounter, ServiceRequest

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Base",
    "Citizen",
    "CitizenEmail",
    "CitizenPhone",
    "ClosureDay",
    "ConsoleConnection",
    "Contact",
    "CounterTicket",
    "LetterPage",
    "LetterScan",
    "MailboxState",
    "Note",
    "OutboundMail",
    "Process",
    "QueueItem",
    "ReferenceCounter",
    "Service",
    "ServiceRequest",
    "StaffUser",
    "TicketSequence",
    "process_referents",
]
