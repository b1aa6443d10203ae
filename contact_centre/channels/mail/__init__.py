"""Postal mail: scanned letters, OCR, the mail-room watched folder."""

from contact_centre.channels.mail.views import bp

__all__ = ["bp"]
