"""The citizens' side: following a request by its reference."""

from contact_centre.portal.tracking import bp

__all__ = ["bp"]
