"""The patroller's own reports (autosaisine), from a tablet page: category, place, photos."""

from contact_centre.channels.patrol.views import bp

__all__ = ["bp"]
