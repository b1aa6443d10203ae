"""JSON bodies at the edge: bounded in size and depth, text a database can store, fields of the type
the endpoint expects. A body that breaks a rule is a 400 (413 when too large) in French, never a 500."""

from __future__ import annotations

from typing import Any

from flask import abort, request

from contact_centre.domain.errors import N_, InvalidInput
from contact_centre.web.converters import MAX_ID

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32


def check_json_body() -> None:
    """For a `before_request`: a JSON body must be at most 1 MiB, 32 levels deep, valid, and hold no
    NUL nor lone surrogate (PostgreSQL refuses both: they were 500s)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json:
        return
    if (request.content_length or 0) > MAX_BYTES:
        abort(413)
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BYTES:
        abort(413)
    if not raw.strip():
        return
    try:
        data = request.get_json(silent=True)  # parsed once: the view reads the same, cached
    except RecursionError as exc:  # not a ValueError: Flask would let it through as a 500
        raise InvalidInput(N_("Corps JSON illisible ou trop imbriqué.")) from exc
    if data is None:
        raise InvalidInput(N_("Corps JSON illisible ou trop imbriqué."))
    _check(data)


def _check(data: Any) -> None:
    # Iterative: a hostile body must not exhaust the stack here either.
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidInput(N_("Corps JSON trop imbriqué (au plus {limit} niveaux)."), limit=MAX_DEPTH)
            children = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
            for key, child in children:
                if key is not None:
                    _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(value, str):
            _check_text(value)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise InvalidInput(N_("Le texte envoyé contient un caractère nul : il est refusé."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(N_("Le texte envoyé contient un caractère invalide (UTF-16 isolé) : il est refusé.")) from exc


def json_object() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput(N_("Corps JSON attendu."))
    return data


def text(data: dict[str, Any], field: str) -> str:
    """A text field; absent or null is empty."""
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(N_("« {field} » : un texte est attendu."), field=field)
    return value


def texts(data: dict[str, Any], field: str) -> tuple[str, ...]:
    """A list of texts; absent or null is empty, blank entries are dropped."""
    value = data.get(field)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(N_("« {field} » : une liste de textes est attendue."), field=field)
    return tuple(v for v in value if v.strip())


def optional_id(data: dict[str, Any], field: str) -> int | None:
    """A row id, or None when absent or null."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
        raise InvalidInput(N_("« {field} » : un identifiant (entier) est attendu."), field=field)
    return value
