"""Staff login and logout."""

from contact_centre.auth.views import bp

__all__ = ["bp"]
