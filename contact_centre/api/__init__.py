"""The machine API (/api/v1) and the health check."""

from contact_centre.api.views import bp

__all__ = ["bp"]
