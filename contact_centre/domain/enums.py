"""Closed vocabularies. Values are stored as text and appear in the API: never rename one."""

from __future__ import annotations

from enum import Enum


class Direction(str, Enum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Entity(str, Enum):
    VILLE = "ville"
    CCAS = "ccas"
    AGGLO = "agglo"


ENTITY_LABELS: dict[Entity, str] = {
    Entity.VILLE: "Ville",
    Entity.CCAS: "CCAS",
    Entity.AGGLO: "Communauté d'Agglomération",
}


class Role(str, Enum):
    AMBASSADOR = "ambassador"
    HEAD = "head"  # chef de service GRC
    PATROLLER = "patroller"
    REFERENT = "referent"
    VALIDATOR = "validator"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.AMBASSADOR: "Ambassadeur·rice",
    Role.HEAD: "Chef de service",
    Role.PATROLLER: "Patrouilleur",
    Role.REFERENT: "Référent",
    Role.VALIDATOR: "Valideur",
    Role.ADMIN: "Administrateur",
}

# Roles that work the live queue from the console.
CONSOLE_ROLES = frozenset({Role.AMBASSADOR, Role.HEAD, Role.ADMIN})


class ValidatorTitle(str, Enum):
    DGS = "dgs"
    CABINET = "cabinet"  # directeur de cabinet
    ELU = "elu"


class ContactPreference(str, Enum):
    PHONE = "phone"
    EMAIL = "email"
    MAIL = "mail"
    SMS = "sms"


class RequestStatus(str, Enum):
    NEW = "new"  # nouvelle
    IN_PROGRESS = "in_progress"  # transmise au service
    AWAITING_VALIDATION = "awaiting_validation"
    ANSWERED = "answered"
    CLOSED = "closed"


REQUEST_STATUS_LABELS: dict[RequestStatus, str] = {
    RequestStatus.NEW: "Nouvelle",
    RequestStatus.IN_PROGRESS: "En cours de traitement",
    RequestStatus.AWAITING_VALIDATION: "Réponse en validation",
    RequestStatus.ANSWERED: "Répondue",
    RequestStatus.CLOSED: "Clôturée",
}


class QueueStatus(str, Enum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    DONE = "done"


class AgentStatus(str, Enum):
    AVAILABLE = "available"
    BUSY = "busy"
    PAUSE = "pause"
    OFFLINE = "offline"


AGENT_STATUS_LABELS: dict[AgentStatus, str] = {
    AgentStatus.AVAILABLE: "Disponible",
    AgentStatus.BUSY: "Occupé·e",
    AgentStatus.PAUSE: "En pause",
    AgentStatus.OFFLINE: "Hors ligne",
}
