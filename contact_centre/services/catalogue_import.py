"""Importing the process catalogue and its referents from CSV files the city edits.

The whole file is checked before anything is written: an invalid file changes nothing and
every problem is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.catalogue import Process, process_referents
from contact_centre.domain.contact_details import fold_name
from contact_centre.domain.enums import Entity, Role
from contact_centre.domain.people import Service, StaffUser
from contact_centre.domain.unit_of_work import UnitOfWork

PROCESS_COLUMNS = (
    "code",
    "title",
    "description",
    "keywords",
    "service",
    "entity",
    "referents",
    "commitment_days",
    "patroller_visit",
    "documents",
    "response_template",
    "active",
)
REQUIRED_PROCESS_COLUMNS = ("code", "title", "service", "entity", "commitment_days")
REFERENT_COLUMNS = ("username", "full_name", "email", "service", "entity")
YES = {"oui", "o", "yes", "y", "true", "1", "vrai"}
NO = {"non", "n", "no", "false", "0", "faux", ""}


class CatalogueError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProcessRow:
    line: int
    code: str
    title: str
    description: str
    keywords: list[str]
    service: str
    entity: Entity
    referents: list[str]
    commitment_days: int
    patroller_visit: bool
    documents: list[str]
    response_template: str
    active: bool


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _flag(value: str, line: int, column: str, errors: list[str]) -> bool:
    folded = (value or "").strip().lower()
    if folded in YES:
        return True
    if folded in NO:
        return False
    errors.append(f"ligne {line} : « {column} » doit valoir oui ou non, reçu « {value} »")
    return False


def _reader(text: str, columns: Iterable[str], required: Iterable[str]) -> csv.DictReader[str]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise CatalogueError([f"ligne 1 : colonnes manquantes : {', '.join(missing)}"])
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise CatalogueError([f"ligne 1 : colonnes inconnues : {', '.join(unknown)}"])
    return reader


def parse_processes(text: str) -> list[ProcessRow]:
    reader = _reader(text, PROCESS_COLUMNS, REQUIRED_PROCESS_COLUMNS)
    rows: list[ProcessRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        if None in raw:
            errors.append(f"ligne {line} : trop de colonnes")
            continue
        get = {k: (v or "").strip() for k, v in raw.items()}
        code = get.get("code", "").upper()
        if not code:
            errors.append(f"ligne {line} : code manquant")
            continue
        if code in seen:
            errors.append(f"ligne {line} : code {code} déjà présent ligne {seen[code]}")
            continue
        seen[code] = line
        if not get.get("title"):
            errors.append(f"ligne {line} : intitulé manquant pour {code}")
        if not get.get("service"):
            errors.append(f"ligne {line} : service manquant pour {code}")
        try:
            entity = Entity(get.get("entity", "").lower())
        except ValueError:
            errors.append(f"ligne {line} : entité « {get.get('entity')} » inconnue (ville, ccas ou agglo)")
            entity = Entity.VILLE
        try:
            days = int(get.get("commitment_days", ""))
            if not 0 <= days <= 365:
                raise ValueError
        except ValueError:
            errors.append(
                f"ligne {line} : délai « {get.get('commitment_days')} » invalide (jours ouvrés, 0 à 365)"
            )
            days = 0
        rows.append(
            ProcessRow(
                line=line,
                code=code,
                title=get.get("title", "")[:200],
                description=get.get("description", ""),
                keywords=_split(get.get("keywords", "")),
                service=get.get("service", ""),
                entity=entity,
                referents=_split(get.get("referents", "")),
                commitment_days=days,
                patroller_visit=_flag(get.get("patroller_visit", ""), line, "patroller_visit", errors),
                documents=_split(get.get("documents", "")),
                response_template=get.get("response_template", ""),
                active=_flag(get.get("active", "oui") or "oui", line, "active", errors),
            )
        )
    if errors:
        raise CatalogueError(errors)
    if not rows:
        raise CatalogueError(["le fichier ne contient aucun processus"])
    return rows


def _services(session: Session) -> dict[tuple[str, Entity], Service]:
    return {(s.name, s.entity): s for s in session.scalars(select(Service))}


def _service_for(
    session: Session, cache: dict[tuple[str, Entity], Service], name: str, entity: Entity
) -> Service:
    if (name, entity) not in cache:
        service = Service(name=name, entity=entity)
        session.add(service)
        session.flush()
        cache[(name, entity)] = service
    return cache[(name, entity)]


def search_text(row: ProcessRow) -> str:
    return fold_name(" ".join([row.code, row.title, *row.keywords, row.service]))


def import_processes(
    uow: UnitOfWork,
    text: str,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Creates or updates by code; codes missing from the file are deactivated, never deleted."""
    rows = parse_processes(text)
    session = uow.session
    users = {u.username: u for u in session.scalars(select(StaffUser))}
    errors = []
    for row in rows:
        for username in row.referents:
            user = users.get(username)
            if user is None:
                errors.append(f"ligne {row.line} : référent inconnu « {username} » ({row.code})")
            elif user.role is not Role.REFERENT:
                errors.append(f"ligne {row.line} : « {username} » n'a pas le rôle référent ({row.code})")
    if errors:
        raise CatalogueError(errors)

    summary = ImportSummary()
    services = _services(session)
    existing = {p.code: p for p in session.scalars(select(Process))}
    current_refs: dict[int, list[int]] = {}
    for pid, uid in session.execute(
        select(process_referents.c.process_id, process_referents.c.user_id).order_by(process_referents.c.rank)
    ):
        current_refs.setdefault(pid, []).append(uid)
    now = utcnow()
    for index, row in enumerate(rows, start=1):
        service = _service_for(session, services, row.service, row.entity)
        values = {
            "title": row.title,
            "description": row.description,
            "keywords": row.keywords,
            "search_text": search_text(row),
            "service_id": service.id,
            "commitment_days": row.commitment_days,
            "patroller_visit": row.patroller_visit,
            "documents": row.documents,
            "response_template": row.response_template,
            "active": row.active,
        }
        referent_ids = [users[u].id for u in row.referents]
        process = existing.get(row.code)
        if process is None:
            process = Process(code=row.code, updated_at=now, **values)
            session.add(process)
            session.flush()
            summary.created += 1
            record_event(
                session,
                actor_id=actor_id,
                action="process.created",
                entity_type="process",
                entity_id=process.id,
                after={"code": row.code, **_jsonable(values)},
            )
        else:
            before = {k: getattr(process, k) for k in values}
            if before != values or current_refs.get(process.id, []) != referent_ids:
                for key, value in values.items():
                    setattr(process, key, value)
                process.updated_at = now
                summary.updated += 1
                record_event(
                    session,
                    actor_id=actor_id,
                    action="process.updated",
                    entity_type="process",
                    entity_id=process.id,
                    before=_jsonable(before),
                    after=_jsonable(values),
                )
            else:
                summary.unchanged += 1
        if current_refs.get(process.id, []) != referent_ids:
            session.execute(delete(process_referents).where(process_referents.c.process_id == process.id))
            if referent_ids:
                session.execute(
                    insert(process_referents),
                    [
                        {"process_id": process.id, "user_id": uid, "rank": r}
                        for r, uid in enumerate(referent_ids)
                    ],
                )
        if progress:
            progress(index, len(rows))
    in_file = {row.code for row in rows}
    for code, process in existing.items():
        if code not in in_file and process.active:
            process.active = False
            process.updated_at = now
            summary.deactivated += 1
            record_event(
                session,
                actor_id=actor_id,
                action="process.deactivated",
                entity_type="process",
                entity_id=process.id,
                before={"active": True},
                after={"active": False},
            )
    uow.commit()
    return summary


def _jsonable(values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if k != "search_text"}


def import_referents(uow: UnitOfWork, text: str, actor_id: int | None = None) -> ImportSummary:
    """Referents are staff accounts without a password until an admin sets one."""
    reader = _reader(text, REFERENT_COLUMNS, REFERENT_COLUMNS)
    session = uow.session
    services = _services(session)
    users = {u.username: u for u in session.scalars(select(StaffUser))}
    summary = ImportSummary()
    errors: list[str] = []
    parsed = []
    for raw in reader:
        get = {k: (v or "").strip() for k, v in raw.items() if k}
        try:
            entity = Entity(get["entity"].lower())
        except ValueError:
            errors.append(f"ligne {reader.line_num} : entité « {get['entity']} » inconnue")
            continue
        if not get["username"] or not get["service"]:
            errors.append(f"ligne {reader.line_num} : identifiant et service obligatoires")
            continue
        parsed.append((get, entity))
    if errors:
        raise CatalogueError(errors)
    for get, entity in parsed:
        service = _service_for(session, services, get["service"], entity)
        user = users.get(get["username"])
        if user is None:
            user = StaffUser(username=get["username"], role=Role.REFERENT)
            session.add(user)
            users[user.username] = user
            summary.created += 1
        elif (user.full_name, user.email, user.service_id) != (
            get["full_name"],
            get["email"] or None,
            service.id,
        ):
            summary.updated += 1
        else:
            summary.unchanged += 1
            continue
        user.full_name, user.email, user.service_id = get["full_name"], get["email"] or None, service.id
        session.flush()
        record_event(
            session,
            actor_id=actor_id,
            action="referent.imported",
            entity_type="staff_user",
            entity_id=user.id,
            after={"username": user.username, "service": service.name},
        )
    uow.commit()
    return summary
