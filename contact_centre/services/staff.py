"""Staff accounts, passwords (argon2) and API tokens for machine clients."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from contact_centre.domain.audit import record_event
from contact_centre.domain.base import utcnow
from contact_centre.domain.enums import CONSOLE_ROLES, Role, ValidatorTitle
from contact_centre.domain.errors import N_, Conflict, InvalidInput, NotFound
from contact_centre.domain.people import ApiToken, Service, StaffUser
from contact_centre.domain.unit_of_work import UnitOfWork

_hasher = PasswordHasher()
MIN_PASSWORD = 8
TOKEN_PREFIX = "ec_"
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    uow: UnitOfWork,
    username: str,
    role: Role | str,
    password: str,
    *,
    full_name: str = "",
    email: str | None = None,
    service: Service | None = None,
    validator_title: ValidatorTitle | None = None,
    actor_id: int | None = None,
) -> StaffUser:
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise InvalidInput(N_("Identifiant invalide : lettres, chiffres, point, tiret."))
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(N_("Rôle inconnu : « {role} »."), role=role) from None
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("Le mot de passe doit faire au moins {n} caractères."), n=MIN_PASSWORD)
    if uow.session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        raise Conflict(N_("L'identifiant « {username} » existe déjà."), username=username)
    user = StaffUser(
        username=username,
        role=role,
        password_hash=hash_password(password),
        full_name=full_name,
        email=email,
        service_id=service.id if service else None,
        validator_title=validator_title,
    )
    uow.session.add(user)
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=actor_id,
        action="staff.created",
        entity_type="staff_user",
        entity_id=user.id,
        after={"username": username, "role": role.value},
    )
    return user


def authenticate(uow: UnitOfWork, username: str, password: str) -> StaffUser | None:
    user = uow.session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    if user is None or not user.active or not user.password_hash:
        # Same cost as a real check, so timing does not reveal which usernames exist.
        _hasher.hash(password or "x")
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_password(uow: UnitOfWork, user: StaffUser, password: str, actor_id: int | None) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("Le mot de passe doit faire au moins {n} caractères."), n=MIN_PASSWORD)
    user.password_hash = hash_password(password)
    user.session_version += 1
    record_event(
        uow.session,
        actor_id=actor_id,
        action="staff.password_changed",
        entity_type="staff_user",
        entity_id=user.id,
    )


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(uow: UnitOfWork, username: str, label: str = "", actor_id: int | None = None) -> str:
    """Returns the token once; only its digest is kept."""
    user = uow.session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))
    if user is None:
        raise NotFound(N_("Utilisateur inconnu : « {username} »."), username=username)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=_digest(raw), label=label)
    uow.session.add(token)
    uow.session.flush()
    record_event(
        uow.session,
        actor_id=actor_id,
        action="token.created",
        entity_type="api_token",
        entity_id=token.id,
        after={"user": user.username, "label": label},
    )
    return raw


def user_for_token(session: Session, raw: str) -> StaffUser | None:
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(raw)).options(joinedload(ApiToken.user))
    )
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    # Recorded to the minute: a write on every API call would cost more than it tells.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RESOLUTION:
        token.last_used_at = now
    return token.user


def console_colleagues(session: Session, user_id: int) -> list[StaffUser]:
    """The active console staff but the user: whom an item can be transferred to."""
    return [
        u
        for u in session.scalars(
            select(StaffUser).where(StaffUser.role.in_(CONSOLE_ROLES), StaffUser.active.is_(True))
        )
        if u.id != user_id
    ]
