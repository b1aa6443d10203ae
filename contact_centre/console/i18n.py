"""The console's string catalogue (`console.strings`) for the page: `t()` in its templates, the JSON its
scripts read (embedded in the page), and the same JSON at /console/strings.json."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from contact_centre.console.strings import catalogue, text
from contact_centre.console.views import bp, console_only


@bp.context_processor
def _strings() -> dict[str, Any]:
    return {"t": text, "console_strings": catalogue}


@bp.get("/strings.json")
@console_only
def strings_json() -> ResponseReturnValue:
    response = jsonify(catalogue())
    response.cache_control.private = True
    return response
