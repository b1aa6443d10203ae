"""The console page; its JSON actions are in `console.api`, claiming and releasing go through the socket."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel, channel_label
from contact_centre.domain.enums import CONSOLE_ROLES
from contact_centre.runtime import runtime
from contact_centre.services.staff import console_colleagues
from contact_centre.web.access import roles_required
from contact_centre.web.plugin import ConsoleParts

bp = Blueprint("console", __name__, url_prefix="/console")
console_only = roles_required(*CONSOLE_ROLES)


@bp.get("/")
@console_only
def index() -> ResponseReturnValue:
    calendar = runtime().calendar(runtime().session())
    now = utcnow()
    opening = {
        "open": calendar.is_open(now),
        "closes": calendar.closes.strftime("%H:%M"),
        "next_opening": calendar.next_opening(now),
    }
    channels = [(c.value, channel_label(c)) for c in Channel.declared()]
    parts: ConsoleParts = current_app.extensions["console_parts"]
    config = {
        "user": {"id": current_user.id, "name": current_user.display_name},
        "status": current_user.agent_status.value,
        "timezone": current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Paris",
        "loginUrl": url_for("auth.login", next=url_for("console.index")),
        "channels": dict(channels),
    } | {name: dict(make()) for name, make in parts.config.items()}
    return render_template(
        "console/index.html",
        opening=opening,
        channels=channels,
        colleagues=console_colleagues(runtime().session(), current_user.id),
        console_panels=parts.panels,
        console_scripts=[url_for(endpoint, filename=name) for endpoint, name in parts.scripts],
        console_config=config,
    )
