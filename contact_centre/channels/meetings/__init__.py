"""Contacts staff bring back from a neighbourhood council or a GUSP meeting, entered at /console/saisie."""

from contact_centre.channels.meetings.views import bp

__all__ = ["bp"]
