"""The console page; its JSON actions are in `console.api`, claiming and releasing go through the socket."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from contact_centre.domain.base import utcnow
from contact_centre.domain.channels import Channel, channel_label
from contact_centre.domain.enums import CONSOLE_ROLES
from contact_centre.runtime import runtime
from contact_centre.services.staff import console_colleagues
from contact_centre.web.access import roles_required

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
    return render_template(
        "console/index.html",
        opening=opening,
        channels=[(c.value, channel_label(c)) for c in Channel.declared()],
        colleagues=console_colleagues(runtime().session(), current_user.id),
    )
