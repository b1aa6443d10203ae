"""The call log: every call, in and out, with its waits, talk time and outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from contact_centre.domain.enums import CONSOLE_ROLES
from contact_centre.runtime import runtime
from contact_centre.services.call_log import call_rows, summarise
from contact_centre.web.access import roles_required

bp = Blueprint("call_log", __name__, url_prefix="/console/appels")

OUTCOME_LABELS = {
    "answered": _l("Répondu"),
    "abandoned": _l("Abandonné"),
    "voicemail": _l("Message vocal"),
    "callback": _l("Rappel"),
    None: _l("En cours"),
}


@bp.get("/")
@roles_required(*CONSOLE_ROLES)
def index() -> ResponseReturnValue:
    tz = ZoneInfo(runtime().settings.app.timezone)
    today = datetime.now(tz).date()
    try:
        day = date.fromisoformat(request.args.get("jour", "")) if request.args.get("jour") else today
    except ValueError:
        day = today
    rows = call_rows(runtime().session(), day, tz)
    return render_template(
        "console/calls.html",
        rows=rows,
        outcome_labels=OUTCOME_LABELS,
        day=day,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1) if day < today else None,
        summary=summarise(rows),
    )
