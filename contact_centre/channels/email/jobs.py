"""The mailbox pass as a job (for a scheduler, or a worker without a long-running watcher)."""

from __future__ import annotations

from flask import current_app

from contact_centre.channels.email.mailbox import MailboxWatcher


def fetch_mail() -> int:
    """Records what waits in the mailbox; returns how many new contacts."""
    return MailboxWatcher(current_app._get_current_object()).run_once()  # type: ignore[attr-defined]
