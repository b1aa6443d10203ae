"""Counter tickets from the kiosk, numbered per letter and per opening day

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "counter_ticket_sequences",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("letter", sa.String(length=1), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "letter", name=op.f("pk_counter_ticket_sequences")),
    )
    op.create_table(
        "counter_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("letter", sa.String(length=1), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum("waiting", "called", "no_show", name="ticketstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("kiosk_key", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("desk", sa.String(length=40), nullable=True),
        sa.Column("called_by_id", sa.Integer(), nullable=True),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("queue_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["called_by_id"], ["staff_users.id"], name=op.f("fk_counter_tickets_called_by_id_staff_users")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_counter_tickets_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["queue_item_id"], ["queue_items.id"], name=op.f("fk_counter_tickets_queue_item_id_queue_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_tickets")),
        sa.UniqueConstraint("day", "letter", "number", name=op.f("uq_counter_tickets_day")),
        sa.UniqueConstraint("kiosk_key", name=op.f("uq_counter_tickets_kiosk_key")),
        sa.UniqueConstraint("queue_item_id", name=op.f("uq_counter_tickets_queue_item_id")),
    )
    op.create_index("ix_counter_tickets_day_status", "counter_tickets", ["day", "status"])


def downgrade() -> None:
    op.drop_index("ix_counter_tickets_day_status", table_name="counter_tickets")
    op.drop_table("counter_tickets")
    op.drop_table("counter_ticket_sequences")
