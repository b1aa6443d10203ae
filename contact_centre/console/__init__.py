"""The ambassadors' live console: a page, its JSON actions and its Socket.IO namespace."""

from contact_centre.console.views import bp

__all__ = ["bp"]
