"""POST /api/v1/contacts: the web form, partners and scripts record a contact like any channel."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from contact_centre.domain.channels import Channel
from contact_centre.domain.enums import Role
from contact_centre.domain.errors import DomainError
from contact_centre.runtime import runtime
from contact_centre.services.intake import CitizenHints, InboundContact
from contact_centre.services.staff import user_for_token
from contact_centre.web.errors import domain_error_json, json_error
from contact_centre.web.json_input import check_json_body

bp = Blueprint("api", __name__)

# What the API accepts: the contract's names. Voicemail only comes from the phone channel.
API_CHANNELS = ("phone", "email", "mail", "counter", "web", "council", "gusp", "patrol")
MAX_TEXT = 100_000


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    if request.endpoint == "api.healthz":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return json_error(_("Jeton d'API manquant (en-tête Authorization: Bearer …)."), 401, "unauthorized")
    user = user_for_token(runtime().session(), token.strip())
    if user is None:
        return json_error(_("Jeton d'API invalide ou révoqué."), 401, "unauthorized")
    g.api_user = user
    check_json_body()  # size, depth, NUL and lone surrogates: a 400 or a 413, never a 500
    return None


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> ResponseReturnValue:
    return domain_error_json(exc)


def _text(data: dict[str, Any], key: str, limit: int = MAX_TEXT) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(_("Le champ « %(key)s » doit être une chaîne.", key=key))
    if len(value) > limit:
        raise _bad(_("Le champ « %(key)s » dépasse %(limit)s caractères.", key=key, limit=limit))
    return value


class _BadRequest(Exception):
    pass


def _bad(message: str) -> _BadRequest:
    return _BadRequest(message)


@bp.errorhandler(_BadRequest)
def _bad_request(exc: _BadRequest) -> ResponseReturnValue:
    return json_error(str(exc), 400, "invalid_input")


@bp.post("/api/v1/contacts")
def create_contact() -> ResponseReturnValue:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise _bad(_("Corps JSON attendu (Content-Type: application/json)."))
    channel = data.get("channel")
    if channel not in API_CHANNELS:
        raise _bad(
            _(
                "Canal inconnu : « %(channel)s ». Attendu : %(allowed)s.",
                channel=channel,
                allowed=", ".join(API_CHANNELS),
            )
        )
    citizen = data.get("citizen") or {}
    if not isinstance(citizen, dict):
        raise _bad(_("Le champ « citizen » doit être un objet."))
    hints = CitizenHints(
        name=_text(citizen, "name", 200),
        phone=_text(citizen, "phone", 40),
        email=_text(citizen, "email", 254),
    )
    subject = _text(data, "subject", 255)
    body = _text(data, "body")
    if not (subject.strip() or body.strip() or any((hints.name, hints.phone, hints.email))):
        raise _bad(_("Contact vide : donnez au moins un objet, un texte ou un citoyen."))
    rt = runtime()
    with rt.uow() as uow:
        recorded = rt.intake.record(
            uow,
            InboundContact(
                channel=Channel(channel),
                citizen=hints,
                subject=subject,
                body=body,
                payload={"source": "api", "client": g.api_user.username},
                external_id=_text(data, "external_id", 255) or None,
                created_by_id=g.api_user.id,
            ),
        )
        uow.commit()
    return jsonify({"contact_id": recorded.contact_id, "queue_item_id": recorded.queue_item_id}), (
        201 if recorded.created else 200
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    rt = runtime()
    database: dict[str, Any] = {"backend": rt.database.dialect}
    try:
        with rt.database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database["ok"] = True
    except Exception as exc:
        current_app.logger.warning("health check: database unreachable: %s", exc)
        database.update(ok=False, error=type(exc).__name__)
    jobs = rt.jobs.status()
    healthy = database["ok"]
    status = "ok" if healthy and jobs.get("ok") else "degraded"
    # A stranger learns whether the service is up, not its database or its backlog: that is for admins.
    body = {"status": status, "database": database, "jobs": jobs} if _admin_asks() else {"status": status}
    return jsonify(body), 200 if healthy else 503


def _admin_asks() -> bool:
    """An admin's session, or an admin's API token (monitoring)."""
    if current_user.is_authenticated:
        return bool(current_user.role is Role.ADMIN)
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    user = user_for_token(runtime().session(), token.strip())
    return user is not None and user.role is Role.ADMIN
