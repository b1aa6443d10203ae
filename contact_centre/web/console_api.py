"""The console's JSON API, `/console/api`: one parent blueprint holds the access rule and the error
answer once; the console's own actions and each channel's nest under it (`nest()` in the app factory).

URLs are `/console/api/<child prefix>/...`; endpoints are `console_api.<child>.<view>`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from contact_centre.domain.enums import CONSOLE_ROLES
from contact_centre.domain.errors import DomainError
from contact_centre.web.errors import domain_error_json
from contact_centre.web.json_input import check_json_body


def console_api(children: Iterable[Blueprint]) -> Blueprint:
    """A parent made per app (a blueprint takes no new children once registered on an app)."""
    api = Blueprint("console_api", __name__, url_prefix="/console/api")

    @api.before_request
    @login_required  # anonymous: the login manager's answer, as on every page
    def _console_staff_only() -> None:
        if current_user.role not in CONSOLE_ROLES:
            abort(403)

    api.before_request(check_json_body)

    @api.errorhandler(DomainError)
    def _domain_error(exc: DomainError) -> ResponseReturnValue:
        return domain_error_json(exc)

    for child in children:
        api.register_blueprint(child)
    return api
