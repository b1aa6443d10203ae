"""Desk phones for ambassadors; outbound contacts tied to the queue item they were made for

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("desk_phone", sa.String(length=20), nullable=True))
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("queue_item_id", sa.Integer(), nullable=True))
        batch.create_index("ix_contacts_queue_item_id", ["queue_item_id"])
        batch.create_foreign_key(
            "fk_contacts_queue_item_id_queue_items", "queue_items", ["queue_item_id"], ["id"], use_alter=True
        )


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint("fk_contacts_queue_item_id_queue_items", type_="foreignkey")
        batch.drop_index("ix_contacts_queue_item_id")
        batch.drop_column("queue_item_id")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("desk_phone")
