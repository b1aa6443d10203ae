"""The kiosk at the entrance and the waiting-room display: pages for devices, not for staff logins."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_wtf.csrf import CSRFError

from contact_centre.channels.counter.config import CounterSettings
from contact_centre.domain.counter import CounterTicket
from contact_centre.domain.errors import DomainError
from contact_centre.runtime import runtime
from contact_centre.services import counter as service
from contact_centre.services.counter_reasons import load_reasons, reason_by_code
from contact_centre.web.errors import error_text

bp = Blueprint("counter", __name__, url_prefix="/counter")
DEVICE_COOKIE = "espace_citoyen_borne"


def _device_token(key: str) -> str:
    return hashlib.sha256(("borne:" + key).encode()).hexdigest()


def device_allowed() -> bool:
    """With COUNTER_DEVICE_KEY set, only a kiosk or screen opened once with ?cle=KEY gets in."""
    key = runtime().settings.section(CounterSettings).counter_device_key
    return not key or hmac.compare_digest(request.cookies.get(DEVICE_COOKIE, ""), _device_token(key))


@bp.before_request
def _gate() -> ResponseReturnValue | None:
    key = runtime().settings.section(CounterSettings).counter_device_key
    given = request.args.get("cle")
    if key and given is not None:
        if not hmac.compare_digest(given, key):
            abort(403)
        response = redirect(request.path)
        response.set_cookie(
            DEVICE_COOKIE, _device_token(key), max_age=400 * 24 * 3600, httponly=True, samesite="Strict",
            secure=runtime().settings.app.session_cookie_secure,
        )  # fmt: skip
        return response
    if not device_allowed():
        abort(403)
    return None


def _reasons() -> tuple:
    return load_reasons(runtime().settings.section(CounterSettings).counter_reasons_file)


def _kiosk_page(error: str | None = None, status: int = 200) -> ResponseReturnValue:
    rt = runtime()
    now = rt.clock()
    calendar = rt.calendar(rt.session())
    is_open = calendar.is_open(now)
    return (
        render_template(
            "counter/kiosk.html",
            reasons=_reasons(),
            is_open=is_open,
            next_opening=None
            if is_open
            else format_datetime(calendar.next_opening(now), "EEEE d MMMM 'à' H'h'mm"),
            # One key per page shown: a double tap sends it twice and gets one ticket.
            kiosk_key=secrets.token_urlsafe(24),
            error=error,
        ),
        status,
    )


@bp.get("/kiosk")
def kiosk() -> ResponseReturnValue:
    return _kiosk_page()


@bp.post("/kiosk")
def take_ticket() -> ResponseReturnValue:
    rt = runtime()
    reason = reason_by_code(_reasons(), request.form.get("reason", ""))
    if reason is None:
        return _kiosk_page("Ce motif n'existe pas : touchez l'un des boutons ci-dessous.", 400)
    key = request.form.get("kiosk_key", "")[:64]
    try:
        with rt.uow() as uow:
            ticket = service.issue_ticket(rt.intake, uow, reason, key, rt.clock(), rt.calendar(uow.session))
            uow.commit()
    except DomainError as exc:
        return _kiosk_page(error_text(exc), exc.http_status)
    return redirect(url_for("counter.ticket", ticket_id=ticket.id, k=key))


@bp.get("/kiosk/tickets/<int:ticket_id>")
def ticket(ticket_id: int) -> ResponseReturnValue:
    rt = runtime()
    session = rt.session()
    found = session.get(CounterTicket, ticket_id)
    # The kiosk key proves this device issued the ticket: numbers are not browsable.
    if (
        found is None
        or not found.kiosk_key
        or not hmac.compare_digest(found.kiosk_key, request.args.get("k", ""))
    ):
        abort(404)
    reason = reason_by_code(_reasons(), found.reason)
    return render_template(
        "counter/ticket.html",
        ticket=found,
        reason=reason.label if reason else found.reason,
        wait_minutes=service.estimated_wait_minutes(session, found, rt.clock()),
    )


@bp.get("/display")
def display() -> ResponseReturnValue:
    return render_template("counter/display.html")


@bp.errorhandler(CSRFError)
def _stale_kiosk(exc: CSRFError) -> ResponseReturnValue:
    # A kiosk page left open past the token's life: show it again, ready for the next tap.
    return _kiosk_page("Le délai est dépassé : touchez à nouveau votre choix.", 400)
