"""Phone: the single number on Twilio Programmable Voice (webhooks under /phone/)."""

from contact_centre.channels.phone.views import bp

__all__ = ["bp"]
