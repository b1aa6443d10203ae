"""Domain errors carry a stable code and a French message for people.

Messages are marked with N_ so Babel extracts them; the web layer translates them
with gettext at display time (the domain itself never imports Flask).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a string for extraction without translating it here."""
    return message


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params

    @property
    def text(self) -> str:
        return str(self)


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 400


class RejectedFile(InvalidInput):
    """An uploaded file refused by its content; `reason` is a stable slug for logs and tests."""

    def __init__(self, reason: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.reason = reason


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
