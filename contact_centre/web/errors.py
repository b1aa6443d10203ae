"""Errors as the JSON API and the pages answer them: the domain's French message and its code."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from contact_centre.domain.errors import DomainError


def error_text(exc: DomainError) -> str:
    """The domain's French message, through the translation catalogue."""
    template = gettext(exc.message)
    return template.format(**exc.params) if exc.params else template


def json_error(message: str, status: int, code: str = "error") -> ResponseReturnValue:
    return jsonify({"error": {"code": code, "message": message}}), status


def domain_error_json(exc: DomainError) -> ResponseReturnValue:
    return json_error(error_text(exc), exc.http_status, exc.code)
