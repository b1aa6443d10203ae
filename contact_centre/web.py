"""Small helpers shared by the blueprints: role checks and error rendering."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from contact_centre.domain.enums import Role
from contact_centre.domain.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def error_text(exc: DomainError) -> str:
    """The domain's French message, through the translation catalogue."""
    template = gettext(exc.message)
    return template.format(**exc.params) if exc.params else template


def json_error(message: str, status: int, code: str = "error") -> ResponseReturnValue:
    return jsonify({"error": {"code": code, "message": message}}), status


def domain_error_json(exc: DomainError) -> ResponseReturnValue:
    return json_error(error_text(exc), exc.http_status, exc.code)
