"""JSON shapes the console's pages and channels share that need the web (download URLs).

Shapes without URLs (items, citizens) are in `services.shapes`, which the queue also publishes.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from contact_centre.domain.contacts import Attachment


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    """An attachment as the panel lists it: always downloaded through the console, never inline."""
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": url_for("console_api.panel.attachment", attachment_id=attachment.id),
    }
