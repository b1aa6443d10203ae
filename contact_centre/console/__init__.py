"""The ambassadors' live console: a page, its JSON actions and its Socket.IO namespace."""

from contact_centre.console import i18n  # noqa: F401 (registers the strings catalogue's route on bp)
from contact_centre.console.views import bp

__all__ = ["bp"]
