"""Administration pages: closure days."""

from contact_centre.admin.views import bp

__all__ = ["bp"]
