"""E-mail channel: watched mailboxes' state; the messages the city sends, for loop protection

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mailbox_states",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_mailbox_states"),
    )
    op.create_table(
        "outbound_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name="fk_outbound_mails_contact_id_contacts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbound_mails"),
        sa.UniqueConstraint("contact_id", name="uq_outbound_mails_contact_id"),
    )
    op.create_index("ix_outbound_mails_recipient", "outbound_mails", ["recipient", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbound_mails_recipient", table_name="outbound_mails")
    op.drop_table("outbound_mails")
    op.drop_table("mailbox_states")
