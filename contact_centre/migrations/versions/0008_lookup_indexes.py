"""Indexes for finding a contact's queue item and a day's calls

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_queue_items_contact", "queue_items", ["contact_id"])
    op.create_index("ix_contacts_channel_received", "contacts", ["channel", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_contacts_channel_received", table_name="contacts")
    op.drop_index("ix_queue_items_contact", table_name="queue_items")
